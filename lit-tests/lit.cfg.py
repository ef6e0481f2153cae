# lit configuration for the Ruff conformance suite: one behaviour per .ruff file.
# Parameters (lit --param): ruff=PATH (required), jit=off|eager|hot|stress, llvm_bindir=DIR.
import os
import sys

import lit.formats

config.name = "ruff"
config.test_format = lit.formats.ShTest(execute_external=False)
config.suffixes = [".ruff"]
config.excludes = ["Inputs"]
config.test_source_root = os.path.dirname(__file__)
config.test_exec_root = os.path.join(lit_config.params.get("build_dir", "."), "lit-out")

ruff = lit_config.params["ruff"]
mode = lit_config.params.get("jit", "off")
flags = {
    "off": "--jit=off",
    "eager": "--jit=eager",
    "hot": "--jit=on --jit-threshold=2",
    "stress": "--jit=stress",
}[mode]
utils_dir = os.path.join(os.path.dirname(config.test_source_root), "utils")
# A hung program fails its test instead of stalling the whole suite.
config.substitutions.append(("%ruff", f'timeout -k 5 300 "{ruff}" {flags}'))
config.substitutions.append(("%expect-exit", f'"{sys.executable}" "{utils_dir}/expect-exit.py"'))
config.available_features.add("jit" if mode != "off" else "no-jit")
# Sanitizer builds (sanitizer=asan|tsan) run each task on a thread of its own: tests of scale
# (thousands of tasks) skip them.
if lit_config.params.get("sanitizer"):
    config.available_features.add("sanitizer")
    config.available_features.add(lit_config.params["sanitizer"])
llvm_bindir = lit_config.params.get("llvm_bindir", "/usr/lib/llvm-19/bin")
config.environment["PATH"] = os.pathsep.join([llvm_bindir, config.environment.get("PATH", os.environ["PATH"])])
for var in ("HOME", "TMPDIR", "RUFF_THREADS", "ASAN_OPTIONS", "UBSAN_OPTIONS", "LSAN_OPTIONS", "TSAN_OPTIONS"):
    if var in os.environ:
        config.environment[var] = os.environ[var]
