#!/usr/bin/env bash
# Executes notebooks/explore_run.ipynb headless against a run directory, so the notebook cannot rot.
#   scripts/check-notebook.sh [RUN_DIR]     (default: runs/quick, made by the README's quick pipeline if missing)
# Needs Debian's jupyter-nbconvert, python3-ipykernel, python3-pandas and python3-matplotlib.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
run="${1:-$root/runs/quick}"
mkdir -p "$(dirname "$run")"
run=$(cd "$(dirname "$run")" && pwd)/$(basename "$run")
if [ ! -f "$run/metrics.json" ]; then
  echo "no evaluated run in $run: running the quick pipeline first"
  (cd "$root" && scripts/fetch-mnist.sh && scripts/digitloc pipeline --config conf/quick.conf --model-dir "$run")
fi
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
# Debian's jupyter and kernel use /usr/bin/python3 with the Debian pandas/matplotlib.
DIGITLOC_RUN="$run" PATH="/usr/bin:$PATH" /usr/bin/jupyter nbconvert --to notebook --execute \
  --ExecutePreprocessor.timeout=300 --output-dir "$out" "$root/notebooks/explore_run.ipynb"
echo "notebook executed against $run ($(ls "$out"))"
