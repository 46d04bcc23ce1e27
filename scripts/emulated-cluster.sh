#!/usr/bin/env bash
# An emulated cluster on one machine, for scaling measured in time: a Spark standalone Master in the
# host's network namespace and N Workers, each in its own network namespace joined to a bridge by a
# veth pair whose two ends are rate-shaped (tc tbf), and each in its own cgroup v1 `cpu` group with a
# CPU quota (its executor JVM inherits both). Authentication and encryption on, as loopback-cluster.sh.
# Needs root, `ip`, `tc` and the cgroup v1 cpu controller at /sys/fs/cgroup/cpu.
#
#   scripts/emulated-cluster.sh start N CPU_QUOTA RATE   e.g. start 4 0.45 10gbit (prints the master URL)
#   scripts/emulated-cluster.sh stop
#
# CPU_PERIOD_US (default 100000, the kernel's) is the quota's accounting period; a shorter one was
# measured slower for both one and four executors (docs/performance.md).
#
# The driver stays in the host namespace, unconstrained, on the bridge's address: submit with
# SPARK_LOCAL_IP=$(cat $CLUSTER_DIR/driver-ip) and _SPARK_AUTH_SECRET=$(cat $CLUSTER_DIR/secret).
set -euo pipefail
cd "$(dirname "$0")/.."
dir=${CLUSTER_DIR:-/tmp/digitloc-emulated}
cp_file=target/spark-dist-classpath.txt
cg=/sys/fs/cgroup/cpu/digitloc-emulated
net=10.77.0
bridge=dlbr0
opens=(-XX:+IgnoreUnrecognizedVMOptions --add-opens=java.base/java.lang=ALL-UNNAMED
  --add-opens=java.base/java.lang.invoke=ALL-UNNAMED --add-opens=java.base/java.lang.reflect=ALL-UNNAMED
  --add-opens=java.base/java.io=ALL-UNNAMED --add-opens=java.base/java.net=ALL-UNNAMED
  --add-opens=java.base/java.nio=ALL-UNNAMED --add-opens=java.base/java.util=ALL-UNNAMED
  --add-opens=java.base/java.util.concurrent=ALL-UNNAMED --add-opens=java.base/sun.nio.ch=ALL-UNNAMED
  --add-opens=java.base/sun.nio.cs=ALL-UNNAMED --add-opens=java.base/sun.security.action=ALL-UNNAMED
  --add-opens=java.base/sun.util.calendar=ALL-UNNAMED)

fail() { echo "error: $*" >&2; exit 2; }
wait_for() { # file text
  for _ in $(seq 1 240); do grep -q "$2" "$1" 2>/dev/null && return 0; sleep 0.25; done
  echo "error: '$2' not seen in $1" >&2; cat "$1" >&2; return 1
}

# tbf's bucket holds 10 ms of the rate (at least 64 KiB), so that a link sends at its rate in bursts
# no larger than the kernel's timer allows
shape() { # device rate [netns]
  local bits burst
  bits=$(python3 -c "import re,sys; m=re.fullmatch(r'(\d+(?:\.\d+)?)(k|m|g)?bit','$2'.lower()) or sys.exit('bad RATE: $2 (e.g. 10gbit, 1gbit)'); print(int(float(m[1])*{None:1,'k':1e3,'m':1e6,'g':1e9}[m[2]]))")
  burst=$(( bits / 8 / 100 > 65536 ? bits / 8 / 100 : 65536 ))
  ${3:+ip netns exec "$3"} tc qdisc replace dev "$1" root tbf rate "$2" burst "$burst" latency 20ms
}

start() { # n quota rate
  local n=$1 quota=$2 rate=$3 period=${CPU_PERIOD_US:-100000} port w ns
  [ "$(id -u)" = 0 ] || fail "the emulated cluster needs root (network namespaces, tc, cgroups)"
  [ -d /sys/fs/cgroup/cpu ] || fail "no cgroup v1 cpu controller at /sys/fs/cgroup/cpu"
  [ -f "$cp_file" ] || fail "$cp_file missing: run mvn package first"
  python3 -c "import sys; q=float('$quota'); sys.exit(0 if 0 < q <= $(nproc) else 1)" 2>/dev/null \
    || fail "CPU_QUOTA must be a number of cores in (0, $(nproc)]: $quota"
  stop >/dev/null 2>&1 || true
  mkdir -p "$dir/logs" "$dir/spark-home/jars" "$dir/work" "$cg"
  tr ':' '\n' < "$cp_file" | while read -r jar; do ln -sf "$jar" "$dir/spark-home/jars/"; done
  [ -n "${_SPARK_AUTH_SECRET:-}" ] || { [ -f "$dir/secret" ] || head -c 24 /dev/urandom | base64 > "$dir/secret"; }
  export _SPARK_AUTH_SECRET=${_SPARK_AUTH_SECRET:-$(cat "$dir/secret")}
  export SPARK_HOME="$dir/spark-home" SPARK_SCALA_VERSION=2.12

  ip link add "$bridge" type bridge && ip addr add "$net.1/24" dev "$bridge" && ip link set "$bridge" up
  echo "$net.1" > "$dir/driver-ip"
  port=$(python3 -c "import socket; s=socket.socket(); s.bind(('$net.1',0)); print(s.getsockname()[1])")
  SPARK_LOCAL_IP=$net.1 nohup java -Xmx512m "${opens[@]}" -Dspark.authenticate=true \
    -Dspark.network.crypto.enabled=true -cp "$(cat "$cp_file")" org.apache.spark.deploy.master.Master \
    --host "$net.1" --port "$port" --webui-port 0 > "$dir/logs/master.log" 2>&1 &
  echo $! >> "$dir/pids"
  wait_for "$dir/logs/master.log" "I have been elected leader"

  for w in $(seq 1 "$n"); do
    ns=dl-w$w
    ip netns add "$ns"
    ip link add "dlh$w" type veth peer name "dlw$w"
    ip link set "dlw$w" netns "$ns"
    ip link set "dlh$w" master "$bridge" up
    ip netns exec "$ns" ip link set lo up
    ip netns exec "$ns" ip link set "dlw$w" name eth0
    ip netns exec "$ns" ip addr add "$net.$((10 + w))/24" dev eth0
    ip netns exec "$ns" ip link set eth0 up
    shape "dlh$w" "$rate"
    shape eth0 "$rate" "$ns"
    mkdir -p "$cg/w$w"
    echo "$period" > "$cg/w$w/cpu.cfs_period_us"
    echo "$(python3 -c "print(int(float('$quota') * $period))")" > "$cg/w$w/cpu.cfs_quota_us"
    # the shell joins the cgroup, then becomes the Worker JVM in the namespace: the Worker and its
    # executors inherit both (in that order: `ip netns exec` mounts its own /sys, without the cgroups)
    nohup bash -c 'echo $$ > "$0/cgroup.procs"; shift; exec "$@"' "$cg/w$w" _ \
      ip netns exec "$ns" env SPARK_LOCAL_IP="$net.$((10 + w))" java -Xmx512m "${opens[@]}" -Dspark.authenticate=true -Dspark.network.crypto.enabled=true \
      -cp "$(cat "$cp_file")" org.apache.spark.deploy.worker.Worker "spark://$net.1:$port" \
      --host "$net.$((10 + w))" --cores 1 --memory 6g --webui-port 0 --work-dir "$dir/work" \
      > "$dir/logs/worker-$w.log" 2>&1 &
    echo $! >> "$dir/pids"
    wait_for "$dir/logs/worker-$w.log" "Successfully registered with master"
  done
  printf 'workers %s\ncpu_quota %s\ncpu_period_us %s\nlink %s\n' "$n" "$quota" "$period" "$rate" > "$dir/shape"
  echo "spark://$net.1:$port" | tee "$dir/master-url"
}

stop() {
  if [ -f "$dir/pids" ]; then
    while read -r pid; do pkill -9 -P "$pid" 2>/dev/null || true; kill -9 "$pid" 2>/dev/null || true; done < "$dir/pids"
    rm -f "$dir/pids"
  fi
  for ns in $(ip netns list | awk '/^dl-w[0-9]+/ {print $1}'); do
    ip netns pids "$ns" | xargs -r kill -9 2>/dev/null || true
    ip netns del "$ns"
  done
  ip link del "$bridge" 2>/dev/null || true
  sleep 0.5
  for g in "$cg"/w*; do [ -d "$g" ] && rmdir "$g" 2>/dev/null || true; done
  rmdir "$cg" 2>/dev/null || true
  rm -rf "$dir/work"
}

case "${1:-}" in
  start) start "${2:?usage: start N CPU_QUOTA RATE}" "${3:?usage: start N CPU_QUOTA RATE}" \
           "${4:?usage: start N CPU_QUOTA RATE}" ;;
  stop) stop ;;
  *) echo "usage: $0 start N CPU_QUOTA RATE | stop" >&2; exit 2 ;;
esac
