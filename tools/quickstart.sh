#!/bin/sh
# Quick start: installs what is missing, builds Mote, compiles the digits sample model with it,
# builds the generated code with the host compiler and runs it on three held-out digits.
set -eu
cd "$(dirname "$0")/.."
tools/install-deps.sh
cmake -S . -B build -DCMAKE_BUILD_TYPE=Release
cmake --build build -j "$(nproc)" --target mote
out=build/quickstart
rm -rf "$out"
build/compiler/cli/mote compile samples/digits_cnn/model.onnx -o "$out" --name digits
# The generated files are all a firmware build needs: here, the host compilers.
c++ -std=c++17 -O2 -Wall -Wextra -Werror -fno-exceptions -fno-rtti -I "$out" -c "$out/digits.cpp" -o "$out/digits.o"
c++ -std=c++17 -O2 -Wall -Wextra -Werror -fno-exceptions -fno-rtti -I "$out" -c "$out/digits_weights.cpp" -o "$out/digits_weights.o"
cc -std=c99 -O2 -Wall -Wextra -Werror -I "$out" -I samples/digits_cnn -c samples/digits_cnn/demo.c -o "$out/demo.o"
c++ "$out/demo.o" "$out/digits.o" "$out/digits_weights.o" -lm -o "$out/demo"
"$out/demo"
