#!/bin/sh
# Builds Mote and runs every test: unit tests, the golden-output suites (ONNX backend tests,
# samples, MLPerf Tiny models) on the host under ASan+UBSan and compiled for Cortex-M4, the
# samples on the emulated Cortex-M4F. The compiler itself is built with ASan+UBSan too, so
# every compilation in the suite is checked for memory errors and undefined behaviour.
set -eu
cd "$(dirname "$0")/.."
build="${MOTE_BUILD_DIR:-build-test}"
cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DMOTE_SANITIZE=ON
cmake --build "$build" -j "$(nproc)"
ctest --test-dir "$build" --output-on-failure -j "$(nproc)"
