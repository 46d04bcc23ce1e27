#!/usr/bin/env bash
# Checks that Prometheus holds the training gauges of a quick run: Debian's prometheus scrapes the
# driver UI (its /metrics/prometheus/ and /metrics/executors/prometheus pages) every second while a
# small pipeline trains in local mode, then Prometheus's HTTP query API is asked for what it stored.
#   scripts/check-prometheus.sh          (needs Debian's prometheus: apt-get install prometheus)
# The scrape configuration it writes is the one the README shows ("Metrics in Prometheus").
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
command -v prometheus >/dev/null || { echo "check-prometheus: prometheus is not installed (apt-get install prometheus)" >&2; exit 1; }
work=$(mktemp -d)
prom_pid=
trap '[ -n "$prom_pid" ] && kill "$prom_pid" 2>/dev/null; rm -rf "$work"' EXIT
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
ui_port=$(free_port)
prom_port=$(free_port)
cat > "$work/prometheus.yml" <<EOF
global:
  scrape_interval: 1s
scrape_configs:
  - job_name: digitloc-driver
    metrics_path: /metrics/prometheus/
    static_configs:
      - targets: ['127.0.0.1:$ui_port']
  - job_name: digitloc-executors
    metrics_path: /metrics/executors/prometheus
    static_configs:
      - targets: ['127.0.0.1:$ui_port']
EOF
prometheus --config.file="$work/prometheus.yml" --storage.tsdb.path="$work/tsdb" \
  --web.listen-address="127.0.0.1:$prom_port" > "$work/prometheus.log" 2>&1 &
prom_pid=$!

epochs=3
train=2048
(cd "$root" && scripts/fetch-mnist.sh >/dev/null && DIGITLOC_JAVA_OPTS="-Xmx6g -Dspark.ui.port=$ui_port" \
  scripts/digitloc pipeline --mnist-dir data/mnist --data-dir "$work/data" --train-limit "$train" \
  --validation-limit 200 --epochs "$epochs" --model-dir "$work/model" --master 'local[2]') > "$work/run.log" 2>&1 \
  || { cat "$work/run.log" >&2; echo "check-prometheus: the training run failed" >&2; exit 1; }

gauge=metrics_digitloc_driver_plugin_io_digitloc_spark_TrainingMetricsPlugin
python3 - "$prom_port" "$gauge" "$((epochs * train))" <<'EOF'
import json, sys, urllib.parse, urllib.request
port, gauge, samples = sys.argv[1], sys.argv[2], float(sys.argv[3])
def query(q):
    url = f"http://127.0.0.1:{port}/api/v1/query?" + urllib.parse.urlencode({"query": q})
    result = json.load(urllib.request.urlopen(url))["data"]["result"]
    if not result:
        sys.exit(f"check-prometheus: Prometheus holds nothing for {q}")
    return float(result[0]["value"][1])
checks = {
    f"max_over_time({gauge}_samples_Value[15m])": lambda v: v == samples,
    f"count_over_time({gauge}_samples_Value[15m])": lambda v: v >= 2,
    f"max_over_time({gauge}_epoch_Value[15m])": lambda v: v == 3,
    f"max_over_time({gauge}_val_accuracy_Value[15m])": lambda v: 0 <= v <= 1,
    f"max_over_time({gauge}_images_per_second_Value[15m])": lambda v: v > 0,
    f"max_over_time({gauge}_round_fit_seconds_Value[15m])": lambda v: v > 0,
    'max_over_time(up{job="digitloc-executors"}[15m])': lambda v: v == 1,
    "count(max_over_time(metrics_executor_memoryUsed_bytes[15m]))": lambda v: v >= 1,
}
for q, ok in checks.items():
    v = query(q)
    print(f"  {q} = {v:g}")
    if not ok(v):
        sys.exit(f"check-prometheus: {q} = {v:g} is not what the run did")
print("check-prometheus: Prometheus holds the run's training gauges and the executors' metrics")
EOF
