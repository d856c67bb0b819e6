#!/usr/bin/env bash
# The prototype's demo, done properly: build if needed, start a node on a fresh embedded default
# (keys and master secret created on first start), provision a device, send "Hello SLMP!" with the
# Java client (full handshake, ACK requested), and show what the node printed.
set -euo pipefail
cd "$(dirname "$0")/.."

JAR=target/slmp-fat.jar
DATA=${SLMP_DEMO_DATA:-target/demo-data}
PORT=${SLMP_DEMO_PORT:-9999}
DEVICE=${SLMP_DEMO_DEVICE:-user1}
LOG=target/demo-node.log

if [ ! -f "$JAR" ] || [ -n "$(find pom.xml src -newer "$JAR" -print -quit)" ]; then
  echo "== building $JAR"
  mvn -B -q -DskipTests package
fi

rm -rf "$DATA"
mkdir -p target
echo "== starting a node on 127.0.0.1:$PORT with a fresh data directory $DATA"
java -jar "$JAR" -conf "{\"host\":\"127.0.0.1\",\"port\":$PORT,\"dataDir\":\"$DATA\"}" >"$LOG" 2>&1 &
NODE=$!
trap 'kill "$NODE" 2>/dev/null; wait "$NODE" 2>/dev/null || true' EXIT
for _ in $(seq 1 100); do
  grep -q "listening on" "$LOG" 2>/dev/null && break
  if ! kill -0 "$NODE" 2>/dev/null; then
    echo "the node did not start:" >&2
    cat "$LOG" >&2
    exit 1
  fi
  sleep 0.2
done
grep -q "listening on" "$LOG" || { echo "the node did not start in 20 s:" >&2; cat "$LOG" >&2; exit 1; }

echo "== server keys (what a device is provisioned with)"
java -jar "$JAR" keys --data "$DATA"
# The key goes through the environment, not the command line (other users can read a process's arguments).
SLMP_DEVICE_KEY=$(java -jar "$JAR" device key "$DEVICE" --data "$DATA")
export SLMP_DEVICE_KEY
echo "== device $DEVICE provisioned (its key is derived from the node's master secret)"

echo "== sending with the Java client"
java -jar "$JAR" send --host 127.0.0.1 --port "$PORT" --server-key "$DATA/server-p256.pub" \
  --device "$DEVICE" --topic demo --ack Hello SLMP!

sleep 0.3
echo "== the node's output"
cat "$LOG"
if [ "${SLMP_SINK:-inbox}" = kafka ]; then
  echo "== the Kafka topic ${SLMP_KAFKA_TOPIC:-slmp.messages} (sink=kafka: ACCEPTED came after the broker's ack)"
  java -cp "$JAR" dev.slmp.bench.LocalKafka show "$SLMP_KAFKA_BOOTSTRAP_SERVERS" "${SLMP_KAFKA_TOPIC:-slmp.messages}"
else
  echo "== the node's durable inbox ($DATA/inbox.jsonl)"
  cat "$DATA/inbox.jsonl"
fi
