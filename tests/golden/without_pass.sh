#!/bin/sh
# Runs every golden suite with one optional pass switched off (host only, no Cortex-M4 build):
# each pass must be optional in fact, not only in name. Further arguments go to every run.
#   without_pass.sh MOTE_GOLDEN EXPECTED_DIR TESTDATA_DIR SOURCE_DIR WORK_DIR PASS [ARG...]
set -eu
golden=$1 expected=$2 testdata=$3 source=$4 work=$5 pass=$6
shift 6
for suite in node pytorch-converted pytorch-operator simple; do
  "$golden" "$testdata/$suite" --expected "$expected/$suite.txt" --work "$work/$suite" --disable-pass "$pass" "$@"
done
"$golden" "$source/samples" "$source/samples/mlperf-tiny" "$source/samples/mlperf-tiny/real" \
  --expected "$expected/samples.txt" --work "$work/samples" --disable-pass "$pass" "$@"
