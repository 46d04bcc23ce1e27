#!/usr/bin/env python3
"""Reads a training run's TensorBoard event files with TensorBoard's own reader (EventAccumulator) and
checks them against the run's history.json:

  * every per-epoch scalar equals history.json's figure (as the 32-bit float TensorBoard stores), at the
    step of the training samples seen by the end of that epoch, once per epoch and for no other step;
  * the prediction grid is there, as PNG images whose header matches the recorded size;
  * the settings are there as text, and no tag holds a step twice.

    check-tensorboard.py RUN_DIR [--events DIR] [--json]

RUN_DIR holds history.json; the events are read from RUN_DIR/tensorboard unless --events says otherwise
(a run written to digitloc.train.tensorboard-dir). --json prints what TensorBoard read (for tests).
Exit code 0 when everything matches, 1 with one line per mismatch otherwise.
"""
import argparse
import hashlib
import json
import math
import os
import struct
import sys

import numpy as np
from tensorboard.backend.event_processing import event_accumulator as ea
from tensorboard.util import tensor_util

# The same table as io.digitloc.monitor.TrainingBoard.EPOCH_FIGURES: tag -> history.json field.
EPOCH_FIGURES = {
    "epoch/train_loss": "trainLoss",
    "epoch/images_per_second": "imagesPerSecond",
    "epoch/seconds": "epochSeconds",
    "validation/loss": "valLoss",
    "validation/accuracy": "valAccuracy",
    "validation/mean_iou": "valMeanIou",
    "validation/box_mse": "valBoxMse",
    "validation/iou_at_0.6": "valIouShare",
}
PREDICTIONS = "validation/predictions"
SETTINGS = "run/settings"


def as_float32(x):
    return float(np.float32(float(x)))  # history.json writes NaN as the string "NaN"


def same(a, b):
    return (math.isnan(a) and math.isnan(b)) or a == b


def png_size(data):
    if data[:8] != b"\x89PNG\r\n\x1a\n" or data[12:16] != b"IHDR":
        return None
    return struct.unpack(">II", data[16:24])


def read(events_dir):
    acc = ea.EventAccumulator(events_dir, size_guidance={ea.SCALARS: 0, ea.IMAGES: 0, ea.TENSORS: 0})
    acc.Reload()
    tags = acc.Tags()
    texts = {}
    for tag in acc.PluginTagToContent("text"):
        texts[tag] = [(t.step, tensor_util.make_ndarray(t.tensor_proto).item().decode("utf-8"))
                      for t in acc.Tensors(tag)]
    return {
        "files": sorted(f for f in os.listdir(events_dir) if "tfevents" in f),
        "scalars": {tag: [(s.step, s.value) for s in acc.Scalars(tag)] for tag in tags[ea.SCALARS]},
        "images": {tag: [(i.step, i.width, i.height, i.encoded_image_string) for i in acc.Images(tag)]
                   for tag in tags[ea.IMAGES]},
        "texts": texts,
    }


def check(history, seen):
    problems = []
    steps, total = [], 0
    for record in history:
        total += int(record["examples"])
        steps.append(total)
    for tag, events in list(seen["scalars"].items()) + list(seen["images"].items()) + list(seen["texts"].items()):
        at = [e[0] for e in events]
        twice = sorted({s for s in at if at.count(s) > 1})
        if twice:
            problems.append(f"{tag}: steps written more than once: {twice[:5]}")
    for tag, field in EPOCH_FIGURES.items():
        events = dict(seen["scalars"].get(tag, []))
        for record, step in zip(history, steps):
            want = as_float32(record.get(field, "NaN"))
            if step not in events:
                problems.append(f"{tag}: no value for epoch {record['epoch']} (step {step})")
            elif not same(events[step], want):
                problems.append(f"{tag}: epoch {record['epoch']} (step {step}) reads {events[step]!r}, "
                                f"history.json {field} = {record.get(field)!r} ({want!r} as float32)")
        extra = sorted(set(events) - set(steps))
        if extra:
            problems.append(f"{tag}: values at steps history.json has no epoch for: {extra[:5]}")
    images = seen["images"].get(PREDICTIONS, [])
    if not images:
        problems.append(f"{PREDICTIONS}: no image")
    for step, width, height, data in images:
        if png_size(data) != (width, height):
            problems.append(f"{PREDICTIONS} at step {step}: not a {width}x{height} PNG")
    if not any(text.strip() for _, text in seen["texts"].get(SETTINGS, [])):
        problems.append(f"{SETTINGS}: no settings text")
    return problems


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("run_dir")
    parser.add_argument("--events", help="event directory (default: RUN_DIR/tensorboard)")
    parser.add_argument("--json", action="store_true", help="print what TensorBoard read, as JSON")
    args = parser.parse_args()
    events_dir = args.events or os.path.join(args.run_dir, "tensorboard")
    if not os.path.isdir(events_dir) or not any("tfevents" in f for f in os.listdir(events_dir)):
        print(f"no TensorBoard event files in {events_dir}", file=sys.stderr)
        return 1
    with open(os.path.join(args.run_dir, "history.json")) as f:
        history = json.load(f)
    seen = read(events_dir)
    if args.json:
        print(json.dumps({
            "files": seen["files"],
            "scalars": seen["scalars"],
            "images": {tag: [{"step": s, "width": w, "height": h, "sha256": hashlib.sha256(d).hexdigest()}
                             for s, w, h, d in events] for tag, events in seen["images"].items()},
            "texts": seen["texts"],
        }, allow_nan=True))
    problems = check(history, seen)
    for p in problems:
        print("MISMATCH " + p, file=sys.stderr)
    if problems:
        return 1
    progress = sum(len(v) for t, v in seen["scalars"].items() if t not in EPOCH_FIGURES)
    images = seen["images"].get(PREDICTIONS, [])
    print(f"TensorBoard read {events_dir} ({len(seen['files'])} event file(s)): {len(history)} epochs x "
          f"{len(EPOCH_FIGURES)} figures equal to history.json, {len(images)} prediction grid(s), "
          f"the settings, {progress} progress values", file=sys.stderr if args.json else sys.stdout)
    return 0


if __name__ == "__main__":
    sys.exit(main())
