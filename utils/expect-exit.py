#!/usr/bin/env python3
"""Runs CMD with inherited stdio; exits 0 iff its exit status is CODE (OUTPUT.md section 6)."""
import subprocess
import sys

want, got = int(sys.argv[1]), subprocess.call(sys.argv[2:])
if got != want:
    sys.exit(f"expect-exit: expected exit status {want}, got {got}: {' '.join(sys.argv[2:])}")
