#!/usr/bin/env bash
# Builds the C device library (src/device-c, issue 16) with CMake:
#   target/c            release: libslmp, slmp-send, sleepy_loop, slmp-vectors, slmp-measure
#   target/c-asan       the same with AddressSanitizer + UndefinedBehaviorSanitizer, for the tests
#   target/c-nosuiteN   one build per suite compiled out (SLMP_NO_SUITEN): each must still build and pass
# All with -Wall -Wextra -Werror -std=c99 -pedantic. With --test it also runs the vector tests of every build.
set -euo pipefail
cd "$(dirname "$0")/.."

missing() {
  echo "error: $1 is missing: install it (Debian: apt-get install -y gcc cmake libmbedtls-dev python3)" >&2
  exit 1
}
command -v cmake >/dev/null 2>&1 || missing cmake
command -v gcc >/dev/null 2>&1 || missing gcc
command -v python3 >/dev/null 2>&1 || missing python3
if ! echo '#include <mbedtls/version.h>' | gcc -E -x c - >/dev/null 2>&1; then
  missing "the mbedTLS headers (libmbedtls-dev)"
fi
MBEDTLS_VERSION=$(echo '#include <mbedtls/version.h>
MBEDTLS_VERSION_STRING' | gcc -E -P -x c - | tail -1 | tr -d '"')
echo "build-c: gcc $(gcc -dumpfullversion), cmake $(cmake --version | head -1 | awk '{print $3}'), mbedTLS ${MBEDTLS_VERSION} ($(echo '#include <mbedtls/version.h>' | gcc -H -E -x c - 2>&1 >/dev/null | head -1 | awk '{print $2}'))"

SHARED=${SLMP_SHARED_DIR:-$(cd .. && pwd)/shared}
if [ ! -d "$SHARED/vectors/slmp1" ]; then
  echo "error: no SLMP/1 vectors at $SHARED/vectors/slmp1 (set SLMP_SHARED_DIR)" >&2
  exit 1
fi

build() { # dir, extra cmake args...
  local dir=$1
  shift
  cmake -S src/device-c -B "$dir" -DCMAKE_C_COMPILER=gcc -DSLMP_VECTORS_DIR="$SHARED/vectors" "$@" >"$dir.cmake.log" 2>&1 ||
    { cat "$dir.cmake.log" >&2; exit 1; }
  cmake --build "$dir" -j "$(nproc)" >"$dir.build.log" 2>&1 || { cat "$dir.build.log" >&2; exit 1; }
  if grep -q "warning:" "$dir.build.log"; then
    grep "warning:" "$dir.build.log" >&2
    echo "error: warnings in $dir" >&2
    exit 1
  fi
  echo "build-c: $dir ok"
}

mkdir -p target
build target/c -DCMAKE_BUILD_TYPE=Release
build target/c-asan -DCMAKE_BUILD_TYPE=Debug \
  -DCMAKE_C_FLAGS="-fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all"
for n in 1 2 3; do
  build "target/c-nosuite$n" -DCMAKE_BUILD_TYPE=Release -DSLMP_NO_SUITE$n=ON
done

if [ "${1:-}" = "--test" ]; then
  for d in target/c target/c-asan target/c-nosuite1 target/c-nosuite2 target/c-nosuite3; do
    echo "build-c: $d/slmp-vectors"
    "$d/slmp-vectors" "$d/vectors"
  done
fi
