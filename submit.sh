#!/usr/bin/env bash
# Submits a pipeline job to Spark:  ./submit.sh [spark-submit options] <subcommand> [options]
#
#   ./submit.sh pipeline --config conf/quick.conf                     # embedded Spark, local[1]
#   ./submit.sh --master spark://host:7077 pipeline --data-dir hdfs://nn/digitloc/data ...
#   ./submit.sh --master yarn --num-executors 4 train --model-dir hdfs://nn/digitloc/runs/r1
#
# With SPARK_HOME set it runs $SPARK_HOME/bin/spark-submit; without it, Spark's own SparkSubmit
# class from this project's Maven classpath (nothing to install). Either way it submits the cluster
# jar (target/*-cluster.jar, built if missing) with main class io.digitloc.cli.Main and a properties
# file merged from conf/spark/common.conf and the file for the master: local.conf (local[1]),
# standalone.conf (spark://), yarn.conf (yarn), kubernetes.conf (k8s://). Options of your own win.
#
# submit.sh's own options (before the subcommand):
#   --with-conf FILE   merge one more properties file (e.g. conf/spark/gpu.conf); repeatable
#   -h, --help         this text (use '<subcommand> --help' for the job's options)
# train, pipeline and retrain get --conf spark.dynamicAllocation.enabled=false unless you set it;
# conf/spark/s3a.conf is added when a job argument names s3a://.
# Exit code: the job's (0 success, 1 failure, 2 bad options; retrain has its own, see README).
set -uo pipefail
root=$(cd "$(dirname "$0")" && pwd)
subcommands=" generate train evaluate pipeline predict score benchmark retrain export "

usage() { sed -n '2,21p' "$0" | sed 's/^# \{0,1\}//'; }

spark_args=()
extra_conf=()
master=""
deploy_mode="client"
driver_memory=""
args=("$@")
i=0
while [ $i -lt ${#args[@]} ]; do
  a=${args[$i]}
  case "$a" in
    -h|--help) usage; exit 0 ;;
    --with-conf) extra_conf+=("${args[$((i + 1))]:?--with-conf needs a file}"); i=$((i + 2)); continue ;;
    --verbose|-v|--supervise) spark_args+=("$a"); i=$((i + 1)); continue ;;
    --master=*) master=${a#--master=} ;;
    --deploy-mode=*) deploy_mode=${a#--deploy-mode=} ;;
    --driver-memory=*) driver_memory=${a#--driver-memory=} ;;
  esac
  case "$a" in
    --*=*) spark_args+=("$a"); i=$((i + 1)) ;;
    -*)
      [ $((i + 1)) -lt ${#args[@]} ] || { echo "submit.sh: $a needs a value" >&2; exit 2; }
      v=${args[$((i + 1))]}
      case "$a" in
        --master) master=$v ;;
        --deploy-mode) deploy_mode=$v ;;
        --driver-memory) driver_memory=$v ;;
      esac
      spark_args+=("$a" "$v"); i=$((i + 2)) ;;
    *) break ;;
  esac
done
if [ $i -ge ${#args[@]} ]; then
  echo "submit.sh: no subcommand given (one of:$subcommands)" >&2; usage >&2; exit 2
fi
sub=${args[$i]}
job_args=("${args[@]:$((i + 1))}")
case "$subcommands" in
  *" $sub "*) ;;
  *) echo "submit.sh: unknown subcommand '$sub' (one of:$subcommands)" >&2; exit 2 ;;
esac

# Training (train, pipeline, retrain) runs each epoch as one barrier stage, which Spark refuses under
# dynamic allocation: turned off for these unless the user set it; the others keep the cluster's setting.
case "$sub" in
  train|pipeline|retrain)
    if [[ " ${spark_args[*]} " != *"spark.dynamicAllocation.enabled="* ]]; then
      spark_args+=(--conf spark.dynamicAllocation.enabled=false)
      echo "submit.sh: spark.dynamicAllocation.enabled=false for $sub (its barrier stage needs a fixed set of executors)" >&2
    fi ;;
esac
# s3a:// outputs go through S3A's directory committer (conf/spark/s3a.conf), when a job argument names one.
if [[ " ${job_args[*]} " == *"s3a://"* ]] && [[ " ${extra_conf[*]} " != *"s3a.conf"* ]]; then
  extra_conf+=("$root/conf/spark/s3a.conf")
  echo "submit.sh: s3a:// paths: adding conf/spark/s3a.conf (the S3A directory committer)" >&2
fi

case "${master:-local}" in
  local*) mode=local ;;
  spark://*) mode=standalone ;;
  yarn*) mode=yarn ;;
  k8s://*) mode=kubernetes ;;
  *) echo "submit.sh: unknown master '$master'" >&2; exit 2 ;;
esac

jar=$(ls "$root"/target/digit-localization-*-cluster.jar 2>/dev/null | head -n 1)
if [ -z "$jar" ] || [ -n "$(find "$root/src/main" "$root/conf" "$root/pom.xml" -newer "$jar" -print -quit)" ]; then
  echo "submit.sh: building the cluster jar (mvn -DskipTests package) ..." >&2
  (cd "$root" && mvn -q -B -DskipTests package >&2) || { echo "submit.sh: build failed" >&2; exit 1; }
  jar=$(ls "$root"/target/digit-localization-*-cluster.jar | head -n 1)
fi

props=$(mktemp "${TMPDIR:-/tmp}/digitloc-spark-XXXXXX.conf")
trap 'rm -f "$props"' EXIT
for f in "$root/conf/spark/common.conf" "$root/conf/spark/$mode.conf" "${extra_conf[@]}"; do
  [ -f "$f" ] || { echo "submit.sh: no such properties file: $f" >&2; exit 2; }
  cat "$f" >> "$props"; echo >> "$props"
done
# Standalone authentication: the driver needs the shared secret in its configuration. It is taken from
# the environment (_SPARK_AUTH_SECRET, the variable Spark's master and workers read) into this
# private temporary file, so it is never on a command line or in a committed file.
if [ "$mode" = standalone ] && [ -n "${_SPARK_AUTH_SECRET:-}" ]; then
  chmod 600 "$props"
  printf 'spark.authenticate.secret %s\n' "$_SPARK_AUTH_SECRET" >> "$props"
fi
# The driver's log settings, when the driver runs here (client mode).
if [ "$deploy_mode" = client ] && [ "$mode" != local ] || [ -n "${SPARK_HOME:-}" ]; then
  sed -i "s|^spark.driver.extraJavaOptions .*|& -Dlog4j2.configurationFile=file:$root/conf/log4j2.properties|" "$props"
fi
[ -n "$master" ] || spark_args+=(--master "local[1]")

export SPARK_LOCAL_IP="${SPARK_LOCAL_IP:-127.0.0.1}"
# OpenMP threads (ND4J, oneDNN, OpenBLAS) sleep between kernels instead of spinning: spinning
# threads took the cores from the Java passes and BLAS calls in between (docs/performance.md).
# Executors get the same from conf/spark/common.conf.
export OMP_WAIT_POLICY="${OMP_WAIT_POLICY:-PASSIVE}"
if [ -n "${SPARK_HOME:-}" ]; then
  "$SPARK_HOME/bin/spark-submit" --class io.digitloc.cli.Main --properties-file "$props" \
    "${spark_args[@]}" "$jar" "$sub" "${job_args[@]}"
  exit $?
fi

# Embedded: this JVM is the driver (client mode), so its flags are given here directly.
cp_file="$root/target/spark-dist-classpath.txt"
if [ ! -f "$cp_file" ] || [ "$root/pom.xml" -nt "$cp_file" ]; then
  (cd "$root" && mvn -q -B -DskipTests package >&2) || exit 1
fi
driver_opts=$(sed -n 's/^spark.driver.extraJavaOptions[[:space:]]*//p' "$props" | tail -n 1)
# As spark-class does: the Hadoop and YARN configuration directories on the classpath (YARN's address,
# the default filesystem); SparkSubmit also ships them to YARN's containers.
classpath=$(cat "$cp_file")
for conf_dir in "${YARN_CONF_DIR:-}" "${HADOOP_CONF_DIR:-}"; do
  [ -n "$conf_dir" ] && classpath="$conf_dir:$classpath"
done
# shellcheck disable=SC2086
java -Xmx"${driver_memory:-4g}" $driver_opts -Dlog4j2.configurationFile="file:$root/conf/log4j2.properties" \
  -cp "$classpath" org.apache.spark.deploy.SparkSubmit --class io.digitloc.cli.Main \
  --properties-file "$props" "${spark_args[@]}" "$jar" "$sub" "${job_args[@]}"
