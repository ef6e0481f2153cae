#!/usr/bin/env bash
# Builds Ruff twice (release, and AddressSanitizer + UBSan at -O1) and runs every test through
# CTest: the GoogleTest unit tests, the lit suite on the release binary and the lit suite again
# on the sanitizer binary. CTest's closing line reports the totals.
set -euo pipefail
cd "$(dirname "$0")/.."
jobs=$(nproc)
cmake -S . -B build-asan -G Ninja -DCMAKE_BUILD_TYPE=Debug -DRUFF_SANITIZE=ON -DRUFF_TESTS=OFF \
  -DCMAKE_CXX_FLAGS_DEBUG="-O1 -g" >/dev/null
ninja -C build-asan -j"$jobs" ruff
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=Release -DRUFF_ASAN_BINARY="$PWD/build-asan/ruff" >/dev/null
ninja -C build -j"$jobs"
cd build
ctest --output-on-failure -j"$jobs"
