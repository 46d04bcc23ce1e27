#!/usr/bin/env bash
# Samples the resident memory (MiB) of a training's JVMs every INTERVAL seconds until PID exits:
# the driver (PID) and every Spark executor on this machine (CoarseGrainedExecutorBackend).
#   scripts/sample-rss.sh PID OUT.csv [INTERVAL]
set -euo pipefail
pid=${1:?usage: sample-rss.sh PID OUT.csv [INTERVAL]}; out=${2:?}; every=${3:-5}
echo "seconds,process,rss_mib" > "$out"
start=$(date +%s)
while kill -0 "$pid" 2>/dev/null; do
  now=$(( $(date +%s) - start ))
  echo "$now,driver,$(( $(ps -o rss= -p "$pid" | tr -d ' ') / 1024 ))" >> "$out"
  for e in $(pgrep -f CoarseGrainedExecutorBackend || true); do
    id=$(ps -o args= -p "$e" | grep -o -- '--executor-id [0-9]*' | awk '{print $2}')
    echo "$now,executor-$id,$(( $(ps -o rss= -p "$e" | tr -d ' ') / 1024 ))" >> "$out"
  done
  sleep "$every"
done
