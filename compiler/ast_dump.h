// A readable S-expression dump of the syntax tree, for `ruff --dump-ast` and parser tests.
// Each node prints as `(Kind LINE:COL details children…)`, children indented two spaces.
#pragma once

#include <string>

#include "compiler/ast.h"

namespace ruff {

struct DumpOptions {
    bool positions = true;  // Print each node's anchor as LINE:COL.
    bool compact = false;   // One line, children separated by spaces (handy in tests).
};

// The whole program (its top-level block), ending with a newline unless compact.
std::string dump_ast(ast::Program const& program, DumpOptions options = {});

// One statement or expression.
std::string dump_node(ast::Node const& node, DumpOptions options = {});

}  // namespace ruff
