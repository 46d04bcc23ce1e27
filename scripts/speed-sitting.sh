#!/usr/bin/env bash
# One alternating sitting against PyTorch on this CPU: ROUNDS rounds, each running
# PyTorch 1.13 (Debian's python3-torch), PyTorch 2.13 eager and torch.compile (a venv with the wheel
# in /opt/wheels), all with glibc's allocator as shipped and tuned, then the project's oneDNN floor
# (benchmark --floor) and its benchmark.
# Every line of output goes to LOG with a timestamp; docs/performance.md tables come from it.
#
#   scripts/speed-sitting.sh [ROUNDS=3] [LOG=runs/speed-sitting.log]
#
# Needs: python3-torch (apt), TORCH_VENV (default /tmp/torchvenv, made with
#   python3 -m venv /tmp/torchvenv && /tmp/torchvenv/bin/pip install /opt/wheels/torch-*.whl numpy),
# data/mnist (scripts/fetch-mnist.sh: PyTorch's canvases are made from it) and data/canvases
# (scripts/digitloc generate). Run it on a quiet machine: nothing else beside it.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
rounds=${1:-3}
log=${2:-$root/runs/speed-sitting.log}
venv=${TORCH_VENV:-/tmp/torchvenv}
mkdir -p "$(dirname "$log")"
cd "$root"
for tool in /usr/bin/python3 "$venv/bin/python"; do
  "$tool" -c 'import torch' 2>/dev/null || { echo "speed-sitting: $tool has no torch (see the header)" >&2; exit 2; }
done
[ -f data/mnist/train-images-idx3-ubyte ] || [ -f data/mnist/train-images-idx3-ubyte.gz ] \
  || { echo "speed-sitting: no MNIST in data/mnist (scripts/fetch-mnist.sh)" >&2; exit 2; }
[ -d data/canvases ] || { echo "speed-sitting: no data/canvases (scripts/digitloc generate)" >&2; exit 2; }
stamp() { while IFS= read -r line; do printf '%s %s\n' "$(date -u +%H:%M:%S)" "$line"; done; }
{
  echo "sitting: $(lscpu | sed -n 's/^Model name:[[:space:]]*//p'), family $(lscpu | sed -n 's/^CPU family:[[:space:]]*//p') model $(lscpu | sed -n 's/^Model:[[:space:]]*//p'), $(nproc) cores, load $(cut -d' ' -f1 /proc/loadavg), commit $(git rev-parse --short HEAD)"
  for r in $(seq "$rounds"); do
    echo "round $r: pytorch 1.13"
    /usr/bin/python3 scripts/pytorch-bench.py --threads 2 --channels-last 2>&1
    echo "round $r: pytorch 2.13 eager"
    "$venv/bin/python" scripts/pytorch-bench.py --threads 2 --channels-last 2>&1
    echo "round $r: pytorch 2.13 torch.compile"
    "$venv/bin/python" scripts/pytorch-bench.py --threads 2 --channels-last --compile 2>&1
    echo "round $r: floor (the step as oneDNN primitives)"
    scripts/digitloc benchmark --floor 2>&1 | grep -E '^(floor|  )'
    echo "round $r: project"
    scripts/digitloc benchmark --data-dir data/canvases 2>&1 | grep -E '^(benchmark|canvas|train|inference|FLOP|peak)'
  done
} 2>&1 | stamp | tee -a "$log"
