#!/usr/bin/env bash
# Stops the Kafka started by scripts/kafka-up.sh (its records stay in target/kafka/local).
set -euo pipefail
cd "$(dirname "$0")/.."
exec java -cp target/slmp-fat.jar dev.slmp.bench.LocalKafka stop target/kafka/local
