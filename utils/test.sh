#!/usr/bin/env bash
# Builds Ruff three times (release; AddressSanitizer + UBSan at -O1; ThreadSanitizer at -O1) and
# runs every test through CTest: the GoogleTest unit tests, the lit suite on the release binary,
# the lit suite again on the ASan binary, and the async lit tests and async unit tests on the
# TSan binary. CTest's closing line reports the totals.
set -euo pipefail
cd "$(dirname "$0")/.."
jobs=$(nproc)
cmake -S . -B build-asan -G Ninja -DCMAKE_BUILD_TYPE=Debug -DRUFF_SANITIZE=ON -DRUFF_TESTS=OFF \
  -DCMAKE_CXX_FLAGS_DEBUG="-O1 -g" >/dev/null
ninja -C build-asan -j"$jobs" ruff
cmake -S . -B build-tsan -G Ninja -DCMAKE_BUILD_TYPE=Debug -DRUFF_TSAN=ON -DRUFF_TESTS=ON \
  -DCMAKE_CXX_FLAGS_DEBUG="-O1 -g" >/dev/null
ninja -C build-tsan -j"$jobs" ruff ruff_unittests
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=Release -DRUFF_ASAN_BINARY="$PWD/build-asan/ruff" \
  -DRUFF_TSAN_DIR="$PWD/build-tsan" >/dev/null
ninja -C build -j"$jobs"
cd build
ctest --output-on-failure -j"$jobs"
