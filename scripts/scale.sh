#!/usr/bin/env bash
# How SLMP's cost grows with the work (issue 17): idle connections held on one node (heap and RSS per
# connection, handshake rate while held), memory per stored session at 1M sessions (standalone store and
# Hazelcast), steady messages/s at 100, 1,000 and 10,000 connections, and the server CPU per resumed
# session on a local 3-node cluster against one node. Suite 3 throughout; about 10 minutes on 2 cores.
#   scripts/scale.sh                         everything
#   scripts/scale.sh --only idle,steady      some parts (idle, store, steady, cluster)
#   scripts/scale.sh --idle 1000,10000,100000 --sessions 1000000 --steady 100,1000,10000 --cluster 3
# Results: target/bench/scale.md and target/bench/scale.json.
set -euo pipefail
cd "$(dirname "$0")/.."

JAR=target/slmp-fat.jar
if [ ! -f "$JAR" ] || [ -n "$(find pom.xml src -newer "$JAR" -print -quit)" ]; then
  echo "== building $JAR"
  mvn -B -q -DskipTests package
fi

# Each connection is a descriptor in the server AND in the load generator: raise the limit as far as
# this machine lets us (the hard limit; raising that needs CAP_SYS_RESOURCE). The default largest idle
# count is this limit minus 1,000, at most 100,000.
want=110000
ulimit -Hn "$want" 2>/dev/null || true
ulimit -n "$want" 2>/dev/null || ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
echo "== open files limit: $(ulimit -n) (hard $(ulimit -Hn)); 100,000 idle connections need more than 101,000"

mkdir -p target/bench
cp "$JAR" target/bench/slmp-scale.jar
java -Xms1g -Xmx6g -jar target/bench/slmp-scale.jar bench scale "$@"
