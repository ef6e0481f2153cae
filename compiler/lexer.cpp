// The lexer (GRAMMAR.md §1): positions count Unicode scalars, comments and whitespace vanish, a
// newline outside strings and block comments becomes one NL token, and `${ … }` inside a string
// is lexed as ordinary tokens between InterpBegin/InterpMid/InterpEnd string parts.
#include "compiler/lexer.h"

#include <absl/container/flat_hash_map.h>
#include <absl/strings/str_cat.h>
#include <absl/strings/str_format.h>
#include <utf8proc.h>

#include <cstdlib>
#include <cstring>

namespace ruff {

namespace {

bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool is_identifier_start(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_'; }
bool is_identifier_char(char c) { return is_identifier_start(c) || is_digit(c); }

int digit_value(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return 99;
}

TokenKind keyword_kind(std::string_view word) {
    static auto const* table = [] {
        auto* map = new absl::flat_hash_map<std::string_view, TokenKind>();
#define RUFF_KEYWORD_ENTRY(name, spelling) map->emplace(spelling, TokenKind::name);
        RUFF_KEYWORD_TOKENS(RUFF_KEYWORD_ENTRY)
#undef RUFF_KEYWORD_ENTRY
        return map;
    }();
    auto found = table->find(word);
    return found == table->end() ? TokenKind::Identifier : found->second;
}

// A digit group `D { ["_"] D }` in the given radix.
bool valid_digit_group(std::string_view group, int radix) {
    if (group.empty() || group.front() == '_' || group.back() == '_') return false;
    for (size_t i = 0; i < group.size(); ++i) {
        if (group[i] == '_') {
            if (group[i + 1] == '_') return false;
        } else if (digit_value(group[i]) >= radix) {
            return false;
        }
    }
    return true;
}

// Checks a whole number run against INT / FLOAT (GRAMMAR.md §1).
bool valid_number(std::string_view text, int radix) {
    size_t i = radix == 10 ? 0 : 2;
    auto group = [&](int r) {
        size_t begin = i;
        while (i < text.size() && (text[i] == '_' || digit_value(text[i]) < r)) ++i;
        return valid_digit_group(text.substr(begin, i - begin), r);
    };
    if (!group(radix)) return false;
    if (radix != 10) return i == text.size();
    if (i < text.size() && text[i] == '.') {
        ++i;
        if (!group(10)) return false;
    }
    if (i < text.size() && (text[i] == 'e' || text[i] == 'E')) {
        ++i;
        if (i < text.size() && (text[i] == '+' || text[i] == '-')) ++i;
        if (!group(10)) return false;
    }
    return i == text.size();
}

bool is_printable(char32_t code) {
    if (code < 0x80) return code >= 0x20 && code != 0x7F;
    switch (utf8proc_category(static_cast<utf8proc_int32_t>(code))) {
    case UTF8PROC_CATEGORY_CC:
    case UTF8PROC_CATEGORY_CF:
    case UTF8PROC_CATEGORY_CS:
    case UTF8PROC_CATEGORY_CO:
    case UTF8PROC_CATEGORY_CN:
    case UTF8PROC_CATEGORY_ZS:
    case UTF8PROC_CATEGORY_ZL:
    case UTF8PROC_CATEGORY_ZP: return false;
    default: return true;
    }
}

// Fills in the value of a validated number token: floats correctly rounded (inf on overflow),
// ints exact up to 2^63 with `int_too_large` beyond.
void set_number_value(Token& token, int radix) {
    std::string digits;
    for (size_t i = radix == 10 ? 0 : 2; i < token.text.size(); ++i)
        if (token.text[i] != '_') digits += token.text[i];
    if (token.kind == TokenKind::FloatLiteral) {
        token.float_value = std::strtod(digits.c_str(), nullptr);
        return;
    }
    constexpr uint64_t limit = uint64_t{1} << 63;
    for (char d : digits) {
        uint64_t v = static_cast<uint64_t>(digit_value(d));
        if (token.int_value > (limit - v) / static_cast<uint64_t>(radix)) {
            token.int_too_large = true;
            return;
        }
        token.int_value = token.int_value * static_cast<uint64_t>(radix) + v;
    }
}

}  // namespace

// ---------------------------------------------------------------------------------------------
// Token names and characters

std::string_view token_spelling(TokenKind kind) {
    switch (kind) {
    case TokenKind::EndOfFile: return "end of file";
    case TokenKind::Newline: return "newline";
    case TokenKind::Error: return "error";
    case TokenKind::Identifier: return "identifier";
    case TokenKind::IntLiteral: return "integer literal";
    case TokenKind::FloatLiteral: return "float literal";
    case TokenKind::StringLiteral:
    case TokenKind::InterpBegin: return "string literal";
    case TokenKind::InterpMid:
    case TokenKind::InterpEnd: return "}";
#define RUFF_TOKEN_SPELLING(name, spelling) \
    case TokenKind::name: return spelling;
        RUFF_KEYWORD_TOKENS(RUFF_TOKEN_SPELLING) RUFF_PUNCTUATION_TOKENS(RUFF_TOKEN_SPELLING)
#undef RUFF_TOKEN_SPELLING
    }
    return "?";
}

bool is_keyword(TokenKind kind) { return kind >= TokenKind::Let && kind <= TokenKind::Throw; }

std::string describe_token(Token const& token) {
    switch (token.kind) {
    case TokenKind::EndOfFile:
    case TokenKind::Newline:
    case TokenKind::IntLiteral:
    case TokenKind::FloatLiteral:
    case TokenKind::StringLiteral:
    case TokenKind::InterpBegin: return std::string(token_spelling(token.kind));
    case TokenKind::Identifier: return absl::StrCat("identifier '", token.text, "'");
    case TokenKind::Error: return token.text;
    default: return absl::StrCat("'", std::string(token_spelling(token.kind)), "'");
    }
}

Utf8Char decode_utf8(std::string_view text, size_t offset) {
    auto byte = [&](size_t i) -> int {
        return offset + i < text.size() ? static_cast<unsigned char>(text[offset + i]) : -1;
    };
    int first = byte(0);
    if (first < 0x80) return Utf8Char{static_cast<char32_t>(first < 0 ? 0 : first), 1, first >= 0};
    int continuation = 0;
    char32_t code = 0;
    int low = 0x80, high = 0xBF;  // Allowed range of the second byte.
    if (first >= 0xC2 && first <= 0xDF) {
        continuation = 1;
        code = first & 0x1F;
    } else if (first >= 0xE0 && first <= 0xEF) {
        continuation = 2;
        code = first & 0x0F;
        if (first == 0xE0) low = 0xA0;   // Overlong.
        if (first == 0xED) high = 0x9F;  // Surrogates.
    } else if (first >= 0xF0 && first <= 0xF4) {
        continuation = 3;
        code = first & 0x07;
        if (first == 0xF0) low = 0x90;   // Overlong.
        if (first == 0xF4) high = 0x8F;  // Above U+10FFFF.
    } else {
        return Utf8Char{0xFFFD, 1, false};
    }
    for (int i = 1; i <= continuation; ++i) {
        int b = byte(i);
        if (b < (i == 1 ? low : 0x80) || b > (i == 1 ? high : 0xBF))
            return Utf8Char{0xFFFD, static_cast<uint32_t>(i), false};
        code = (code << 6) | static_cast<char32_t>(b & 0x3F);
    }
    return Utf8Char{code, static_cast<uint32_t>(continuation + 1), true};
}

void append_utf8(std::string& out, char32_t code) {
    if (code < 0x80) {
        out += static_cast<char>(code);
    } else if (code < 0x800) {
        out += static_cast<char>(0xC0 | (code >> 6));
        out += static_cast<char>(0x80 | (code & 0x3F));
    } else if (code < 0x10000) {
        out += static_cast<char>(0xE0 | (code >> 12));
        out += static_cast<char>(0x80 | ((code >> 6) & 0x3F));
        out += static_cast<char>(0x80 | (code & 0x3F));
    } else {
        out += static_cast<char>(0xF0 | (code >> 18));
        out += static_cast<char>(0x80 | ((code >> 12) & 0x3F));
        out += static_cast<char>(0x80 | ((code >> 6) & 0x3F));
        out += static_cast<char>(0x80 | (code & 0x3F));
    }
}

std::string show_character(char32_t code) {
    if (!is_printable(code)) return absl::StrFormat("\\u{%X}", static_cast<uint32_t>(code));
    std::string out;
    append_utf8(out, code);
    return out;
}

// ---------------------------------------------------------------------------------------------
// Lexer state

Lexer::Lexer(std::string_view source) : m_text(source) {
    if (m_text.substr(0, 3) == "\xEF\xBB\xBF") m_offset = 3;
    // The end of file sits just after the last character of the last non-blank line.
    size_t last = m_text.find_last_not_of(" \t\r\n");
    m_end = SourcePos{1, 1};
    if (last == std::string_view::npos || last < m_offset) return;
    size_t line_start = m_text.rfind('\n', last);
    line_start = line_start == std::string_view::npos ? m_offset : line_start + 1;
    uint32_t line = 1;
    for (size_t i = 0; i < line_start; ++i) line += m_text[i] == '\n';
    uint32_t col = 1;
    for (size_t i = line_start; i <= last; ++i) col += (static_cast<unsigned char>(m_text[i]) & 0xC0) != 0x80;
    m_end = SourcePos{line, col};
}

char Lexer::peek_byte(size_t ahead) const {
    return m_offset + ahead < m_text.size() ? m_text[m_offset + ahead] : '\0';
}

void Lexer::bump() {
    char c = m_text[m_offset++];
    if (c == '\n') {
        ++m_line;
        m_col = 1;
    } else if ((static_cast<unsigned char>(c) & 0xC0) != 0x80) {
        ++m_col;
    }
}

void Lexer::bump_bytes(size_t count) {
    for (size_t i = 0; i < count; ++i) bump();
}

Token Lexer::make(TokenKind kind, SourcePos pos, std::string text) {
    Token token;
    token.kind = kind;
    token.pos = pos;
    token.text = std::move(text);
    return token;
}

Token Lexer::fail(SourcePos pos, std::string message) { return make(TokenKind::Error, pos, std::move(message)); }

Token Lexer::next() {
    if (m_finished) return m_final;
    Token token = lex_token();
    if (token.kind == TokenKind::EndOfFile || token.kind == TokenKind::Error) {
        m_finished = true;
        m_final = token;
    }
    return token;
}

// ---------------------------------------------------------------------------------------------
// Whitespace and comments

// Steps over one character of a comment, checking that it is valid UTF-8.
bool Lexer::check_utf8(Token& error) {
    if (static_cast<unsigned char>(current()) < 0x80) {
        bump();
        return true;
    }
    Utf8Char c = decode_utf8(m_text, m_offset);
    if (!c.valid) {
        error = fail(position(), "invalid UTF-8 in source");
        return false;
    }
    bump_bytes(c.length);
    return true;
}

bool Lexer::skip_line_comment(Token& error) {
    while (!at_end() && current() != '\n')
        if (!check_utf8(error)) return false;
    return true;
}

bool Lexer::skip_block_comment(Token& error) {
    SourcePos start = position();
    bump_bytes(2);
    for (;;) {
        if (at_end()) {
            error = fail(start, "unterminated block comment");
            return false;
        }
        if (current() == '*' && peek_byte(1) == '/') {
            bump_bytes(2);
            return true;
        }
        if (current() == '\n') bump();
        else if (!check_utf8(error)) return false;
    }
}

// Skips spaces, tabs, `\r` and comments (none inside `${ }`). False on a lexical error.
bool Lexer::skip_trivia(Token& error) {
    while (!at_end()) {
        char c = current();
        if (c == ' ' || c == '\t' || c == '\r') {
            bump();
            continue;
        }
        if (!m_frames.empty()) return true;
        if (c == '#' || (c == '/' && peek_byte(1) == '/')) {
            if (!skip_line_comment(error)) return false;
        } else if (c == '/' && peek_byte(1) == '*') {
            if (!skip_block_comment(error)) return false;
        } else {
            return true;
        }
    }
    return true;
}

// ---------------------------------------------------------------------------------------------
// Tokens

Token Lexer::lex_token() {
    for (;;) {
        Token error;
        if (!skip_trivia(error)) return error;
        if (at_end()) {
            if (!m_frames.empty()) return fail(m_frames.back().quote, "unterminated string");
            return make(TokenKind::EndOfFile, m_end);
        }
        if (current() != '\n') break;
        SourcePos pos = position();
        if (m_offset > 0 && m_text[m_offset - 1] == '\r' && pos.col > 1) --pos.col;  // At the CR of CRLF.
        bump();
        if (m_after_newline) continue;
        m_after_newline = true;
        return make(TokenKind::Newline, pos);
    }
    m_after_newline = false;
    char c = current();
    if (is_identifier_start(c)) return lex_identifier();
    if (is_digit(c)) return lex_number();
    if (c == '"') return lex_string_part(position(), position(), true);
    if (c == '}' && !m_frames.empty() && m_frames.back().braces == 0) {
        SourcePos pos = position();
        bump();
        return lex_string_part(pos, m_frames.back().quote, false);
    }
    return lex_punctuation();
}

Token Lexer::lex_identifier() {
    SourcePos pos = position();
    size_t start = m_offset;
    while (!at_end() && is_identifier_char(current())) bump();
    std::string_view word = m_text.substr(start, m_offset - start);
    return make(keyword_kind(word), pos, std::string(word));
}

// INT or FLOAT. The run of letters, digits and `_` that follows is part of the literal, so
// `12ab` is one invalid literal rather than `12` and `ab`.
Token Lexer::lex_number() {
    SourcePos pos = position();
    size_t start = m_offset;
    int radix = 10;
    char prefix = static_cast<char>(peek_byte(1) | 0x20);
    if (current() == '0' && (prefix == 'x' || prefix == 'b')) {
        radix = prefix == 'x' ? 16 : 2;
        bump_bytes(2);
    }
    bool is_float = false;
    if (radix == 10) {
        while (!at_end() && (is_digit(current()) || current() == '_')) bump();
        if (!at_end() && current() == '.' && is_digit(peek_byte(1))) {
            is_float = true;
            bump();
            while (!at_end() && (is_digit(current()) || current() == '_')) bump();
        }
        if (!at_end() && (current() == 'e' || current() == 'E')) {
            size_t sign = (peek_byte(1) == '+' || peek_byte(1) == '-') ? 1 : 0;
            if (is_digit(peek_byte(1 + sign))) {
                is_float = true;
                bump_bytes(1 + sign);
            }
        }
    }
    while (!at_end() && is_identifier_char(current())) bump();
    std::string text(m_text.substr(start, m_offset - start));
    if (!valid_number(text, radix)) return fail(pos, absl::StrCat("invalid number literal '", text, "'"));
    Token token = make(is_float ? TokenKind::FloatLiteral : TokenKind::IntLiteral, pos, std::move(text));
    set_number_value(token, radix);
    return token;
}

// One piece of string text: from the opening quote (at_start) or from the `}` that closed an
// interpolation, up to the closing quote or the next `${`.
Token Lexer::lex_string_part(SourcePos token_pos, SourcePos quote, bool at_start) {
    if (at_start) bump();
    std::string text;
    for (;;) {
        // Plain ASCII runs are copied in one piece: 10 MB literals stay fast.
        size_t run = m_offset;
        while (run < m_text.size()) {
            unsigned char b = static_cast<unsigned char>(m_text[run]);
            if (b >= 0x80 || b == '"' || b == '\\' || b == '$' || b == '\r' || b == '\n') break;
            ++run;
        }
        text.append(m_text.substr(m_offset, run - m_offset));
        m_col += static_cast<uint32_t>(run - m_offset);
        m_offset = run;

        if (at_end()) return fail(quote, "unterminated string");
        char c = current();
        if (c == '"') {
            bump();
            if (at_start) return make(TokenKind::StringLiteral, token_pos, std::move(text));
            m_frames.pop_back();
            return make(TokenKind::InterpEnd, token_pos, std::move(text));
        }
        if (c == '$' && peek_byte(1) == '{') {
            bump_bytes(2);
            if (!at_start) return make(TokenKind::InterpMid, token_pos, std::move(text));
            m_frames.push_back(InterpolationFrame{quote, 0});
            return make(TokenKind::InterpBegin, token_pos, std::move(text));
        }
        if (c == '\\') {
            Token error;
            if (!lex_escape(text, error)) return error;
        } else if (c == '\r' && peek_byte(1) == '\n') {
            bump();  // A CRLF line break inside a string is kept as "\n".
        } else if (static_cast<unsigned char>(c) < 0x80) {
            text += c;
            bump();
        } else {
            Utf8Char ch = decode_utf8(m_text, m_offset);
            if (!ch.valid) return fail(position(), "invalid UTF-8 in source");
            text.append(m_text.substr(m_offset, ch.length));
            bump_bytes(ch.length);
        }
    }
}

bool Lexer::lex_escape(std::string& out, Token& error) {
    SourcePos backslash = position();
    bump();
    if (at_end()) return true;  // Reported as an unterminated string.
    char c = current();
    char decoded = 0;
    switch (c) {
    case 'n': decoded = '\n'; break;
    case 't': decoded = '\t'; break;
    case 'r': decoded = '\r'; break;
    case '0': decoded = '\0'; break;
    case '\\':
    case '"':
    case '$': decoded = c; break;
    case 'u': return lex_unicode_escape(out, backslash, error);
    default: {
        Utf8Char ch = decode_utf8(m_text, m_offset);
        if (!ch.valid) {
            error = fail(position(), "invalid UTF-8 in source");
            return false;
        }
        error = fail(backslash, absl::StrCat("invalid escape sequence '\\", show_character(ch.code), "'"));
        return false;
    }
    }
    out += decoded;
    bump();
    return true;
}

// `\u{HEX}`: 1-6 hex digits naming a scalar value. A bad one is shown whole in the message.
bool Lexer::lex_unicode_escape(std::string& out, SourcePos backslash, Token& error) {
    bump();
    std::string shown = "\\u";
    if (at_end() || current() != '{') {
        error = fail(backslash, "invalid escape sequence '\\u'");
        return false;
    }
    shown += '{';
    bump();
    std::string digits;
    while (!at_end() && digits.size() < 16 && (is_identifier_char(current()))) {
        digits += current();
        bump();
    }
    shown += digits;
    bool closed = !at_end() && current() == '}';
    if (closed) {
        shown += '}';
        bump();
    }
    uint32_t code = 0;
    bool valid = closed && !digits.empty() && digits.size() <= 6;
    for (char d : digits) {
        if (digit_value(d) >= 16) valid = false;
        else code = code * 16 + static_cast<uint32_t>(digit_value(d));
    }
    if (!valid || code > 0x10FFFF || (code >= 0xD800 && code <= 0xDFFF)) {
        error = fail(backslash, absl::StrCat("invalid escape sequence '", shown, "'"));
        return false;
    }
    append_utf8(out, code);
    return true;
}

Token Lexer::lex_punctuation() {
    SourcePos pos = position();
    char c = current();
    char next = peek_byte(1);
    auto take = [&](TokenKind kind, size_t length) {
        bump_bytes(length);
        return make(kind, pos);
    };
    switch (c) {
    case ':': return next == '=' ? take(TokenKind::ColonEqual, 2) : next == ':' ? take(TokenKind::ColonColon, 2) : take(TokenKind::Colon, 1);
    case '=': return next == '=' ? take(TokenKind::EqualEqual, 2) : take(TokenKind::Equal, 1);
    case '!': return next == '=' ? take(TokenKind::BangEqual, 2) : take(TokenKind::Bang, 1);
    case '<': return next == '=' ? take(TokenKind::LessEqual, 2) : take(TokenKind::Less, 1);
    case '>': return next == '=' ? take(TokenKind::GreaterEqual, 2) : take(TokenKind::Greater, 1);
    case '-': return next == '>' ? take(TokenKind::Arrow, 2) : next == '=' ? take(TokenKind::MinusEqual, 2) : take(TokenKind::Minus, 1);
    case '+': return next == '=' ? take(TokenKind::PlusEqual, 2) : take(TokenKind::Plus, 1);
    case '*': return next == '=' ? take(TokenKind::StarEqual, 2) : take(TokenKind::Star, 1);
    case '/': return next == '=' ? take(TokenKind::SlashEqual, 2) : take(TokenKind::Slash, 1);
    case '%': return next == '=' ? take(TokenKind::PercentEqual, 2) : take(TokenKind::Percent, 1);
    case '?': return next == '?' ? take(TokenKind::QuestionQuestion, 2) : next == '.' ? take(TokenKind::QuestionDot, 2) : take(TokenKind::Question, 1);
    case '|': return next == '|' ? take(TokenKind::PipePipe, 2) : next == '>' ? take(TokenKind::PipeGreater, 2) : take(TokenKind::Pipe, 1);
    case '&':
        if (next == '&') return take(TokenKind::AmpAmp, 2);
        break;
    case '.': return (next == '.' && peek_byte(2) == '.') ? take(TokenKind::Ellipsis, 3) : take(TokenKind::Dot, 1);
    case '(': return take(TokenKind::LeftParen, 1);
    case ')': return take(TokenKind::RightParen, 1);
    case '[': return take(TokenKind::LeftBracket, 1);
    case ']': return take(TokenKind::RightBracket, 1);
    case '{':
        if (!m_frames.empty()) ++m_frames.back().braces;
        return take(TokenKind::LeftBrace, 1);
    case '}':
        if (!m_frames.empty()) --m_frames.back().braces;
        return take(TokenKind::RightBrace, 1);
    case ',': return take(TokenKind::Comma, 1);
    case ';': return take(TokenKind::Semicolon, 1);
    default: break;
    }
    return lex_unexpected();
}

Token Lexer::lex_unexpected() {
    SourcePos pos = position();
    Utf8Char ch = decode_utf8(m_text, m_offset);
    if (!ch.valid) return fail(pos, "invalid UTF-8 in source");
    if (ch.code == '\'') return fail(pos, "unexpected character ''' (strings use double quotes)");
    return fail(pos, absl::StrCat("unexpected character '", show_character(ch.code), "'"));
}

}  // namespace ruff
