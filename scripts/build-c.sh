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

# --footprint: the README's numbers. Code size of libslmp's objects with one suite only (x86-64, -O2 release
# flags of CMake: -O3 -DNDEBUG), the mbedTLS modules each suite pulls in, and slmp-measure's sizes/stack/time.
if [ "${1:-}" = "--footprint" ]; then
  libsize() { size -t "$1"/CMakeFiles/slmp.dir/src/*.o | awk '/(TOTALS)/ {print $1 " text, " $2 " data, " $3 " bss"}'; }
  for n in 1 2 3; do
    off=()
    for m in 1 2 3; do [ "$m" = "$n" ] || off+=("-DSLMP_NO_SUITE$m=ON"); done
    build "target/c-only$n" -DCMAKE_BUILD_TYPE=MinSizeRel -DSLMP_TESTS=OFF "${off[@]}" >/dev/null
    echo "footprint: libslmp suite $n only (-Os): $(libsize "target/c-only$n")"
  done
  build target/c-os -DCMAKE_BUILD_TYPE=MinSizeRel -DSLMP_TESTS=OFF >/dev/null
  echo "footprint: libslmp all suites (-Os): $(libsize target/c-os)"
  A=$(gcc -print-file-name=libmbedcrypto.a 2>/dev/null)
  [ -f "$A" ] || A=/usr/lib/$(gcc -dumpmachine)/libmbedcrypto.a
  if [ -f "$A" ]; then
    tmp=$(mktemp -d)
    (cd "$tmp" && ar x "$A")
    mods() { (cd "$tmp" && size -t "$@" | awk '/(TOTALS)/ {print $1}'); }
    common="bignum.c.o ecp.c.o ecp_curves.c.o sha256.c.o platform_util.c.o constant_time.c.o hmac_drbg.c.o md.c.o"
    echo "footprint: mbedTLS $MBEDTLS_VERSION text (Debian's full config, -O2) suite 1: $(mods $common aes.c.o) (ecp, bignum, sha256, hmac_drbg+md for ecp blinding, aes)"
    echo "footprint: mbedTLS $MBEDTLS_VERSION text suite 2: $(mods $common aes.c.o gcm.c.o cipher.c.o cipher_wrap.c.o) (+ gcm and the cipher layer it uses)"
    echo "footprint: mbedTLS $MBEDTLS_VERSION text suite 3: $(mods $common chachapoly.c.o chacha20.c.o poly1305.c.o) (common + chachapoly, no aes)"
    rm -rf "$tmp"
  fi
  target/c/slmp-measure target/c/vectors
fi
