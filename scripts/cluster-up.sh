#!/usr/bin/env bash
# Starts N clustered SLMP nodes on this machine (loopback only): node i listens on port 9000+i, its
# admin server on 8099+i, its Hazelcast member on 5701+, with a data directory holding the cluster's shared secrets
# and its event-bus certificate (mutual TLS between the nodes; SLMP_CLUSTER_INSECURE=true runs without it).
#   scripts/cluster-up.sh [N]        (default 3; stop them with scripts/cluster-down.sh)
set -euo pipefail
cd "$(dirname "$0")/.."
N=${1:-3}
BASE=${SLMP_CLUSTER_DIR:-target/cluster}
JAR=target/slmp-fat.jar
if [ ! -f "$JAR" ] || [ -n "$(find pom.xml src cluster -newer "$JAR" -print -quit)" ]; then
  mvn -B -q -DskipTests package
fi
if [ -f "$BASE/pids" ]; then
  echo "a cluster seems to run already ($BASE/pids): scripts/cluster-down.sh first" >&2
  exit 1
fi
[ -d "$BASE/secrets" ] || scripts/cluster-init.sh "$BASE" "$N" >/dev/null
for i in $(seq 1 "$N"); do
  [ -d "$BASE/node$i" ] || { mkdir -p "$BASE/node$i"; cp -p "$BASE"/secrets/* "$BASE/node$i/"; }
  [ -f "$BASE/node$i/cluster-node.crt" ] || [ ! -f "$BASE/ca/ca.key" ] ||
    java -jar "$JAR" cluster add-node --ca "$BASE/ca" --data "$BASE/node$i" --name "node$i" --host 127.0.0.1 >/dev/null
  conf="{\"host\":\"127.0.0.1\",\"port\":$((9000 + i)),\"admin\":{\"port\":$((8099 + i))},\"dataDir\":\"$BASE/node$i\",\"cluster\":{\"expectedSize\":$N}}"
  java ${SLMP_JAVA_OPTS:-} -Dhazelcast.wait.seconds.before.join=0 -jar "$JAR" -cluster -cluster-host 127.0.0.1 -conf "$conf" \
    >"$BASE/node$i.log" 2>&1 &
  echo $! >>"$BASE/pids"
  # Start one after the other: Hazelcast forms the cluster fastest that way.
  for _ in $(seq 1 150); do
    grep -q "listening on" "$BASE/node$i.log" && break
    kill -0 "$(tail -1 "$BASE/pids")" 2>/dev/null || { echo "node $i failed:" >&2; tail -20 "$BASE/node$i.log" >&2; exit 1; }
    sleep 0.2
  done
  grep -q "listening on" "$BASE/node$i.log" || { echo "node $i did not start in 30 s" >&2; exit 1; }
  echo "node $i: 127.0.0.1:$((9000 + i))  admin http://127.0.0.1:$((8099 + i)) (token $BASE/node$i/admin.token)  log $BASE/node$i.log  $(grep -ho 'event bus on .*' "$BASE/node$i.log" | tail -1)"
done
grep -ho "Members {size:[0-9]*" "$BASE/node$N.log" | tail -1 | sed 's/^/cluster: /'
echo "server keys: $BASE/secrets/server-p256.pub, $BASE/secrets/server-x25519.pub"
