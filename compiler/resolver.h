// Semantic pass after parsing: gives each local a frame slot, computes closure captures and
// cells, decides for every name whether it is a local, capture, global, implicit-self field or
// built-in, marks move-on-last-use reads, and fills FunctionInfo (names, arity) for every body.
#pragma once

#include <functional>

#include "compiler/ast.h"
#include "compiler/parser.h"

namespace ruff {

// `is_builtin(name)` tells whether a name not bound in the file is a built-in.
// Returns false and fills `error` on a static error found during resolution.
bool resolve_program(ast::Program& program, std::function<bool(std::string const&)> const& is_builtin,
                     SyntaxError& error);

}  // namespace ruff
