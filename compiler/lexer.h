// The lexer: UTF-8 source text to tokens (GRAMMAR.md §1). It produces one token at a time so the
// parser can look ahead without holding a whole 10 MB file as tokens. A lexical error becomes an
// `Error` token at its position; the parser reports it only when it reaches that token, so the
// first error in the file wins whichever stage finds it.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "runtime/source.h"

namespace ruff {

// Reserved words (GRAMMAR.md §1): token kind and spelling.
#define RUFF_KEYWORD_TOKENS(X)                                                                     \
    X(Let, "let") X(Mut, "mut") X(Const, "const") X(Func, "func") X(Return, "return")              \
    X(Enum, "enum") X(Match, "match") X(Case, "case") X(Default, "default") X(If, "if")            \
    X(Else, "else") X(Loop, "loop") X(While, "while") X(For, "for") X(In, "in") X(Break, "break")  \
    X(Continue, "continue") X(Try, "try") X(Except, "except") X(Int, "int") X(Float, "float")      \
    X(String, "string") X(Bool, "bool") X(Import, "import") X(Export, "export") X(From, "from")    \
    X(Struct, "struct") X(Impl, "impl") X(Self, "self") X(Null, "null") X(Spawn, "spawn")          \
    X(Test, "test") X(TestSetup, "test_setup") X(TestTeardown, "test_teardown")                    \
    X(TestGroup, "test_group") X(Yield, "yield") X(Async, "async") X(Await, "await")               \
    X(True, "true") X(False, "false") X(Throw, "throw")

// Operators and punctuation (GRAMMAR.md §1), matched longest first.
#define RUFF_PUNCTUATION_TOKENS(X)                                                                 \
    X(ColonEqual, ":=") X(ColonColon, "::") X(Colon, ":") X(EqualEqual, "==") X(Equal, "=")        \
    X(BangEqual, "!=") X(Bang, "!") X(LessEqual, "<=") X(Less, "<") X(GreaterEqual, ">=")          \
    X(Greater, ">") X(Arrow, "->") X(Minus, "-") X(PlusEqual, "+=") X(MinusEqual, "-=")            \
    X(StarEqual, "*=") X(SlashEqual, "/=") X(PercentEqual, "%=") X(Plus, "+") X(Star, "*")         \
    X(Slash, "/") X(Percent, "%") X(QuestionQuestion, "??") X(QuestionDot, "?.")                   \
    X(Question, "?") X(PipePipe, "||") X(PipeGreater, "|>") X(Pipe, "|") X(AmpAmp, "&&")           \
    X(Ellipsis, "...") X(Dot, ".") X(LeftParen, "(") X(RightParen, ")") X(LeftBracket, "[")        \
    X(RightBracket, "]") X(LeftBrace, "{") X(RightBrace, "}") X(Comma, ",") X(Semicolon, ";")

enum class TokenKind : uint8_t {
    EndOfFile,
    Newline,
    Error,          // `text` is the message.
    Identifier,     // `text` is the name.
    IntLiteral,     // `int_value`, `int_too_large`; `text` is the literal as written.
    FloatLiteral,   // `float_value`; `text` is the literal as written.
    StringLiteral,  // A string without interpolation; `text` is its decoded value.
    InterpBegin,    // `"text${`: positioned at the opening quote.
    InterpMid,      // `}text${`: positioned at the `}`.
    InterpEnd,      // `}text"`: positioned at the `}`.
#define RUFF_TOKEN_ENUM(name, spelling) name,
    RUFF_KEYWORD_TOKENS(RUFF_TOKEN_ENUM) RUFF_PUNCTUATION_TOKENS(RUFF_TOKEN_ENUM)
#undef RUFF_TOKEN_ENUM
};

struct Token {
    TokenKind kind = TokenKind::EndOfFile;
    SourcePos pos;
    std::string text;
    // IntLiteral: the value, exact up to 2^63 (which only a unary minus may use; the parser
    // folds it to i64::MIN). `int_too_large` marks anything above 2^63.
    uint64_t int_value = 0;
    bool int_too_large = false;
    double float_value = 0;
};

// The spelling of a keyword or punctuation kind (`let`, `:=`), else a name for the kind.
std::string_view token_spelling(TokenKind kind);
bool is_keyword(TokenKind kind);

// How an error message names a token it found (GRAMMAR.md §7): `'T'`, `identifier 'n'`,
// `integer literal`, `float literal`, `string literal`, `newline` or `end of file`.
std::string describe_token(Token const& token);

// One decoded UTF-8 sequence. When `valid` is false, `length` is the maximal ill-formed prefix
// (at least one byte), which is what a replacement character stands for.
struct Utf8Char {
    char32_t code = 0;
    uint32_t length = 1;
    bool valid = false;
};
Utf8Char decode_utf8(std::string_view text, size_t offset);
void append_utf8(std::string& out, char32_t code);

// How a character is shown in a message: itself if printable, else `\u{HEX}`.
std::string show_character(char32_t code);

class Lexer {
public:
    explicit Lexer(std::string_view source);

    // The next token. After EndOfFile or an Error, returns that same token again.
    Token next();

    // Where end-of-file errors point: just after the last character of the last non-blank line.
    SourcePos end_position() const { return m_end; }

private:
    struct InterpolationFrame {
        SourcePos quote;       // The opening quote of the string this `${` belongs to.
        uint32_t braces = 0;   // Unclosed `{` inside the interpolation.
    };

    bool at_end() const { return m_offset >= m_text.size(); }
    char current() const { return m_text[m_offset]; }
    char peek_byte(size_t ahead) const;
    SourcePos position() const { return SourcePos{m_line, m_col}; }
    void bump();
    void bump_bytes(size_t count);

    Token make(TokenKind kind, SourcePos pos, std::string text = {});
    Token fail(SourcePos pos, std::string message);
    bool skip_trivia(Token& error);
    bool skip_line_comment(Token& error);
    bool skip_block_comment(Token& error);
    bool check_utf8(Token& error);

    Token lex_token();
    Token lex_identifier();
    Token lex_number();
    Token lex_string_part(SourcePos token_pos, SourcePos quote, bool at_start);
    bool lex_escape(std::string& out, Token& error);
    bool lex_unicode_escape(std::string& out, SourcePos backslash, Token& error);
    Token lex_punctuation();
    Token lex_unexpected();

    std::string_view m_text;
    size_t m_offset = 0;
    uint32_t m_line = 1;
    uint32_t m_col = 1;
    SourcePos m_end;
    std::vector<InterpolationFrame> m_frames;
    bool m_after_newline = true;  // Suppresses NL at the start and repeated NL tokens.
    bool m_finished = false;
    Token m_final;                // The EndOfFile or Error token, once reached.
};

}  // namespace ruff
