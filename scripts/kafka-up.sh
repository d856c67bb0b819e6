#!/usr/bin/env bash
# A local single-broker Kafka (KRaft, no ZooKeeper) on 127.0.0.1 for the Kafka sink:
#   scripts/kafka-up.sh [PORT]      (default 9092; data and broker.log in target/kafka/local)
# The broker is org.apache.kafka:kafka_2.13 from Maven Central, resolved by scripts/kafka/pom.xml
# into target/kafka/classpath.txt on first use (never part of SLMP's jar). Stop it with scripts/kafka-down.sh.
set -euo pipefail
cd "$(dirname "$0")/.."
PORT="${1:-9092}"
DIR=target/kafka/local
JAR=target/slmp-fat.jar
if [ ! -f "$JAR" ]; then
  echo "== building $JAR"
  mvn -B -q -DskipTests package
fi
if [ -f "$DIR/kafka.pid" ] && kill -0 "$(cat "$DIR/kafka.pid")" 2>/dev/null; then
  echo "Kafka already running (pid $(cat "$DIR/kafka.pid")); scripts/kafka-down.sh stops it"
  exit 0
fi
exec java -cp "$JAR" dev.slmp.bench.LocalKafka start "$DIR" "$PORT"
