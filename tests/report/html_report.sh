#!/bin/sh
# The HTML report is one self-contained page that a browser renders without errors: compiles
# a model with --html, checks that the page loads nothing from anywhere (no URL, no script),
# renders it in headless Chromium (Debian's chromium) and fails on any console message.
# Usage: html_report.sh MOTE MODEL WORK_DIR [SCREENSHOT.png]
set -eu
mote=$1
model=$2
work=$3
screenshot=${4:-$work/report.png}
rm -rf "$work"
mkdir -p "$work"
"$mote" compile "$model" -o "$work/out" --name kws --html "$work/report.html" -q
if grep -n -i "http:\|https:\|<script\|<link\|src=" "$work/report.html"; then
  echo "FAIL: the report refers to something outside itself"
  exit 1
fi
for part in "<h2>Totals</h2>" "<h2>Arena timeline</h2>" "<h2>Flash: weights by node</h2>" "<h2>Nodes</h2>" "<svg" "QLinearConv"; do
  grep -q "$part" "$work/report.html" || { echo "FAIL: the report has no $part"; exit 1; }
done
browser=$(command -v chromium || true)
[ -n "$browser" ] || { echo "FAIL: chromium is not installed (tools/install-deps.sh installs it)"; exit 1; }
# Chromium logs page console messages (errors included) to stderr as "CONSOLE(line)".
timeout 120 "$browser" --headless --no-sandbox --disable-gpu --enable-logging=stderr --v=0 --hide-scrollbars \
  --window-size=1280,1500 --screenshot="$screenshot" "file://$work/report.html" > "$work/chromium.log" 2>&1 ||
  { cat "$work/chromium.log"; echo "FAIL: chromium could not render the report"; exit 1; }
if grep -i "CONSOLE\|Uncaught\|Failed to load resource" "$work/chromium.log"; then
  echo "FAIL: the page logged to the console"
  exit 1
fi
size=$(wc -c < "$screenshot")
[ "$size" -gt 20000 ] || { echo "FAIL: the screenshot is only $size bytes"; exit 1; }
echo "the report rendered in $("$browser" --version 2>/dev/null) with no console messages; screenshot $screenshot ($size bytes)"
