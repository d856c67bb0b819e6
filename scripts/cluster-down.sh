#!/usr/bin/env bash
# Stops the nodes scripts/cluster-up.sh started.
set -euo pipefail
cd "$(dirname "$0")/.."
BASE=${SLMP_CLUSTER_DIR:-target/cluster}
[ -f "$BASE/pids" ] || { echo "no cluster running ($BASE/pids not found)"; exit 0; }
while read -r pid; do kill "$pid" 2>/dev/null || true; done <"$BASE/pids"
while read -r pid; do
  for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
done <"$BASE/pids"
rm -f "$BASE/pids"
echo "stopped"
