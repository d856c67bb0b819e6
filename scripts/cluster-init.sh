#!/usr/bin/env bash
# Creates the secrets every node of one SLMP cluster must share (static keys, master secret, cluster key,
# device registry) in DIR, and the cluster CA of the event bus's mutual TLS in DIR/ca, then gives each node
# its own data directory holding a copy of the secrets and its own event-bus certificate.
#   scripts/cluster-init.sh DIR [NODES]      e.g. scripts/cluster-init.sh /srv/slmp 3
# DIR/secrets is the master copy; DIR/node1 .. DIR/nodeN are the nodes' dataDir. Copy a node directory to
# its host with its permissions (they hold private keys: mode 600 files in a mode 700 directory).
# DIR/ca/ca.key admits nodes to the cluster: keep it on no node (a later node: `cluster add-node`).
set -euo pipefail
cd "$(dirname "$0")/.."
DIR=${1:?usage: scripts/cluster-init.sh DIR [NODES]}
NODES=${2:-3}
JAR=target/slmp-fat.jar
[ -f "$JAR" ] || mvn -B -q -DskipTests package

umask 077
mkdir -p "$DIR"
java -jar "$JAR" keys --init --data "$DIR/secrets" >/dev/null
for i in $(seq 1 "$NODES"); do
  mkdir -p "$DIR/node$i"
  for f in server-p256.key server-p256.pub server-x25519.key server-x25519.pub master.secret cluster.key devices.json; do
    cp -p "$DIR/secrets/$f" "$DIR/node$i/$f"
  done
done
[ -f "$DIR/ca/ca.key" ] || java -jar "$JAR" cluster init --ca "$DIR/ca" >/dev/null
for i in $(seq 1 "$NODES"); do
  [ -f "$DIR/node$i/cluster-node.crt" ] ||
    java -jar "$JAR" cluster add-node --ca "$DIR/ca" --data "$DIR/node$i" --name "node$i" --host 127.0.0.1 >/dev/null
done
echo "shared secrets in $DIR/secrets; node data directories $DIR/node1 .. $DIR/node$NODES"
java -jar "$JAR" keys --data "$DIR/secrets"
