#!/usr/bin/env bash
# Installs the packages, builds Ruff and runs a demo program from examples/.
set -euo pipefail
cd "$(dirname "$0")/.."
bash utils/install-deps.sh
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=Release -DRUFF_TESTS=OFF >/dev/null
ninja -C build ruff
./build/ruff exec examples/inventory.ruff
# The static-site generator of examples/ssg on a generated 1,000-page site.
site=$(mktemp -d)
mkdir -p "$site/input" "$site/output"
./build/ruff exec examples/ssg/make_site.ruff "$site" 1000
./build/ruff exec examples/ssg/ssg.ruff "$site"
echo "pages written: $(ls "$site/output" | wc -l) (1,000 pages + index)"
rm -rf "$site"
