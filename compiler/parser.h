// The front end's entry point: UTF-8 source -> tokens -> syntax tree, with GRAMMAR.md's static
// checks (§6). The first error is reported as a SyntaxError (OUTPUT.md §2.2); nothing runs.
#pragma once

#include <memory>
#include <optional>
#include <string>

#include "compiler/ast.h"
#include "runtime/source.h"

namespace ruff {

struct SyntaxError {
    SourceFile const* file;
    SourcePos pos;
    std::string message;
};

// Formats the three-line block of OUTPUT.md §2.2 (with the trailing newline).
std::string format_syntax_error(SyntaxError const& e);

// Parses a whole file. On success returns the program (not yet resolved); on failure fills `error`.
std::unique_ptr<ast::Program> parse_program(SourceFile const* file, SyntaxError& error);

}  // namespace ruff
