#!/bin/sh
# Compile-only targets: the generated code of an int8 and a float model builds warning-free for
# every Arm core without an emulated board, with the flags of its targets/<core>/target.txt; and
# the int8 model with --io int8 (int8 in and out) for those and the Cortex-M4; and the int8
# model for the Cortex-M4 at -O0.
# Usage: compile_targets.sh MOTE SOURCE_DIR WORK_DIR
set -eu
mote=$1
source_dir=$2
work=$3
rm -rf "$work"
mkdir -p "$work"
for variant in mlperf-tiny/kws_int8_qdq mlperf-tiny/ad_float mlperf-tiny/kws_int8_qdq:int8; do
  model=${variant%%:*}
  io=float
  cores="cortex-m0plus cortex-m33 cortex-m55"
  case $variant in *:int8) io=int8 cores="$cores cortex-m4" ;; esac
  out="$work/$(basename "$model")-$io"
  "$mote" compile "$source_dir/samples/$model/model.onnx" -o "$out" --name model -q --io "$io"
  for core in $cores; do
    flags=$(sed -n 's/^flags: //p' "$source_dir/targets/$core/target.txt")
    for unit in model.cpp model_weights.cpp; do
      # shellcheck disable=SC2086  # the flags are a list
      arm-none-eabi-g++ -std=c++17 $flags -O2 -fno-exceptions -fno-rtti -Wall -Wextra -Werror -I "$out" -c "$out/$unit" \
        -o "$out/$core-$unit.o"
    done
    echo "$model (--io $io): compiles for $core ($flags)"
  done
done
# Unoptimised (-O0, a debug build): the DSP kernels' assembly needs registers -O0 does not
# leave, so the plain C forms must take over (MOTE_DSP in mote/base.h).
out="$work/kws_int8_qdq-float"
flags=$(sed -n 's/^flags: //p' "$source_dir/targets/cortex-m4/target.txt")
# shellcheck disable=SC2086  # the flags are a list
arm-none-eabi-g++ -std=c++17 $flags -O0 -fno-exceptions -fno-rtti -Wall -Wextra -Werror -I "$out" -c "$out/model.cpp" -o "$out/m4-O0.o"
echo "mlperf-tiny/kws_int8_qdq: compiles for cortex-m4 at -O0"
