#!/usr/bin/env bash
# Installs every Debian 12 package the build and the tests need (run as root).
set -euo pipefail
export DEBIAN_FRONTEND=noninteractive
apt-get update
apt-get install -y --no-install-recommends \
  g++ cmake ninja-build pkg-config python3 \
  llvm-19-dev llvm-19-tools libzstd-dev \
  libtbb-dev libabsl-dev libgtest-dev libutf8proc-dev libre2-dev
