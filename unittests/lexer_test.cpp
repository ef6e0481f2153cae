// Unit tests for the lexer (GRAMMAR.md §1-§2): tokens, positions, comments, numbers, strings and
// interpolation, NL tokens, and every lexical error with its position.
#include <gtest/gtest.h>

#include <cmath>
#include <string>
#include <vector>

#include "compiler/lexer.h"

using namespace ruff;

namespace {

std::vector<Token> lex_all(std::string_view source) {
    Lexer lexer(source);
    std::vector<Token> tokens;
    for (;;) {
        tokens.push_back(lexer.next());
        TokenKind kind = tokens.back().kind;
        if (kind == TokenKind::EndOfFile || kind == TokenKind::Error) return tokens;
    }
}

// One word per token: `x`, `:=`, `int:1`, `float:2.5`, `str:"a"`, `begin:"a"`, `NL`, `EOF`.
std::string show(Token const& t) {
    switch (t.kind) {
    case TokenKind::EndOfFile: return "EOF";
    case TokenKind::Newline: return "NL";
    case TokenKind::Error: return "error:" + t.text;
    case TokenKind::Identifier: return t.text;
    case TokenKind::IntLiteral: return t.int_too_large ? "int:too-large" : "int:" + std::to_string(t.int_value);
    case TokenKind::FloatLiteral: {
        std::string text = std::to_string(t.float_value);
        return "float:" + text.substr(0, text.find_last_not_of('0') + 1);
    }
    case TokenKind::StringLiteral: return "str:\"" + t.text + "\"";
    case TokenKind::InterpBegin: return "begin:\"" + t.text + "\"";
    case TokenKind::InterpMid: return "mid:\"" + t.text + "\"";
    case TokenKind::InterpEnd: return "end:\"" + t.text + "\"";
    default: return std::string(token_spelling(t.kind));
    }
}

std::string lex(std::string_view source) {
    std::string out;
    for (auto const& t : lex_all(source)) {
        if (!out.empty()) out += ' ';
        out += show(t);
    }
    return out;
}

std::string position(Token const& t) { return std::to_string(t.pos.line) + ":" + std::to_string(t.pos.col); }

// The error token of `source` as "LINE:COL: message", or "" when it lexes cleanly.
std::string lex_error(std::string_view source) {
    Token last = lex_all(source).back();
    if (last.kind != TokenKind::Error) return "";
    return position(last) + ": " + last.text;
}

}  // namespace

// ---------------------------------------------------------------------------------------------
// Words and punctuation

TEST(LexerTest, ReservedWordsAreKeywords) {
    for (auto word : {"let", "mut", "const", "func", "return", "enum", "match", "case", "default", "if", "else",
                      "loop", "while", "for", "in", "break", "continue", "try", "except", "int", "float", "string",
                      "bool", "import", "export", "from", "struct", "impl", "self", "null", "spawn", "test",
                      "test_setup", "test_teardown", "test_group", "yield", "async", "await", "true", "false",
                      "throw"}) {
        auto tokens = lex_all(word);
        ASSERT_EQ(tokens.size(), 2u) << word;
        EXPECT_TRUE(is_keyword(tokens[0].kind)) << word;
        EXPECT_EQ(token_spelling(tokens[0].kind), word);
    }
}

TEST(LexerTest, SpecialNamesAreOrdinaryIdentifiers) {
    for (auto word : {"Result", "Option", "Ok", "Err", "Some", "None", "_", "fn", "var", "and", "or", "not", "nil",
                      "type", "str", "_x1", "letter", "self_", "x9_Y"}) {
        auto tokens = lex_all(word);
        ASSERT_EQ(tokens.size(), 2u) << word;
        EXPECT_EQ(tokens[0].kind, TokenKind::Identifier) << word;
        EXPECT_EQ(tokens[0].text, word);
    }
}

TEST(LexerTest, OperatorsUseLongestMatch) {
    EXPECT_EQ(lex(":= :: : == = != ! <= < >= > -> - += -= *= /= %= + * / % ?? ?. ? || |> | && ... . ( ) [ ] { } , ;"),
              ":= :: : == = != ! <= < >= > -> - += -= *= /= %= + * / % ?? ?. ? || |> | && ... . ( ) [ ] { } , ; EOF");
    EXPECT_EQ(lex("a:=b::c"), "a := b :: c EOF");
    EXPECT_EQ(lex("res?.x"), "res ?. x EOF") << "`?.` wins over `?` then `.`";
    EXPECT_EQ(lex("x??y"), "x ?? y EOF");
    EXPECT_EQ(lex("[...a]"), "[ ... a ] EOF");
}

TEST(LexerTest, RejectedOperatorsLexAsTwoTokens) {
    EXPECT_EQ(lex("a..b"), "a . . b EOF");
    EXPECT_EQ(lex("2**3"), "int:2 * * int:3 EOF");
    EXPECT_EQ(lex("x=>1"), "x = > int:1 EOF");
    EXPECT_EQ(lex("a....b"), "a ... . b EOF");
    EXPECT_EQ(lex("Map<string,Array<int>>"), "Map < string , Array < int > > EOF") << "no `>>` token";
}

// ---------------------------------------------------------------------------------------------
// Positions and newlines

TEST(LexerTest, PositionsCountUnicodeScalarsAndTabsAsOne) {
    auto tokens = lex_all("x := \"é€😀\" + y\n\tz");
    EXPECT_EQ(position(tokens[0]), "1:1");
    EXPECT_EQ(position(tokens[1]), "1:3");
    EXPECT_EQ(position(tokens[2]), "1:6");
    EXPECT_EQ(position(tokens[3]), "1:12") << "the string holds three scalars between its quotes";
    EXPECT_EQ(position(tokens[4]), "1:14");
    EXPECT_EQ(tokens[5].kind, TokenKind::Newline);
    EXPECT_EQ(position(tokens[5]), "1:15");
    EXPECT_EQ(position(tokens[6]), "2:2") << "a tab counts as one column";
}

TEST(LexerTest, CarriageReturnLineFeedIsOneLineEnd) {
    auto tokens = lex_all("a\r\nb\r\n\r\nc");
    EXPECT_EQ(lex("a\r\nb\r\n\r\nc"), "a NL b NL c EOF");
    EXPECT_EQ(position(tokens[2]), "2:1");
    EXPECT_EQ(position(tokens[4]), "4:1");
    EXPECT_EQ(position(tokens[1]), "1:2") << "a line end is where its CR is";
}

TEST(LexerTest, ByteOrderMarkIsSkipped) {
    auto tokens = lex_all("\xEF\xBB\xBFx := 1");
    EXPECT_EQ(tokens[0].text, "x");
    EXPECT_EQ(position(tokens[0]), "1:1");
    EXPECT_EQ(position(tokens[1]), "1:3");
}

TEST(LexerTest, OneNewlineTokenPerRunOfLineBreaks) {
    EXPECT_EQ(lex("\n\n a\n\n  \n# comment only\n// another\n\nb\n"), "a NL b NL EOF")
        << "no NL before the first token; blank and comment-only lines merge";
}

TEST(LexerTest, EndOfFileIsAfterTheLastNonBlankLine) {
    auto tokens = lex_all("print(1)\nx := [1, 2\n\n   \n");
    EXPECT_EQ(position(tokens.back()), "2:11");
    EXPECT_EQ(position(lex_all("").back()), "1:1");
    EXPECT_EQ(position(lex_all("  \n\n").back()), "1:1");
    EXPECT_EQ(position(lex_all("a # comment").back()), "1:12") << "a comment is not blank";
    EXPECT_EQ(position(lex_all("x # é").back()), "1:6") << "counted in scalars";
}

// ---------------------------------------------------------------------------------------------
// Comments

TEST(LexerTest, LineCommentsRunToTheEndOfTheLineAndKeepItsNewline) {
    EXPECT_EQ(lex("a # one\nb // two\nc /// three\nd"), "a NL b NL c NL d EOF");
}

TEST(LexerTest, BlockCommentsDoNotNestAndHideLineBreaks) {
    EXPECT_EQ(lex("a /* x /* y */ b"), "a b EOF") << "ends at the first */";
    EXPECT_EQ(lex("a /* one\ntwo */ b\nc"), "a b NL c EOF");
    auto tokens = lex_all("a /* one\ntwo */ b");
    EXPECT_EQ(position(tokens[1]), "2:8");
}

TEST(LexerTest, SlashNotFollowedBySlashOrStarIsDivision) {
    EXPECT_EQ(lex("a / b /= c"), "a / b /= c EOF");
}

TEST(LexerTest, UnterminatedBlockCommentIsReportedAtItsStart) {
    EXPECT_EQ(lex_error("x := 1\n  /* never closed\nmore"), "2:3: unterminated block comment");
    EXPECT_EQ(lex_error("/* a /* b */"), "");
}

// ---------------------------------------------------------------------------------------------
// Numbers

TEST(LexerTest, IntegerLiteralsInEveryRadix) {
    EXPECT_EQ(lex("0 42 1_000 0x1F 0XfF_fF 0b101 0B1_0"), "int:0 int:42 int:1000 int:31 int:65535 int:5 int:2 EOF");
    EXPECT_EQ(lex("9223372036854775807"), "int:9223372036854775807 EOF");
}

TEST(LexerTest, TwoToTheSixtyThreeIsKeptForTheParser) {
    auto tokens = lex_all("9223372036854775808 0x8000000000000000 9223372036854775809 0xFFFFFFFFFFFFFFFF");
    EXPECT_EQ(tokens[0].int_value, uint64_t{1} << 63);
    EXPECT_FALSE(tokens[0].int_too_large);
    EXPECT_EQ(tokens[1].int_value, uint64_t{1} << 63);
    EXPECT_FALSE(tokens[1].int_too_large);
    EXPECT_TRUE(tokens[2].int_too_large);
    EXPECT_TRUE(tokens[3].int_too_large);
    EXPECT_TRUE(lex_all("123456789012345678901234567890")[0].int_too_large);
}

TEST(LexerTest, FloatLiterals) {
    auto tokens = lex_all("2.5 1e5 2.5e-3 1E+2 1_0.0_1 0.1 1e999");
    EXPECT_EQ(tokens[0].float_value, 2.5);
    EXPECT_EQ(tokens[1].float_value, 1e5);
    EXPECT_EQ(tokens[2].float_value, 2.5e-3);
    EXPECT_EQ(tokens[3].float_value, 100.0);
    EXPECT_EQ(tokens[4].float_value, 10.01);
    EXPECT_EQ(tokens[5].float_value, 0.1) << "correctly rounded";
    EXPECT_TRUE(std::isinf(tokens[6].float_value)) << "overflow gives inf";
    for (int i = 0; i < 7; ++i) EXPECT_EQ(tokens[i].kind, TokenKind::FloatLiteral) << i;
}

TEST(LexerTest, DotBelongsToANumberOnlyBeforeADigit) {
    EXPECT_EQ(lex("5.abs"), "int:5 . abs EOF");
    EXPECT_EQ(lex(".5"), ". int:5 EOF");
    EXPECT_EQ(lex("1..2"), "int:1 . . int:2 EOF");
    EXPECT_EQ(lex("x.0"), "x . int:0 EOF");
}

TEST(LexerTest, InvalidNumberLiteralsShowTheWholeRun) {
    EXPECT_EQ(lex_error("x := 0x"), "1:6: invalid number literal '0x'");
    EXPECT_EQ(lex_error("x := 1_ + 2"), "1:6: invalid number literal '1_'");
    EXPECT_EQ(lex_error("x := 1__0"), "1:6: invalid number literal '1__0'");
    EXPECT_EQ(lex_error("x := 0b12"), "1:6: invalid number literal '0b12'");
    EXPECT_EQ(lex_error("x := 1e + 2"), "1:6: invalid number literal '1e'");
    EXPECT_EQ(lex_error("x := 12ab"), "1:6: invalid number literal '12ab'");
    EXPECT_EQ(lex_error("x := 0x_1"), "1:6: invalid number literal '0x_1'");
    EXPECT_EQ(lex_error("x := 1.5x"), "1:6: invalid number literal '1.5x'");
    EXPECT_EQ(lex_error("x := 0xFG"), "1:6: invalid number literal '0xFG'");
    EXPECT_EQ(lex_error("x := 1_.5"), "1:6: invalid number literal '1_.5'");
}

// ---------------------------------------------------------------------------------------------
// Strings

TEST(LexerTest, StringEscapes) {
    auto tokens = lex_all(R"("a\nb\tc\rd\0e\\f\"g\$h\u{41}\u{1F600}\u{e9}")");
    ASSERT_EQ(tokens[0].kind, TokenKind::StringLiteral);
    EXPECT_EQ(tokens[0].text, std::string("a\nb\tc\rd\0e\\f\"g$hA\xF0\x9F\x98\x80\xC3\xA9", 22));
}

TEST(LexerTest, RawLineBreaksInStringsAreKept) {
    auto tokens = lex_all("s := \"one\ntwo\r\nthree\"\nx");
    EXPECT_EQ(tokens[2].text, "one\ntwo\nthree");
    EXPECT_EQ(position(tokens[4]), "4:1") << "lines inside the string still count";
}

TEST(LexerTest, DollarWithoutBraceIsText) {
    EXPECT_EQ(lex(R"("a$b" "$" "\${x}")"), "str:\"a$b\" str:\"$\" str:\"${x}\" EOF");
}

TEST(LexerTest, InvalidEscapesAreReportedAtTheBackslash) {
    EXPECT_EQ(lex_error(R"(print("a\qb"))"), R"(1:9: invalid escape sequence '\q')");
    EXPECT_EQ(lex_error(R"(print("\u{110000}"))"), R"(1:8: invalid escape sequence '\u{110000}')");
    EXPECT_EQ(lex_error(R"(print("x\u{D800}"))"), R"(1:9: invalid escape sequence '\u{D800}')");
    EXPECT_EQ(lex_error(R"("\u{}")"), R"(1:2: invalid escape sequence '\u{}')");
    EXPECT_EQ(lex_error(R"("\u{1234567}")"), R"(1:2: invalid escape sequence '\u{1234567}')");
    EXPECT_EQ(lex_error(R"("\u{12")"), R"(1:2: invalid escape sequence '\u{12')");
    EXPECT_EQ(lex_error(R"("\u41")"), R"(1:2: invalid escape sequence '\u')");
    EXPECT_EQ(lex_error(R"("\u{zz}")"), R"(1:2: invalid escape sequence '\u{zz}')");
    EXPECT_EQ(lex_error("\"\\é\""), "1:2: invalid escape sequence '\\é'");
}

TEST(LexerTest, UnterminatedStringIsReportedAtItsOpeningQuote) {
    EXPECT_EQ(lex_error("print(\"ok\")\ns := \"abc"), "2:6: unterminated string");
    EXPECT_EQ(lex_error("s := \"abc\\"), "1:6: unterminated string");
    EXPECT_EQ(lex_error("s := \"a ${ b"), "1:6: unterminated string");
    EXPECT_EQ(lex_error("s := \"a ${ \"b"), "1:12: unterminated string");
}

TEST(LexerTest, InterpolationIsLexedAsOrdinaryTokens) {
    EXPECT_EQ(lex(R"("a ${x + 1} b ${y} c")"), R"(begin:"a " x + int:1 mid:" b " y end:" c" EOF)");
    EXPECT_EQ(lex(R"("${x}")"), R"(begin:"" x end:"" EOF)");
    auto tokens = lex_all(R"("a ${x} b")");
    EXPECT_EQ(position(tokens[0]), "1:1") << "the string's opening quote";
    EXPECT_EQ(position(tokens[2]), "1:7") << "the closing brace";
}

TEST(LexerTest, InterpolationFindsItsMatchingBrace) {
    EXPECT_EQ(lex(R"("${ {"k": "}"}["k"] }!")"), R"(begin:"" { str:"k" : str:"}" } [ str:"k" ] end:"!" EOF)");
    EXPECT_EQ(lex(R"~("<${ "(${x})" }>")~"), R"~(begin:"<" begin:"(" x end:")" end:">" EOF)~");
    EXPECT_EQ(lex("\"${\n a\n}\""), "begin:\"\" NL a NL end:\"\" EOF") << "the parser skips these NLs";
}

TEST(LexerTest, NoCommentsInsideInterpolation) {
    EXPECT_EQ(lex_error("\"${a # b}\""), "1:6: unexpected character '#'");
    EXPECT_EQ(lex("\"${a // b}\""), "begin:\"\" a / / b end:\"\" EOF");
}

// ---------------------------------------------------------------------------------------------
// Characters

TEST(LexerTest, UnexpectedCharacters) {
    EXPECT_EQ(lex_error("x := 5 @ 3"), "1:8: unexpected character '@'");
    EXPECT_EQ(lex_error("x := ~1"), "1:6: unexpected character '~'");
    EXPECT_EQ(lex_error("x ^ y"), "1:3: unexpected character '^'");
    EXPECT_EQ(lex_error("x := `ls`"), "1:6: unexpected character '`'");
    EXPECT_EQ(lex_error("x := 1 \\ 2"), "1:8: unexpected character '\\'");
    EXPECT_EQ(lex_error("a & b"), "1:3: unexpected character '&'");
    EXPECT_EQ(lex_error("print('hi')"), "1:7: unexpected character ''' (strings use double quotes)");
    EXPECT_EQ(lex_error("café := 1"), "1:4: unexpected character 'é'");
}

TEST(LexerTest, NonPrintableCharactersAreShownAsHex) {
    EXPECT_EQ(lex_error(std::string_view("x := \x01 1", 8)), "1:6: unexpected character '\\u{1}'");
    EXPECT_EQ(lex_error(std::string_view("x := 1\0", 7)), "1:7: unexpected character '\\u{0}'");
    EXPECT_EQ(lex_error("\x7F"), "1:1: unexpected character '\\u{7F}'");
    EXPECT_EQ(lex_error("x \xC2\xA0y"), "1:3: unexpected character '\\u{A0}'") << "no-break space";
    EXPECT_EQ(lex_error("x \xE2\x80\x8By"), "1:3: unexpected character '\\u{200B}'") << "zero-width space";
}

TEST(LexerTest, InvalidUtf8IsReportedAtTheFirstBadByte) {
    EXPECT_EQ(lex_error("print(\"a\")\nx := \"\xFF\"\n"), "2:7: invalid UTF-8 in source");
    EXPECT_EQ(lex_error("print(1)\n# caf\xE9\n"), "2:6: invalid UTF-8 in source");
    EXPECT_EQ(lex_error("x := \"a\xC0\xAF" "b\""), "1:8: invalid UTF-8 in source") << "overlong";
    EXPECT_EQ(lex_error("s := \"\xED\xA0\x80\""), "1:7: invalid UTF-8 in source") << "encoded surrogate";
    EXPECT_EQ(lex_error("x := 1 # \xE2\x82"), "1:10: invalid UTF-8 in source") << "truncated";
    EXPECT_EQ(lex_error("x := \xFF"), "1:6: invalid UTF-8 in source");
    EXPECT_EQ(lex_error("/* \xF5 */"), "1:4: invalid UTF-8 in source");
}

TEST(LexerTest, ErrorsAreSticky) {
    Lexer lexer("a @ b");
    EXPECT_EQ(lexer.next().kind, TokenKind::Identifier);
    EXPECT_EQ(lexer.next().kind, TokenKind::Error);
    EXPECT_EQ(lexer.next().kind, TokenKind::Error);
}

TEST(LexerTest, DescribesTokensAsErrorMessagesNameThem) {
    auto tokens = lex_all("let x 1 2.5 \"s\" \"${a}\" := }\n");
    EXPECT_EQ(describe_token(tokens[0]), "'let'");
    EXPECT_EQ(describe_token(tokens[1]), "identifier 'x'");
    EXPECT_EQ(describe_token(tokens[2]), "integer literal");
    EXPECT_EQ(describe_token(tokens[3]), "float literal");
    EXPECT_EQ(describe_token(tokens[4]), "string literal");
    EXPECT_EQ(describe_token(tokens[5]), "string literal");
    EXPECT_EQ(describe_token(tokens[7]), "'}'") << "the end of an interpolation";
    EXPECT_EQ(describe_token(tokens[8]), "':='");
    EXPECT_EQ(describe_token(tokens[10]), "newline");
    EXPECT_EQ(describe_token(tokens[11]), "end of file");
}

TEST(LexerTest, DecodesUtf8WithMaximalInvalidPrefixes) {
    EXPECT_TRUE(decode_utf8("\xE2\x82\xAC", 0).valid);
    EXPECT_EQ(decode_utf8("\xE2\x82\xAC", 0).code, U'€');
    EXPECT_EQ(decode_utf8("\xE2\x82", 0).length, 2u) << "truncated sequence";
    EXPECT_EQ(decode_utf8("\xC0\xAF", 0).length, 1u);
    EXPECT_EQ(decode_utf8("\xF4\x90\x80\x80", 0).length, 1u) << "above U+10FFFF";
    EXPECT_FALSE(decode_utf8("\x80", 0).valid);
}

TEST(LexerTest, LexesALargeStringQuickly) {
    std::string source = "s := \"" + std::string(4'000'000, 'a') + "\"";
    auto tokens = lex_all(source);
    ASSERT_EQ(tokens.size(), 4u);
    EXPECT_EQ(tokens[2].text.size(), 4'000'000u);
}
