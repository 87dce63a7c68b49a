#!/bin/sh
# Fuzzes the compiler (loader, importer, passes, codegen) with libFuzzer for MINUTES minutes
# (default 10), seeded with every model of the ONNX backend test suite and the samples.
# It keeps going after a crash (-fork=1 -ignore_crashes=1). Crashes land in build-fuzz/crashes/;
# each one found becomes a case in
# tests/unit/test_error_catalogue.cpp or a fix with a test.
#   tools/fuzz.sh [MINUTES]
set -eu
cd "$(dirname "$0")/.."
minutes="${1:-10}"
build=build-fuzz
CC=clang CXX=clang++ cmake -S . -B "$build" -DMOTE_FUZZ=ON -DMOTE_BUILD_TESTS=OFF -DCMAKE_BUILD_TYPE=RelWithDebInfo > /dev/null
cmake --build "$build" -j "$(nproc)" --target mote-fuzz-compile
mkdir -p "$build/corpus" "$build/crashes"
if [ -z "$(ls -A "$build/corpus")" ]; then
  i=0
  for f in /usr/share/libonnx-testdata/data/*/*/model.onnx samples/*/model.onnx samples/mlperf-tiny/*/model.onnx; do
    [ "$(stat -c %s "$f")" -lt 200000 ] || continue  # small seeds mutate faster
    cp "$f" "$build/corpus/seed_$i.onnx"
    i=$((i + 1))
  done
fi
"$build/mote-fuzz-compile" "$build/corpus" -artifact_prefix="$build/crashes/" -max_total_time=$((minutes * 60)) \
  -timeout=20 -rss_limit_mb=4096 -max_len=4096 -print_final_stats=1 -fork=1 -ignore_crashes=1
