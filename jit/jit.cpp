// The LLVM ORC tier. For now it only proves that the build links LLVM 19 cleanly; compiled code
// will call the same runtime operations as the interpreter (JIT_DESIGN.md).
#include "llvm/Config/llvm-config.h"

namespace ruff::jit {

// The LLVM version the tier was built against, for `ruff --version`.
char const* llvm_version() { return LLVM_VERSION_STRING; }

}  // namespace ruff::jit
