#!/bin/sh
# Builds samples/digits_cnn/firmware, a firmware-style CMake project using mote_add_model(), from
# a clean folder and runs it. Usage: firmware_project.sh MODE MOTE_BUILD_DIR WORK_DIR
#   package:      installs Mote from MOTE_BUILD_DIR into a prefix and uses find_package(Mote);
#                 builds the same demo with the sample's plain Makefile; then checks that a changed model regenerates on the next build, that an
#                 unchanged one does not, and that a RAM budget below the model fails configure.
#   subdirectory: uses add_subdirectory(<Mote source>), which builds mote for this machine.
set -eu
mode=$1
mote_build=$2
work=$3
source_dir=$(cd "$(dirname "$0")/../.." && pwd)
project=$source_dir/samples/digits_cnn/firmware
rm -rf "$work"
mkdir -p "$work/models"
cp "$source_dir/samples/digits_cnn/model.onnx" "$work/models/digits.onnx"

fail() {
  echo "FAIL: $*"
  exit 1
}

if [ "$mode" = package ]; then
  cmake --install "$mote_build" --prefix "$work/prefix" > "$work/install.log"
  locate="-DCMAKE_PREFIX_PATH=$work/prefix"
else
  locate="-DMOTE_SOURCE_DIR=$source_dir"
fi

cmake -S "$project" -B "$work/build" "$locate" -DDIGITS_MODEL="$work/models/digits.onnx" > "$work/configure.log" 2>&1 ||
  { cat "$work/configure.log"; fail "configure"; }
grep -q "mote: digits: RAM 12584 bytes (arena 12288 + I/O 296), weights 57512 bytes" "$work/configure.log" ||
  { cat "$work/configure.log"; fail "the configure step did not report the model's sizes"; }
cmake --build "$work/build" > "$work/build.log" 2>&1 || { cat "$work/build.log"; fail "build"; }
"$work/build/digits_demo" > "$work/run.log" || { cat "$work/run.log"; fail "the demo does not match PyTorch"; }
grep -q "all three digits match PyTorch" "$work/run.log" || fail "unexpected demo output"
echo "$mode: configured, built and ran: all three digits match PyTorch"
[ "$mode" = package ] || exit 0

# A cross build for the Cortex-M4 with the installed toolchain file: mote runs on this machine,
# the library and the demo are built by arm-none-eabi-gcc.
cmake -S "$project" -B "$work/cortex-m4" -DCMAKE_PREFIX_PATH="$work/prefix" -DDIGITS_MODEL="$work/models/digits.onnx" \
  -DCMAKE_TOOLCHAIN_FILE="$work/prefix/share/mote/targets/cortex-m4/toolchain.cmake" -DDIGITS_TARGET=cortex-m4 \
  > "$work/cortex-m4.log" 2>&1 || { cat "$work/cortex-m4.log"; fail "configure for cortex-m4"; }
cmake --build "$work/cortex-m4" >> "$work/cortex-m4.log" 2>&1 || { cat "$work/cortex-m4.log"; fail "build for cortex-m4"; }
arm-none-eabi-readelf -A "$work/cortex-m4/digits_demo" | grep -q "Tag_CPU_arch: v7E-M" || fail "the demo is not an Armv7E-M (Cortex-M4) program"
echo "cortex-m4: cross-built with targets/cortex-m4/toolchain.cmake and TARGET cortex-m4: $(arm-none-eabi-size "$work/cortex-m4/digits_demo" | tail -1 | awk '{print "text " $1 ", data " $2 ", bss " $3}')"

# The CLI route: the sample's plain Makefile with the installed mote.
cp -r "$source_dir/samples/digits_cnn" "$work/makefile-route"
make -C "$work/makefile-route/firmware" MOTE="$work/prefix/bin/mote" > "$work/make.log" 2>&1 || { cat "$work/make.log"; fail "make"; }
"$work/makefile-route/firmware/build/digits_demo" > "$work/make-run.log" || { cat "$work/make-run.log"; fail "the Makefile demo"; }
echo "Makefile route: built and ran: $(tail -1 "$work/make-run.log")"

# An unchanged model: the build neither regenerates nor recompiles the model.
cmake --build "$work/build" > "$work/rebuild.log" 2>&1 || { cat "$work/rebuild.log"; fail "rebuild"; }
if grep -q "mote: generating\|Building CXX" "$work/rebuild.log"; then cat "$work/rebuild.log"; fail "an unchanged model was regenerated"; fi
echo "unchanged model: nothing regenerated or recompiled"

# A changed model file: the next build regenerates and the demo runs the new model.
cp "$source_dir/tests/cmake/linear_digits.onnx" "$work/models/digits.onnx"
cmake --build "$work/build" > "$work/regenerate.log" 2>&1 || { cat "$work/regenerate.log"; fail "build after the model changed"; }
grep -q "mote: generating digits" "$work/regenerate.log" || { cat "$work/regenerate.log"; fail "a changed model was not regenerated"; }
grep -q "#define DIGITS_WEIGHTS_BYTES 2600" "$work/build/mote_digits/digits.h" || fail "the header is not the new model's"
if "$work/build/digits_demo" > "$work/run2.log"; then fail "the untrained linear model cannot match PyTorch's CNN"; fi
grep -q "MISMATCH" "$work/run2.log" || fail "unexpected demo output after the change"
echo "changed model: regenerated (weights 57512 -> 2600 bytes), rebuilt, ran the new model"

# A RAM budget below what the model needs stops configure with the tensor table.
if cmake -S "$project" -B "$work/budget" "$locate" -DDIGITS_MODEL="$source_dir/samples/digits_cnn/model.onnx" -DDIGITS_RAM_BUDGET=4K \
  > "$work/budget.log" 2>&1; then
  fail "configure accepted a 4K RAM budget for a model that needs 12584 bytes"
fi
grep -q "the model does not fit the budget (exit 3)" "$work/budget.log" || { cat "$work/budget.log"; fail "no budget message"; }
grep -q "above --max-ram 4096" "$work/budget.log" || { cat "$work/budget.log"; fail "no RAM figures"; }
grep -q "tensor.*op.*bytes.*offset" "$work/budget.log" || { cat "$work/budget.log"; fail "no tensor table"; }
echo "4K RAM budget: configure failed with the tensor table"
