#!/bin/sh
# Installs the Debian 12 packages Mote needs to build, test and target Cortex-M, if missing.
set -eu
PACKAGES="build-essential cmake libonnx-dev libprotobuf-dev protobuf-compiler libeigen3-dev libfmt-dev
libcli11-dev zlib1g-dev catch2 libonnx-testdata gcc-arm-none-eabi libnewlib-arm-none-eabi libstdc++-arm-none-eabi-newlib qemu-system-arm
chromium fonts-dejavu-core"
missing=""
for p in $PACKAGES; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
done
if [ -z "$missing" ]; then
  echo "All Debian packages Mote needs are installed."
  exit 0
fi
echo "Installing:$missing"
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
$SUDO apt-get update
# shellcheck disable=SC2086
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y --no-install-recommends $missing
