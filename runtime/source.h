// A source file as loaded: its path as given (used in every diagnostic) and its text, with line
// starts for printing the offending line of a syntax error.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace ruff {

struct SourcePos {
    uint32_t line = 0;
    uint32_t col = 0;
};

struct SourceFile {
    std::string path;
    std::string text;
    std::vector<uint32_t> line_starts;  // Byte offset of each line's first character.

    SourceFile(std::string p, std::string t);
    // The text of a 1-based line without its line end.
    std::string_view line_text(uint32_t line) const;
};

}  // namespace ruff
