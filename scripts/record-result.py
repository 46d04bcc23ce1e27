#!/usr/bin/env python3
"""Records a finished run as docs/records/results/best-<date>-seed<N>.json: the evaluate stage's metrics.json
figures plus the run's workers, samples fitted, training wall time, command, commit and CPU.

  scripts/record-result.py MODEL_DIR --command "scripts/digitloc pipeline ..." [--out FILE]

Writes the file atomically (a temporary file renamed into place) and refuses to overwrite one.
"""
import argparse, datetime, json, os, subprocess, sys, tempfile


def cpu():
    try:
        out = subprocess.run(["lscpu"], capture_output=True, text=True, check=True).stdout
    except (OSError, subprocess.CalledProcessError):
        return "unknown"
    fields = dict(line.split(":", 1) for line in out.splitlines() if ":" in line)
    get = lambda k: fields.get(k, "").strip()
    flags = get("Flags").split()
    return "%s, family %s model %s, %s cores, %s" % (get("Model name"), get("CPU family"), get("Model"),
                                                     get("CPU(s)"), "AVX-512" if "avx512f" in flags else "AVX2")


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("model_dir")
    p.add_argument("--command", required=True, help="the command that produced the run")
    p.add_argument("--out", help="default: docs/records/results/best-<date of the run>-seed<seed>.json")
    a = p.parse_args()
    try:
        metrics = json.load(open(os.path.join(a.model_dir, "metrics.json")))
        meta = json.load(open(os.path.join(a.model_dir, "metadata.json")))
        history = json.load(open(os.path.join(a.model_dir, "history.json")))
    except (OSError, ValueError) as e:
        sys.exit("error: %s is not a finished, evaluated run: %s" % (a.model_dir, e))
    settings = json.loads(meta["settings"])
    date = meta["provenance"]["createdAt"][:10]
    out = a.out or "docs/records/results/best-%s-seed%d.json" % (date, settings["seed"])
    if os.path.exists(out):
        sys.exit("error: %s exists; pass another --out" % out)
    commit = subprocess.run(["git", "rev-parse", "HEAD"], capture_output=True, text=True).stdout.strip()
    record = dict(metrics)
    record.update({
        "workers": meta["shape"]["workers"],
        "samples": meta["outcome"]["epochsRun"] * meta["shape"]["trainExamples"],
        "best_epoch": meta["outcome"]["bestEpoch"],
        "wall_seconds": round(meta["outcome"]["totalSeconds"], 1),
        "seed": settings["seed"],
        "command": a.command,
        "commit": commit,
        "cpu": cpu(),
        "date": date,
        "curves": history,
    })
    os.makedirs(os.path.dirname(out) or ".", exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=os.path.dirname(out) or ".", prefix=".record.")
    with os.fdopen(fd, "w") as f:
        json.dump(record, f, indent=2)
        f.write("\n")
    os.replace(tmp, out)
    print("written", out)


if __name__ == "__main__":
    main()
