#!/usr/bin/env bash
# The fuzzer's long run (issue 12 item 8; README, "Fuzzing the protocol core"): seeded mutation cases against the I/O-free server and
# device state machines, each compared with a model of what spec SLMP/1 revision 2 says the answer must be.
#   scripts/fuzz.sh                          1,000,000 cases, seed taken from the clock (printed first)
#   scripts/fuzz.sh --seed S --cases N       a chosen seed and number of cases
#   scripts/fuzz.sh --seed S --case N        replay one case: its flight, the bytes, expected and actual answers
# Prints progress, cases/s and the mismatch count (each mismatch with its replay command); exits 1 on a mismatch.
# Builds the test classes when a source is newer than them; FUZZ_SKIP_BUILD=1 never builds.
set -euo pipefail
cd "$(dirname "$0")/.."

marker=target/test-classes/dev/slmp/fuzz/FuzzRunner.class
if [ "${FUZZ_SKIP_BUILD:-0}" != 1 ]; then
  if [ ! -f "$marker" ] || [ -n "$(find src/main src/test pom.xml -newer "$marker" -print -quit)" ]; then
    echo "== building the test classes (mvn -B -q test-compile)" >&2
    mvn -B -q test-compile
  fi
fi

cp_file=target/fuzz-classpath.txt
if [ ! -s "$cp_file" ] || [ pom.xml -nt "$cp_file" ]; then
  mvn -B -q org.apache.maven.plugins:maven-dependency-plugin:3.9.0:build-classpath -Dmdep.outputFile="$cp_file"
fi

exec java -Xmx1g -Dslmp.shared.dir="${SLMP_SHARED_DIR:-$PWD/../shared}" \
  -cp "target/classes:target/test-classes:$(cat "$cp_file")" dev.slmp.fuzz.FuzzRunner "$@"
