#!/bin/sh
# Prints, for each sample model, what the optional passes buy: nodes, kernel calls, flash
# (text + data of the generated code and weights built for Cortex-M4 with -Os, from
# arm-none-eabi-size) and arena bytes, with every optional pass off and with the default
# pipeline.   tools/bench-optimisation.sh [BUILD_DIR]
set -eu
cd "$(dirname "$0")/.."
build="${1:-build}"
mote="$build/compiler/cli/mote"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
optional=$("$mote" passes | grep -v "always on" | cut -d: -f1)
off=""
for p in $optional; do off="$off --disable-pass $p"; done

flash() {  # DIR NAME -> bytes of text + data
  for f in "$1"/*.cpp; do
    arm-none-eabi-g++ -std=c++17 -Os -mcpu=cortex-m4 -mthumb -mfloat-abi=hard -mfpu=fpv4-sp-d16 \
      -fno-exceptions -fno-rtti -I"$1" -c "$f" -o "$f.o"
  done
  arm-none-eabi-size -t "$1"/*.o | tail -1 | awk '{print $1 + $2}'
}

echo "| model | nodes, passes off | nodes, default | kernel calls off / on | flash off | flash on | arena off | arena on |"
echo "|---|---:|---:|---:|---:|---:|---:|---:|"
for model in samples/digits_cnn samples/inception_tiny samples/mlperf-tiny/kws_float samples/mlperf-tiny/vww_float \
             samples/mlperf-tiny/ic_float samples/mlperf-tiny/ad_float samples/kws samples/gesture samples/anomaly samples/vww; do
  name=$(basename "$model")
  # shellcheck disable=SC2086
  "$mote" compile "$model/model.onnx" -o "$work/off_$name" --name m $off > "$work/off.txt"
  "$mote" compile "$model/model.onnx" -o "$work/on_$name" --name m > "$work/on.txt"
  nodes_off=$(sed -n 's/.* \([0-9]*\) after optimisation.*/\1/p' "$work/off.txt")
  nodes_on=$(sed -n 's/.* \([0-9]*\) after optimisation.*/\1/p' "$work/on.txt")
  calls_off=$(sed -n 's/.*, \([0-9]*\) kernel calls.*/\1/p' "$work/off.txt")
  calls_on=$(sed -n 's/.*, \([0-9]*\) kernel calls.*/\1/p' "$work/on.txt")
  arena_off=$(sed -n 's/^  arena *\([0-9]*\) bytes.*/\1/p' "$work/off.txt")
  arena_on=$(sed -n 's/^  arena *\([0-9]*\) bytes.*/\1/p' "$work/on.txt")
  echo "| $name | $nodes_off | $nodes_on | $calls_off / $calls_on | $(flash "$work/off_$name") | $(flash "$work/on_$name") | $arena_off | $arena_on |"
done
