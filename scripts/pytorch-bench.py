#!/usr/bin/env python3
"""The project's network in PyTorch, timed as `scripts/digitloc benchmark` times DL4J: same layers,
batch, optimiser and canvases (MNIST digits pasted at seeded random places on black 75x75 canvases,
built here from the same IDX files), so the two training speeds can be compared on one machine.

    apt-get install python3-torch          # Debian's PyTorch (1.13 on Debian 12)
    /usr/bin/python3 scripts/pytorch-bench.py --samples 1920 --repeats 3 --threads 2

    python3 -m venv /tmp/torchvenv && /tmp/torchvenv/bin/pip install /opt/wheels/torch-*.whl numpy
    /tmp/torchvenv/bin/python scripts/pytorch-bench.py --threads 2 --channels-last [--compile]

Prints one line per measurement: median and range of img/s over the repeats, after one warm-up pass.
By default it runs twice, in two child processes: with glibc's allocator as shipped, and tuned as
PyTorch's CPU performance guides advise (MALLOC_MMAP_THRESHOLD_ and MALLOC_TRIM_THRESHOLD_ set high,
so that large tensors are no longer mapped and unmapped every op). `--allocator shipped|tuned` runs
one of them. Each run ends with its page faults and CPU time.
With --compile the model goes through torch.compile (inductor): the warm-up passes, outside the
timed windows, compile it for training and for inference; a compilation inside a timed window is an
error.
"""
import argparse
import gzip
import os
import resource
import statistics
import subprocess
import sys
import time

import numpy as np
import torch
from torch import nn


def read_idx(path):
    opener = gzip.open if path.endswith(".gz") else open
    with opener(path, "rb") as f:
        data = f.read()
    dims = data[3]
    shape = [int.from_bytes(data[4 + 4 * i:8 + 4 * i], "big") for i in range(dims)]
    return np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * dims).reshape(shape)


def find(mnist_dir, stem):
    for name in (stem, stem + ".gz"):
        if os.path.exists(os.path.join(mnist_dir, name)):
            return os.path.join(mnist_dir, name)
    raise SystemExit(f"{stem}[.gz] not found in {mnist_dir} (scripts/fetch-mnist.sh fetches it)")


def canvases(mnist_dir, n, size=75, seed=42):
    images = read_idx(find(mnist_dir, "train-images-idx3-ubyte"))[:n]
    labels = read_idx(find(mnist_dir, "train-labels-idx1-ubyte"))[:n]
    rng = np.random.default_rng(seed)
    x = np.zeros((n, 1, size, size), dtype=np.float32)
    boxes = np.zeros((n, 4), dtype=np.float32)
    for i in range(n):
        px, py = rng.integers(0, size - 28 + 1, size=2)
        x[i, 0, py:py + 28, px:px + 28] = images[i] / 255.0
        boxes[i] = [px / size, py / size, (px + 28) / size, (py + 28) / size]
    return torch.from_numpy(x), torch.from_numpy(labels.astype(np.int64)), torch.from_numpy(boxes)


class LocalizerNet(nn.Module):
    """LocalizerNet: 3 x (3x3 conv, ReLU, 2x2 average pooling), dense 128 ReLU, two heads."""

    def __init__(self, size=75):
        super().__init__()
        side = size
        for _ in range(3):
            side = (side - 2) // 2
        self.features = nn.Sequential(
            nn.Conv2d(1, 16, 3), nn.ReLU(), nn.AvgPool2d(2),
            nn.Conv2d(16, 32, 3), nn.ReLU(), nn.AvgPool2d(2),
            nn.Conv2d(32, 64, 3), nn.ReLU(), nn.AvgPool2d(2),
            nn.Flatten(), nn.Linear(64 * side * side, 128), nn.ReLU())
        self.classifier = nn.Linear(128, 10)
        self.box = nn.Linear(128, 4)

    def forward(self, x):
        h = self.features(x)
        return self.classifier(h), self.box(h)


def compiled_graphs():
    from torch._dynamo.utils import counters
    return counters["stats"]["unique_graphs"]


def timed(body, repeats, warmups=1, compiling=False):
    for _ in range(warmups):
        t0 = time.perf_counter()
        body()  # warm-up pass (with --compile: compilation happens here)
        if compiling:
            print(f"  warm-up pass {time.perf_counter() - t0:.1f} s, {compiled_graphs()} graphs compiled so far")
    before = compiled_graphs() if compiling else 0
    seconds = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        body()
        seconds.append(time.perf_counter() - t0)
    if compiling and compiled_graphs() != before:
        raise SystemExit(f"recompiled inside the timed window ({before} -> {compiled_graphs()} graphs)")
    return seconds


def report(name, n, seconds):
    rates = [n / s for s in seconds]
    print(f"{name}: {statistics.median(rates):.0f} img/s (min {min(rates):.0f}, max {max(rates):.0f}; "
          f"{n} images x {len(seconds)} repeats)")


TUNED = {"MALLOC_MMAP_THRESHOLD_": "10000000000", "MALLOC_TRIM_THRESHOLD_": "10000000000"}


def run_both_ways():
    """This script again as two children, allocator as shipped then tuned (glibc reads it at start)."""
    args = [x for x in sys.argv[1:]]
    for mode in ("shipped", "tuned"):
        env = {k: v for k, v in os.environ.items() if k not in TUNED}
        if mode == "tuned":
            env.update(TUNED)
        code = subprocess.run([sys.executable, os.path.abspath(__file__), *args, "--allocator", mode], env=env).returncode
        if code != 0:
            raise SystemExit(code)


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--mnist-dir", default="data/mnist")
    p.add_argument("--samples", type=int, default=1920)
    p.add_argument("--repeats", type=int, default=3)
    p.add_argument("--batch", type=int, default=64)
    p.add_argument("--threads", type=int, default=os.cpu_count())
    p.add_argument("--box-loss-weight", type=float, default=2.0)
    p.add_argument("--channels-last", action="store_true", help="NHWC memory format (often faster on CPU)")
    p.add_argument("--compile", action="store_true",
                   help="torch.compile the model (inductor), once, in warm-up passes outside the timed windows")
    p.add_argument("--warmups", type=int, default=None,
                   help="warm-up passes before timing (default 1, 2 with --compile)")
    p.add_argument("--allocator", choices=("both", "shipped", "tuned"), default="both",
                   help="glibc malloc as shipped, tuned (" + " ".join(f"{k}={v}" for k, v in TUNED.items())
                        + "), or both in turn (default)")
    a = p.parse_args()
    if a.allocator == "both":
        run_both_ways()
        return
    tuned = all(os.environ.get(k) == v for k, v in TUNED.items())
    if tuned != (a.allocator == "tuned"):
        raise SystemExit(f"--allocator {a.allocator} needs the environment to match ({TUNED} set only for tuned); "
                         "run without --allocator to get both")
    torch.set_num_threads(a.threads)
    torch.manual_seed(42)
    x, y, b = canvases(a.mnist_dir, a.samples)
    net = LocalizerNet()
    fmt = torch.channels_last if a.channels_last else torch.contiguous_format
    net = net.to(memory_format=fmt)
    x = x.contiguous(memory_format=fmt)
    batches = [(x[i:i + a.batch], y[i:i + a.batch], b[i:i + a.batch]) for i in range(0, a.samples, a.batch)]
    optimiser = torch.optim.Adam(net.parameters(), lr=0.002)
    ce, mse = nn.CrossEntropyLoss(), nn.MSELoss()
    # the compiled module shares net's parameters; the loss and Adam's step stay eager
    model = torch.compile(net) if a.compile else net
    warmups = a.warmups if a.warmups is not None else (2 if a.compile else 1)

    def train_pass():
        net.train()
        for xb, yb, bb in batches:
            optimiser.zero_grad(set_to_none=True)
            logits, box = model(xb)
            loss = ce(logits, yb) + a.box_loss_weight * mse(box, bb)
            loss.backward()
            optimiser.step()

    def inference_pass():
        net.eval()
        with torch.no_grad():
            for xb, _, _ in batches:
                model(xb)

    print(f"pytorch {torch.__version__}, {a.threads} threads, batch {a.batch}, "
          f"{'channels-last' if a.channels_last else 'NCHW'}, {a.samples} canvases 75x75, "
          f"{'torch.compile (inductor)' if a.compile else 'eager'}, allocator {a.allocator}")
    report("train (Adam)", a.samples, timed(train_pass, a.repeats, warmups, a.compile))
    report("inference", a.samples, timed(inference_pass, a.repeats, warmups, a.compile))
    use = resource.getrusage(resource.RUSAGE_SELF)
    print(f"process: {use.ru_minflt} minor and {use.ru_majflt} major page faults, "
          f"{use.ru_utime:.1f} s user and {use.ru_stime:.1f} s system CPU")


if __name__ == "__main__":
    main()
