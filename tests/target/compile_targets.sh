#!/bin/sh
# Compile-only targets: the generated code of an int8 and a float model builds warning-free for
# every Arm core without an emulated board, with the flags of its targets/<core>/target.txt.
# Usage: compile_targets.sh MOTE SOURCE_DIR WORK_DIR
set -eu
mote=$1
source_dir=$2
work=$3
rm -rf "$work"
mkdir -p "$work"
for model in mlperf-tiny/kws_int8_qdq mlperf-tiny/ad_float; do
  out="$work/$(basename "$model")"
  "$mote" compile "$source_dir/samples/$model/model.onnx" -o "$out" --name model -q
  for core in cortex-m0plus cortex-m33 cortex-m55; do
    flags=$(sed -n 's/^flags: //p' "$source_dir/targets/$core/target.txt")
    for unit in model.cpp model_weights.cpp; do
      # shellcheck disable=SC2086  # the flags are a list
      arm-none-eabi-g++ -std=c++17 $flags -O2 -fno-exceptions -fno-rtti -Wall -Wextra -Werror -I "$out" -c "$out/$unit" \
        -o "$out/$core-$unit.o"
    done
    echo "$model: compiles for $core ($flags)"
  done
done
