#!/usr/bin/env bash
# Checks the ONNX export from Python, outside the JVM, as a user of the model would run it: exports a
# run's model, runs onnx.checker, runs it in ONNX Runtime on the run's validation canvases and compares
# the digits (and probabilities and boxes, to 1e-5) with the score job's on the same canvases.
#   scripts/check-onnx.sh [RUN_DIR [DATA_DIR]]   (default: runs/quick and data/quick, made by the README's
#                                                 quick pipeline if missing)
# Python: onnx, onnxruntime and pyarrow, installed with pip into a virtualenv ($ONNX_VENV, default
# target/onnx-venv) on first use.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
run="${1:-$root/runs/quick}"
data="${2:-$root/data/quick}"
if [ ! -f "$run/metrics.json" ]; then
  echo "no evaluated run in $run: running the quick pipeline first"
  (cd "$root" && scripts/fetch-mnist.sh && scripts/digitloc pipeline --config conf/quick.conf --model-dir "$run" \
    --data-dir "$data")
fi

venv="${ONNX_VENV:-$root/target/onnx-venv}"
if ! "$venv/bin/python" -c "import onnx, onnxruntime, pyarrow" 2>/dev/null; then
  echo "installing onnx, onnxruntime and pyarrow into $venv"
  rm -rf "$venv"
  python3 -m venv "$venv"
  # one retry: an index that cannot be reached should cost seconds, not minutes
  "$venv/bin/pip" install --quiet --retries 1 onnx onnxruntime pyarrow > "$venv/pip.log" 2>&1 \
    || { cat "$venv/pip.log" >&2; echo "check-onnx: pip install failed" >&2; exit 1; }
fi

out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
"$root/scripts/digitloc" export --model "$run" --format onnx --out "$out/model.onnx"
"$root/scripts/digitloc" score --model "$run/model.zip" --input "$data/validation" --out "$out/scored" --probabilities
"$venv/bin/python" "$root/scripts/check-onnx.py" "$out/model.onnx" "$data/validation" "$out/scored"
