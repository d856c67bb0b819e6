#!/usr/bin/env bash
# SLMP against TLS 1.3 (the JDK SSLEngine and BoringSSL) and plain TCP on this machine, side by side in one run
# (issues 7 and 17). Server CPU per operation is the headline; warm-ups last until the JIT takes < 5 % of a server.
#   scripts/bench.sh             full run: warm-up, 5 rounds per workload (about 10 minutes on 2 cores)
#   scripts/bench.sh --quick     smoke run (about 2 minutes)
#   scripts/bench.sh --micro     the JMH microbenchmarks instead (Maven profile jmh, target/slmp-jmh.jar)
# Any other option goes to the bench command (java -jar target/slmp-fat.jar bench ...), e.g.
# --only sleepy-full,steady --suites 3 --rounds 7 --jfr (JFR recordings of the server processes).
# Builds the fat jar if needed; results: target/bench/results.md and target/bench/results.json.
set -euo pipefail
cd "$(dirname "$0")/.."

JAR=target/slmp-fat.jar
micro=0
args=()
for a in "$@"; do
  case "$a" in
    --micro) micro=1 ;;
    *) args+=("$a") ;;
  esac
done

if [ "$micro" = 1 ]; then
  echo "== building the JMH microbenchmarks (mvn -B -q -Pjmh package)"
  mvn -B -q -Pjmh -DskipTests package
  jmh_args=()
  for a in "${args[@]+"${args[@]}"}"; do
    [ "$a" = "--quick" ] || jmh_args+=("$a")
  done
  exec java -jar target/slmp-jmh.jar "${jmh_args[@]+"${jmh_args[@]}"}"
fi

if [ ! -f "$JAR" ] || [ -n "$(find pom.xml src -newer "$JAR" -print -quit)" ]; then
  echo "== building $JAR"
  mvn -B -q -DskipTests package
fi

# The memory workload holds 10,000 connections in the load generator and 10,000 in the server.
ulimit -n 65536 2>/dev/null || ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
echo "== open files limit: $(ulimit -n) (the memory workload needs more than 10,000)"

# Run from a private copy: a rebuild of target/slmp-fat.jar during the run (mvn package elsewhere) would pull
# classes from under the running load generator and the server processes it starts.
mkdir -p target/bench
cp "$JAR" target/bench/slmp-bench.jar
java -Xms512m -Xmx2g -jar target/bench/slmp-bench.jar bench "${args[@]+"${args[@]}"}"
echo "== results: target/bench/results.md and target/bench/results.json"
