#!/usr/bin/env bash
# Reads a run's TensorBoard event files with TensorBoard's own reader and checks them against its
# history.json (scripts/check-tensorboard.py says what is checked).
#   scripts/check-tensorboard.sh [RUN_DIR] [--events DIR] [--json]   (default RUN_DIR: runs/quick)
#   scripts/check-tensorboard.sh --install                            (only create the virtualenv)
# TensorBoard comes from pip into a virtualenv made once: $DIGITLOC_TB_VENV, by default
# ~/.cache/digitloc/tensorboard-venv (the JUnit test TensorBoardReadBackTest uses the same one).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
venv="${DIGITLOC_TB_VENV:-$HOME/.cache/digitloc/tensorboard-venv}"
if ! "$venv/bin/python" -c "import tensorboard" 2>/dev/null; then
  if [ -d "$venv" ] && [ ! -f "$venv/pyvenv.cfg" ] && [ -n "$(ls -A "$venv")" ]; then
    echo "$venv is not a virtualenv; set DIGITLOC_TB_VENV to a new directory" >&2
    exit 2
  fi
  echo "installing TensorBoard into $venv"
  mkdir -p "$(dirname "$venv")"
  python3 -m venv "$venv"
  "$venv/bin/pip" install -q tensorboard
fi
if [ "${1:-}" = "--install" ]; then
  "$venv/bin/python" -c "import tensorboard; print('TensorBoard', tensorboard.__version__, 'in $venv')"
  exit 0
fi
run="$root/runs/quick"
if [ $# -gt 0 ] && [ "${1#--}" = "$1" ]; then
  run="$1"
  shift
fi
exec "$venv/bin/python" "$root/scripts/check-tensorboard.py" "$run" "$@"
