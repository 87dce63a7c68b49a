#!/bin/sh
# Builds samples/firmware (every sample's firmware main, int8 models from mote_add_model) from
# clean folders twice, for this machine and for the Cortex-M4 on QEMU's mps2-an386, runs every
# program on both, and checks that each exits 0 (its answers agree with PyTorch's) and that the
# two print the same text apart from the instruction counts (the int8 code is bit-exact).
# Usage: sample_firmware.sh MOTE_BUILD_DIR WORK_DIR
set -eu
mote_build=$1
work=$2
source_dir=$(cd "$(dirname "$0")/../.." && pwd)
project=$source_dir/samples/firmware
rm -rf "$work"
mkdir -p "$work"

fail() {
  echo "FAIL: $*"
  exit 1
}

cmake --install "$mote_build" --prefix "$work/prefix" > "$work/install.log"
prefix=$work/prefix
cmake -S "$project" -B "$work/host" -DCMAKE_PREFIX_PATH="$prefix" > "$work/host.log" 2>&1 ||
  { cat "$work/host.log"; fail "configure for the host"; }
cmake --build "$work/host" >> "$work/host.log" 2>&1 || { cat "$work/host.log"; fail "build for the host"; }
cmake -S "$project" -B "$work/m4" -DCMAKE_PREFIX_PATH="$prefix" \
  -DCMAKE_TOOLCHAIN_FILE="$prefix/share/mote/targets/cortex-m4/toolchain.cmake" \
  -DSAMPLES_TARGET=cortex-m4 -DSAMPLES_BOARD=mps2-an386 > "$work/m4.log" 2>&1 ||
  { cat "$work/m4.log"; fail "configure for cortex-m4"; }
cmake --build "$work/m4" >> "$work/m4.log" 2>&1 || { cat "$work/m4.log"; fail "build for cortex-m4"; }

printf '| firmware | instructions / inference (M4) | text | data | bss |\n|---|---:|---:|---:|---:|\n' > "$work/table.md"
count=0
for program in "$work"/host/*_firmware; do
  name=$(basename "$program")
  "$program" > "$work/$name.host.txt" || { cat "$work/$name.host.txt"; fail "$name on the host"; }
  timeout 600 qemu-system-arm -M mps2-an386 -nographic -semihosting-config enable=on,target=native \
    -icount shift=6,sleep=off -kernel "$work/m4/$name" > "$work/$name.m4.txt" 2>&1 ||
    { cat "$work/$name.m4.txt"; fail "$name on the Cortex-M4"; }
  sed 's/, [0-9]* instructions//' "$work/$name.m4.txt" | diff "$work/$name.host.txt" - ||
    fail "$name prints different results on the host and on the Cortex-M4"
  instructions=$(grep -o '[0-9]* instructions' "$work/$name.m4.txt" | head -1 | cut -d' ' -f1)
  [ -n "$instructions" ] || fail "$name on the Cortex-M4 printed no instruction count"
  sizes=$(arm-none-eabi-size "$work/m4/$name" | tail -1 | awk '{print $1 " | " $2 " | " $3}')
  echo "| $name | $instructions | $sizes |" >> "$work/table.md"
  tail -1 "$work/$name.m4.txt"
  count=$((count + 1))
done
[ "$count" -gt 0 ] || fail "no firmware programs were built"
cat "$work/table.md"
echo "$count sample firmware programs: built for the host and the Cortex-M4, same results on both"
