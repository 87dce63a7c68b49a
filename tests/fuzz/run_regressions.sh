#!/bin/sh
# Compiles every input the fuzzer once crashed on (tests/fuzz/regressions/): each must end with
# a documented exit code (0 compiled, 1 bad model or usage, 2 unsupported, 3 budget), never a
# crash, a sanitizer report (exit 99 here) or an internal error (4).
#   run_regressions.sh MOTE REGRESSIONS_DIR WORK_DIR
set -u
mote=$1 dir=$2 work=$3
mkdir -p "$work"
failed=0
for model in "$dir"/*.onnx; do
  ASAN_OPTIONS=exitcode=99 "$mote" compile "$model" -o "$work/out" > "$work/log" 2>&1
  code=$?
  case $code in
    0|1|2|3) echo "ok   $(basename "$model") (exit $code)" ;;
    *) echo "FAIL $(basename "$model") (exit $code)"; cat "$work/log"; failed=1 ;;
  esac
done
exit $failed
