#!/usr/bin/env bash
# A real Spark standalone cluster on 127.0.0.1 for benchmarks, as the cluster tests start it: one Master
# and N Workers, each its own JVM from the Spark distribution's jars (target/spark-dist-classpath.txt,
# made by `mvn package`), authentication and encryption on.
#
#   scripts/loopback-cluster.sh start N [CORES_PER_WORKER]   prints the master URL (state in $CLUSTER_DIR)
#   scripts/loopback-cluster.sh stop
#
# The shared secret is read from _SPARK_AUTH_SECRET (made up and saved in $CLUSTER_DIR/secret when unset);
# submit.sh needs the same variable: `export _SPARK_AUTH_SECRET=$(cat $CLUSTER_DIR/secret)`.
set -euo pipefail
cd "$(dirname "$0")/.."
dir=${CLUSTER_DIR:-/tmp/digitloc-loopback}
cp_file=target/spark-dist-classpath.txt
opens=(-XX:+IgnoreUnrecognizedVMOptions --add-opens=java.base/java.lang=ALL-UNNAMED
  --add-opens=java.base/java.lang.invoke=ALL-UNNAMED --add-opens=java.base/java.lang.reflect=ALL-UNNAMED
  --add-opens=java.base/java.io=ALL-UNNAMED --add-opens=java.base/java.net=ALL-UNNAMED
  --add-opens=java.base/java.nio=ALL-UNNAMED --add-opens=java.base/java.util=ALL-UNNAMED
  --add-opens=java.base/java.util.concurrent=ALL-UNNAMED --add-opens=java.base/sun.nio.ch=ALL-UNNAMED
  --add-opens=java.base/sun.nio.cs=ALL-UNNAMED --add-opens=java.base/sun.security.action=ALL-UNNAMED
  --add-opens=java.base/sun.util.calendar=ALL-UNNAMED)

wait_for() { # file text
  for _ in $(seq 1 240); do grep -q "$2" "$1" 2>/dev/null && return 0; sleep 0.25; done
  echo "error: '$2' not seen in $1" >&2; cat "$1" >&2; return 1
}

case "${1:-}" in
  start)
    n=${2:?usage: start N [CORES]}; cores=${3:-1}
    [ -f "$cp_file" ] || { echo "error: $cp_file missing: run mvn package first" >&2; exit 2; }
    "$0" stop >/dev/null 2>&1 || true
    mkdir -p "$dir/logs" "$dir/spark-home/jars" "$dir/work"
    tr ':' '\n' < "$cp_file" | while read -r jar; do ln -sf "$jar" "$dir/spark-home/jars/"; done
    [ -n "${_SPARK_AUTH_SECRET:-}" ] || { [ -f "$dir/secret" ] || head -c 24 /dev/urandom | base64 > "$dir/secret"; }
    export _SPARK_AUTH_SECRET=${_SPARK_AUTH_SECRET:-$(cat "$dir/secret")}
    export SPARK_HOME="$dir/spark-home" SPARK_SCALA_VERSION=2.12 SPARK_LOCAL_IP=127.0.0.1
    port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
    run() { # log main args...
      local log=$1; shift
      nohup java -Xmx512m "${opens[@]}" -Dspark.authenticate=true -Dspark.network.crypto.enabled=true \
        -cp "$(cat "$cp_file")" "$@" > "$log" 2>&1 &
      echo $! >> "$dir/pids"
    }
    run "$dir/logs/master.log" org.apache.spark.deploy.master.Master --host 127.0.0.1 --port "$port" --webui-port 0
    wait_for "$dir/logs/master.log" "I have been elected leader"
    for w in $(seq 1 "$n"); do
      run "$dir/logs/worker-$w.log" org.apache.spark.deploy.worker.Worker "spark://127.0.0.1:$port" --host 127.0.0.1 \
        --cores "$cores" --memory 6g --webui-port 0 --work-dir "$dir/work"
      wait_for "$dir/logs/worker-$w.log" "Successfully registered with master"
    done
    echo "spark://127.0.0.1:$port" | tee "$dir/master-url"
    ;;
  stop)
    if [ -f "$dir/pids" ]; then
      while read -r pid; do pkill -9 -P "$pid" 2>/dev/null || true; kill -9 "$pid" 2>/dev/null || true; done < "$dir/pids"
      rm -f "$dir/pids"
    fi
    rm -rf "$dir/work"
    ;;
  *) echo "usage: $0 start N [CORES] | stop" >&2; exit 2 ;;
esac
