#!/usr/bin/env bash
# Installs the packages, builds Ruff and runs a demo program from examples/.
set -euo pipefail
cd "$(dirname "$0")/.."
bash utils/install-deps.sh
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=Release -DRUFF_TESTS=OFF >/dev/null
ninja -C build ruff
./build/ruff exec examples/inventory.ruff
