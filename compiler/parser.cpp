// The parser: recursive descent over the lexer's tokens (GRAMMAR.md §2-§7). It decides where a
// newline ends a statement, builds the syntax tree of compiler/ast.h with each node's anchor
// position (§5), performs the static checks of §6, and stops at the first error, which it
// reports by throwing an internal exception that parse_program turns into a SyntaxError.
#include "compiler/parser.h"

#include <absl/container/flat_hash_set.h>
#include <absl/strings/str_cat.h>
#include <absl/strings/str_format.h>

#include <pthread.h>

#include <algorithm>
#include <cstdint>
#include <deque>
#include <limits>
#include <optional>

#include "compiler/lexer.h"

namespace ruff {

namespace {

using namespace ast;

// A syntax tree deeper than this is an error (GRAMMAR.md §6). Checked before every descent, so
// the C++ stack stays bounded whatever the input.
constexpr uint32_t k_max_depth = 1000;

// Keeps each grammar rule in its own frame: inlined into the dispatchers, every rule's locals
// would sit in each frame of the deepest recursion.
#define RUFF_NOINLINE [[gnu::noinline]]

struct ParseFailure {
    SourcePos pos;
    std::string message;
};

// The lowest stack address the parser's recursion may reach. 1000 levels take well under 1 MB
// in a normal build, but sanitizers multiply frame sizes and the parser may run on a small task
// stack (an import inside a task): below this floor the nesting error is reported early rather
// than overflowing. The floor leaves room for reporting the error.
char const* stack_floor() {
    char marker;
    char const* here = &marker;
    constexpr size_t fallback_budget = 256 * 1024;  // When the stack's bounds are unknown.
    pthread_attr_t attributes;
    if (pthread_getattr_np(pthread_self(), &attributes) != 0) return here - fallback_budget;
    void* base = nullptr;
    size_t size = 0;
    bool known = pthread_attr_getstack(&attributes, &base, &size) == 0;
    pthread_attr_destroy(&attributes);
    char const* low = static_cast<char const*>(base);
    if (!known || here <= low || here > low + size) return here - fallback_budget;  // E.g. a fiber.
    return low + std::min<size_t>(size / 8, 128 * 1024);
}

// ---------------------------------------------------------------------------------------------
// Token classes used by the newline rules (GRAMMAR.md §2) and by the expression grammar.

// A token after which a line break never ends a statement.
bool continues_after(TokenKind kind) {
    switch (kind) {
    case TokenKind::Return:
    case TokenKind::Yield:
    case TokenKind::Break:
    case TokenKind::Continue:
    case TokenKind::True:
    case TokenKind::False:
    case TokenKind::Null:
    case TokenKind::Self:
    case TokenKind::Int:
    case TokenKind::Float:
    case TokenKind::String:
    case TokenKind::Bool: return false;
    case TokenKind::Plus:
    case TokenKind::Minus:
    case TokenKind::Star:
    case TokenKind::Slash:
    case TokenKind::Percent:
    case TokenKind::EqualEqual:
    case TokenKind::BangEqual:
    case TokenKind::Less:
    case TokenKind::LessEqual:
    case TokenKind::Greater:
    case TokenKind::GreaterEqual:
    case TokenKind::AmpAmp:
    case TokenKind::PipePipe:
    case TokenKind::QuestionQuestion:
    case TokenKind::PipeGreater:
    case TokenKind::Comma:
    case TokenKind::Colon:
    case TokenKind::ColonEqual:
    case TokenKind::Equal:
    case TokenKind::PlusEqual:
    case TokenKind::MinusEqual:
    case TokenKind::StarEqual:
    case TokenKind::SlashEqual:
    case TokenKind::PercentEqual:
    case TokenKind::Dot:
    case TokenKind::QuestionDot:
    case TokenKind::ColonColon:
    case TokenKind::Arrow:
    case TokenKind::LeftParen:
    case TokenKind::LeftBracket:
    case TokenKind::LeftBrace:
    case TokenKind::Bang:
    case TokenKind::Pipe:
    case TokenKind::Ellipsis:
    case TokenKind::InterpBegin:
    case TokenKind::InterpMid: return true;
    default: return is_keyword(kind);
    }
}

// A token that, first on a line, continues the previous line.
bool continues_line(TokenKind kind) {
    switch (kind) {
    case TokenKind::Dot:
    case TokenKind::QuestionDot:
    case TokenKind::AmpAmp:
    case TokenKind::PipePipe:
    case TokenKind::QuestionQuestion:
    case TokenKind::PipeGreater:
    case TokenKind::Else:
    case TokenKind::Except: return true;
    default: return false;
    }
}

bool can_start_expression(TokenKind kind) {
    switch (kind) {
    case TokenKind::IntLiteral:
    case TokenKind::FloatLiteral:
    case TokenKind::StringLiteral:
    case TokenKind::InterpBegin:
    case TokenKind::True:
    case TokenKind::False:
    case TokenKind::Null:
    case TokenKind::Self:
    case TokenKind::Identifier:
    case TokenKind::LeftParen:
    case TokenKind::LeftBracket:
    case TokenKind::LeftBrace:
    case TokenKind::Minus:
    case TokenKind::Bang:
    case TokenKind::Await:
    case TokenKind::Func:
    case TokenKind::Async:
    case TokenKind::Throw:
    case TokenKind::Yield:
    case TokenKind::Spawn: return true;
    default: return false;
    }
}

std::optional<AssignOp> assignment_operator(TokenKind kind) {
    switch (kind) {
    case TokenKind::ColonEqual:
    case TokenKind::Equal: return AssignOp::Set;
    case TokenKind::PlusEqual: return AssignOp::Add;
    case TokenKind::MinusEqual: return AssignOp::Sub;
    case TokenKind::StarEqual: return AssignOp::Mul;
    case TokenKind::SlashEqual: return AssignOp::Div;
    case TokenKind::PercentEqual: return AssignOp::Mod;
    default: return std::nullopt;
    }
}

// Binary operators with their precedence level (GRAMMAR.md §4: 2 loosest, 9 tightest).
struct BinaryOperator {
    int level;
    bool logical;  // Builds a Logical node (short-circuit or pipe) instead of Binary.
    LogicalOp logical_op;
    BinOp op;
    bool non_associative() const { return level == 6 || level == 7; }
};

std::optional<BinaryOperator> binary_operator(TokenKind kind) {
    switch (kind) {
    case TokenKind::PipeGreater: return BinaryOperator{2, true, LogicalOp::Pipe, BinOp::Add};
    case TokenKind::QuestionQuestion: return BinaryOperator{3, true, LogicalOp::Coalesce, BinOp::Add};
    case TokenKind::PipePipe: return BinaryOperator{4, true, LogicalOp::Or, BinOp::Add};
    case TokenKind::AmpAmp: return BinaryOperator{5, true, LogicalOp::And, BinOp::Add};
    case TokenKind::EqualEqual: return BinaryOperator{6, false, LogicalOp::And, BinOp::Eq};
    case TokenKind::BangEqual: return BinaryOperator{6, false, LogicalOp::And, BinOp::Ne};
    case TokenKind::Less: return BinaryOperator{7, false, LogicalOp::And, BinOp::Lt};
    case TokenKind::LessEqual: return BinaryOperator{7, false, LogicalOp::And, BinOp::Le};
    case TokenKind::Greater: return BinaryOperator{7, false, LogicalOp::And, BinOp::Gt};
    case TokenKind::GreaterEqual: return BinaryOperator{7, false, LogicalOp::And, BinOp::Ge};
    case TokenKind::Plus: return BinaryOperator{8, false, LogicalOp::And, BinOp::Add};
    case TokenKind::Minus: return BinaryOperator{8, false, LogicalOp::And, BinOp::Sub};
    case TokenKind::Star: return BinaryOperator{9, false, LogicalOp::And, BinOp::Mul};
    case TokenKind::Slash: return BinaryOperator{9, false, LogicalOp::And, BinOp::Div};
    case TokenKind::Percent: return BinaryOperator{9, false, LogicalOp::And, BinOp::Mod};
    default: return std::nullopt;
    }
}
constexpr int k_loosest_level = 2;

// `Ok Err Some None`: constructor names, never variable names (GRAMMAR.md §1).
TagKind constructor_kind(std::string_view name) {
    if (name == "Ok") return TagKind::Ok;
    if (name == "Err") return TagKind::Err;
    if (name == "Some") return TagKind::Some;
    if (name == "None") return TagKind::None;
    return TagKind::User;
}

// `Result::Ok`, `Result::Err`, `Option::Some`, `Option::None` are the built-in constructors.
TagKind qualified_constructor_kind(std::string_view enum_name, std::string_view variant) {
    if (enum_name == "Result" && (variant == "Ok" || variant == "Err")) return constructor_kind(variant);
    if (enum_name == "Option" && (variant == "Some" || variant == "None")) return constructor_kind(variant);
    return TagKind::User;
}

std::string_view constructor_name(TagKind kind) {
    switch (kind) {
    case TagKind::Ok: return "Ok";
    case TagKind::Err: return "Err";
    case TagKind::Some: return "Some";
    case TagKind::None: return "None";
    case TagKind::User: break;
    }
    return "";
}

// Statements after which another may follow on the same line (they end at their `}`).
bool is_compound(Stmt const& s) {
    switch (s.kind) {
    case NodeKind::IfStmt:
    case NodeKind::WhileStmt:
    case NodeKind::ForStmt:
    case NodeKind::MatchStmt:
    case NodeKind::TryStmt:
    case NodeKind::SpawnStmt:
    case NodeKind::FuncDeclStmt:
    case NodeKind::StructDeclStmt:
    case NodeKind::EnumDeclStmt:
    case NodeKind::TestStmt: return true;
    case NodeKind::ExportStmt: return is_compound(*as<ExportStmt>(s).decl);
    default: return false;
    }
}

// `target = (IDENT | "self") { "." IDENT | "[" expr "]" }`, bare `self` excluded.
bool is_place(Expr const& e, bool whole) {
    switch (e.kind) {
    case NodeKind::Identifier: return !whole || as<Identifier>(e).name != "self";
    case NodeKind::Field: return !as<Field>(e).optional && is_place(*as<Field>(e).object, false);
    case NodeKind::Index: return is_place(*as<Index>(e).object, false);
    default: return false;
    }
}

void collect_bindings(Pattern const& p, std::vector<std::string>& out) {
    if (p.kind == PatternKind::Bind || p.kind == PatternKind::Rest) out.push_back(p.name);
    for (auto const& e : p.elements) collect_bindings(*e, out);
}

std::vector<std::string> sorted_bindings(Pattern const& p) {
    std::vector<std::string> names;
    collect_bindings(p, names);
    std::sort(names.begin(), names.end());
    names.erase(std::unique(names.begin(), names.end()), names.end());
    return names;
}

// Literal strings are immortal: every task running this code shares them without counting.
// They live as long as the process (a leak checker needs `leak:make_immortal_string`).
RUFF_NOINLINE Value make_immortal_string(std::string text) {
    Value v = make_string(std::move(text));
    make_immortal(v.obj());
    return v;
}

ExprPtr string_literal(SourcePos pos, std::string text) {
    return std::make_unique<Literal>(pos, make_immortal_string(std::move(text)));
}

// ---------------------------------------------------------------------------------------------

class Parser {
public:
    explicit Parser(SourceFile const* file) : m_file(file), m_lexer(file->text), m_stack_floor(stack_floor()) {}
    std::unique_ptr<Program> parse();

private:
    // Enters a bracket pair or a statement list: sets whether NL ends statements and lifts the
    // "no struct literal in a head" rule (GRAMMAR.md §3.4), both restored on exit.
    class NestScope {
    public:
        NestScope(Parser& parser, bool newline_significant) : m_parser(parser), m_saved_head(parser.m_in_head) {
            parser.m_newline_modes.push_back(newline_significant);
            parser.m_in_head = false;
        }
        ~NestScope() {
            m_parser.m_newline_modes.pop_back();
            m_parser.m_in_head = m_saved_head;
        }
        NestScope(NestScope const&) = delete;
        NestScope& operator=(NestScope const&) = delete;

    private:
        Parser& m_parser;
        bool m_saved_head;
    };

    // One level of the syntax tree (GRAMMAR.md §6), checked before descending.
    class DepthGuard {
    public:
        DepthGuard(Parser& parser, SourcePos at) : m_parser(parser) { parser.descend(at); }
        ~DepthGuard() { --m_parser.m_depth; }
        DepthGuard(DepthGuard const&) = delete;
        DepthGuard& operator=(DepthGuard const&) = delete;

    private:
        Parser& m_parser;
    };

    // Measures a left-associative chain: `m_deepest` becomes the deepest level reached by the
    // chain's left operand, which each new operator pushes one level down.
    class ChainScope {
    public:
        explicit ChainScope(Parser& parser) : m_parser(parser), m_saved(parser.m_deepest) {
            parser.m_deepest = parser.m_depth;
        }
        ~ChainScope() { m_parser.m_deepest = std::max(m_saved, m_parser.m_deepest); }
        ChainScope(ChainScope const&) = delete;
        ChainScope& operator=(ChainScope const&) = delete;

    private:
        Parser& m_parser;
        uint32_t m_saved;
    };

    // A function body: loops and generators of the enclosing code do not reach inside.
    class FunctionContext {
    public:
        FunctionContext(Parser& parser, bool is_generator)
            : m_parser(parser), m_saved_loops(parser.m_loop_depth), m_saved_generator(parser.m_in_generator) {
            parser.m_loop_depth = 0;
            parser.m_in_generator = is_generator;
        }
        ~FunctionContext() {
            m_parser.m_loop_depth = m_saved_loops;
            m_parser.m_in_generator = m_saved_generator;
        }
        FunctionContext(FunctionContext const&) = delete;
        FunctionContext& operator=(FunctionContext const&) = delete;

    private:
        Parser& m_parser;
        uint32_t m_saved_loops;
        bool m_saved_generator;
    };

    // Tokens and errors.
    Token const& raw(size_t ahead);
    size_t skip_raw_newlines(size_t ahead);
    Token const& peek();
    Token advance();
    SourcePos consume();
    bool check(TokenKind kind) { return peek().kind == kind; }
    bool accept(TokenKind kind);
    SourcePos expect(TokenKind kind);
    Token expect_identifier();
    Token expect_name();
    void expect_assignment();
    void skip_newlines();
    [[noreturn]] void fail(SourcePos pos, std::string message);
    [[noreturn]] void fail_expected(std::string_view what, Token const& found);
    void descend(SourcePos at);
    void touch(SourcePos at);
    void push_down(SourcePos at);

    // Statements.
    void parse_statements(Block& block, TokenKind closer);
    void end_statement(Stmt const& stmt, TokenKind closer);
    StmtPtr parse_statement();
    bool starts_function_declaration();
    bool looks_like_destructuring();
    BlockPtr parse_block();
    BlockPtr parse_loop_body();
    ExprPtr parse_head();
    RUFF_NOINLINE StmtPtr parse_let();
    RUFF_NOINLINE StmtPtr parse_const();
    RUFF_NOINLINE StmtPtr parse_destructuring();
    RUFF_NOINLINE StmtPtr parse_expression_statement();
    RUFF_NOINLINE StmtPtr parse_if();
    RUFF_NOINLINE StmtPtr parse_while();
    RUFF_NOINLINE StmtPtr parse_loop();
    RUFF_NOINLINE StmtPtr parse_for();
    RUFF_NOINLINE StmtPtr parse_match();
    RUFF_NOINLINE MatchArm parse_case_arm();
    RUFF_NOINLINE StmtPtr parse_try();
    RUFF_NOINLINE StmtPtr parse_spawn();
    RUFF_NOINLINE StmtPtr parse_return();
    RUFF_NOINLINE StmtPtr parse_jump();

    // Declarations.
    std::unique_ptr<FunctionNode> make_function(SourcePos pos, std::string name);
    RUFF_NOINLINE StmtPtr parse_function_declaration();
    std::unique_ptr<FunctionNode> parse_named_function(bool in_struct);
    void parse_function_rest(FunctionNode& fn, bool in_struct);
    void parse_parameters(FunctionNode& fn, bool in_struct);
    RUFF_NOINLINE StmtPtr parse_struct();
    RUFF_NOINLINE StmtPtr parse_enum();
    void end_member();
    RUFF_NOINLINE StmtPtr parse_import();
    RUFF_NOINLINE StmtPtr parse_export();
    RUFF_NOINLINE StmtPtr parse_test();
    void parse_test_group_body(TestStmt& group);
    RUFF_NOINLINE void parse_type();

    // Patterns.
    PatternPtr new_pattern(PatternKind kind, SourcePos pos, std::string name = {});
    PatternPtr parse_binding_target(bool allow_type);
    PatternPtr parse_array_pattern();
    PatternPtr parse_array_pattern_element();
    PatternPtr parse_dict_pattern();
    PatternPtr parse_match_pattern();
    RUFF_NOINLINE PatternPtr parse_name_pattern();
    RUFF_NOINLINE PatternPtr parse_literal_pattern();
    RUFF_NOINLINE void check_same_bindings(std::vector<PatternPtr> const& alternatives);

    // Expressions.
    ExprPtr parse_expression() { return parse_binary(k_loosest_level); }
    ExprPtr parse_binary(int min_level);
    ExprPtr parse_unary();
    ExprPtr fold_negation(SourcePos minus, ExprPtr& operand);
    ExprPtr parse_postfix();
    RUFF_NOINLINE ExprPtr parse_postfix_operation(TokenKind kind, SourcePos pos, ExprPtr object, bool first);
    RUFF_NOINLINE ExprPtr parse_member(bool optional, ExprPtr object, bool first);
    RUFF_NOINLINE ExprPtr parse_call(SourcePos paren, ExprPtr callee);
    void parse_arguments(std::vector<ExprPtr>& args);
    ExprPtr parse_primary();
    RUFF_NOINLINE ExprPtr parse_int_literal();
    RUFF_NOINLINE ExprPtr parse_simple_literal();
    RUFF_NOINLINE ExprPtr parse_interpolation();
    void take_text_part(Interpolation& interpolation);
    RUFF_NOINLINE ExprPtr parse_identifier_expression();
    RUFF_NOINLINE ExprPtr parse_tag_expression(SourcePos pos, std::string const& enum_name);
    RUFF_NOINLINE ExprPtr parse_constructor(SourcePos pos, TagKind kind);
    RUFF_NOINLINE ExprPtr parse_struct_literal(SourcePos pos, ExprPtr type);
    RUFF_NOINLINE ExprPtr parse_parenthesized();
    RUFF_NOINLINE ExprPtr parse_array_literal();
    RUFF_NOINLINE ExprPtr parse_dict_literal();
    RUFF_NOINLINE ExprPtr parse_lambda();
    RUFF_NOINLINE ExprPtr parse_throw();
    RUFF_NOINLINE ExprPtr parse_yield();
    RUFF_NOINLINE ExprPtr parse_spawn_call();

    SourceFile const* m_file;
    Lexer m_lexer;
    char const* m_stack_floor;
    std::deque<Token> m_buffer;          // Lookahead; the front is the current token.
    size_t m_consumed = 0;               // Tokens consumed so far (the current token's index).
    bool m_prev_continues = false;       // The last consumed token cannot end a statement.
    std::vector<bool> m_newline_modes;   // Innermost last: does NL end statements here?
    bool m_in_head = false;              // In an if/while/for/match head, outside brackets.
    uint32_t m_depth = 0;                // Tree levels currently open.
    uint32_t m_deepest = 0;              // See ChainScope.
    uint32_t m_loop_depth = 0;           // Loops around this point in the current function.
    bool m_in_generator = false;
    bool m_top_level = false;            // Parsing the program's own statement list.
    bool m_in_test_group = false;        // Parsing a test_group body.
    size_t m_negated_token = SIZE_MAX;   // Index of the token right after a unary minus.
    Expr const* m_min_literal = nullptr; // A literal 2^63 folded to i64::MIN awaiting its minus.
};

// ---------------------------------------------------------------------------------------------
// Tokens and errors

Token const& Parser::raw(size_t ahead) {
    while (m_buffer.size() <= ahead) m_buffer.push_back(m_lexer.next());
    return m_buffer[ahead];
}

size_t Parser::skip_raw_newlines(size_t ahead) {
    while (raw(ahead).kind == TokenKind::Newline) ++ahead;
    return ahead;
}

// The current token after the newline rules of GRAMMAR.md §2: a NL is dropped inside brackets,
// after a token that cannot end a statement, and before a line starting with a continuation
// token. Lexical errors surface here, when the parser reaches them.
Token const& Parser::peek() {
    if (raw(0).kind == TokenKind::Newline) {
        bool skip = m_prev_continues || !m_newline_modes.back() || continues_line(raw(1).kind);
        if (skip) m_buffer.pop_front();  // The lexer never emits two NL tokens in a row.
    }
    Token const& token = raw(0);
    if (token.kind == TokenKind::Error) fail(token.pos, token.text);
    return token;
}

Token Parser::advance() {
    peek();
    Token token = std::move(m_buffer.front());
    m_buffer.pop_front();
    m_prev_continues = continues_after(token.kind);
    ++m_consumed;
    return token;
}

// Steps over the current token, keeping only its position: the recursive paths use this so
// that their frames hold no Token (deep nesting must fit on small stacks).
SourcePos Parser::consume() {
    SourcePos pos = peek().pos;
    m_prev_continues = continues_after(m_buffer.front().kind);
    m_buffer.pop_front();
    ++m_consumed;
    return pos;
}

bool Parser::accept(TokenKind kind) {
    if (!check(kind)) return false;
    consume();
    return true;
}

SourcePos Parser::expect(TokenKind kind) {
    if (!check(kind)) fail_expected(absl::StrCat("'", std::string(token_spelling(kind)), "'"), peek());
    return consume();
}

Token Parser::expect_identifier() {
    if (!check(TokenKind::Identifier)) fail_expected("identifier", peek());
    return advance();
}

// An identifier that names a variable, parameter or declaration: not `Ok Err Some None`.
Token Parser::expect_name() {
    Token const& token = peek();
    if (token.kind == TokenKind::Identifier && constructor_kind(token.text) != TagKind::User)
        fail(token.pos, absl::StrCat("expected identifier, found '", token.text, "'"));
    return expect_identifier();
}

void Parser::expect_assignment() {
    if (check(TokenKind::ColonEqual) || check(TokenKind::Equal)) {
        consume();
        return;
    }
    fail_expected("':='", peek());
}

// Before a `{` the grammar requires, line breaks are skipped (Allman style).
void Parser::skip_newlines() {
    while (raw(0).kind == TokenKind::Newline) m_buffer.pop_front();
}

void Parser::fail(SourcePos pos, std::string message) { throw ParseFailure{pos, std::move(message)}; }

void Parser::fail_expected(std::string_view what, Token const& found) {
    fail(found.pos, absl::StrCat("expected ", std::string(what), ", found ", describe_token(found)));
}

void Parser::descend(SourcePos at) {
    char marker;
    if (m_depth >= k_max_depth || &marker < m_stack_floor)
        fail(at, absl::StrFormat("nesting too deep (limit %d)", k_max_depth));
    ++m_depth;
    m_deepest = std::max(m_deepest, m_depth);
}

// A leaf one level below the current node.
void Parser::touch(SourcePos at) {
    if (m_depth + 1 > k_max_depth) fail(at, absl::StrFormat("nesting too deep (limit %d)", k_max_depth));
    m_deepest = std::max(m_deepest, m_depth + 1);
}

// A new operator node takes the place of its left operand, which moves one level down.
void Parser::push_down(SourcePos at) {
    if (++m_deepest > k_max_depth) fail(at, absl::StrFormat("nesting too deep (limit %d)", k_max_depth));
}

// ---------------------------------------------------------------------------------------------
// Program and statement lists

/// program ::= stmts EOF
std::unique_ptr<Program> Parser::parse() {
    auto program = std::make_unique<Program>();
    program->file = m_file;
    program->main = make_function(SourcePos{1, 1}, "");
    m_newline_modes.push_back(true);
    DepthGuard guard(*this, SourcePos{1, 1});
    program->main->body = std::make_unique<Block>(SourcePos{1, 1});
    m_top_level = true;
    parse_statements(*program->main->body, TokenKind::EndOfFile);
    return program;
}

/// stmts ::= { statement | ";" | NL }
void Parser::parse_statements(Block& block, TokenKind closer) {
    for (;;) {
        Token const& token = peek();
        if (token.kind == TokenKind::Newline || token.kind == TokenKind::Semicolon) {
            consume();
            continue;
        }
        if (token.kind == closer) return;
        if (token.kind == TokenKind::EndOfFile) fail_expected("'}'", token);
        StmtPtr stmt = parse_statement();
        end_statement(*stmt, closer);
        block.stmts.push_back(std::move(stmt));
    }
}

// A statement ends at NL, `;`, the closing `}` or end of file; a compound one at its own `}`.
void Parser::end_statement(Stmt const& stmt, TokenKind closer) {
    Token const& token = peek();
    switch (token.kind) {
    case TokenKind::Newline:
    case TokenKind::Semicolon:
    case TokenKind::EndOfFile: return;
    default: break;
    }
    if (token.kind == closer || is_compound(stmt)) return;
    fail_expected("end of statement", token);
}

/// statement ::= let_stmt | const_stmt | assign_stmt | func_decl | struct_decl | enum_decl
///             | import_stmt | export_stmt | if_stmt | while_stmt | loop_stmt | for_stmt
///             | match_stmt | try_stmt | spawn_stmt | test_stmt | return_stmt
///             | "break" | "continue" | expr
StmtPtr Parser::parse_statement() {
    switch (peek().kind) {
    case TokenKind::Let:
    case TokenKind::Mut: return parse_let();
    case TokenKind::Const: return parse_const();
    case TokenKind::Func:
    case TokenKind::Async:
        if (starts_function_declaration()) return parse_function_declaration();
        break;
    case TokenKind::Struct: return parse_struct();
    case TokenKind::Enum: return parse_enum();
    case TokenKind::Import:
    case TokenKind::From: return parse_import();
    case TokenKind::Export: return parse_export();
    case TokenKind::If: return parse_if();
    case TokenKind::While: return parse_while();
    case TokenKind::Loop: return parse_loop();
    case TokenKind::For: return parse_for();
    case TokenKind::Match: return parse_match();
    case TokenKind::Try: return parse_try();
    case TokenKind::Spawn:
        if (raw(skip_raw_newlines(1)).kind == TokenKind::LeftBrace) return parse_spawn();
        break;
    case TokenKind::Test:
    case TokenKind::TestSetup:
    case TokenKind::TestTeardown:
    case TokenKind::TestGroup: return parse_test();
    case TokenKind::Return: return parse_return();
    case TokenKind::Break:
    case TokenKind::Continue: return parse_jump();
    case TokenKind::LeftBracket:
    case TokenKind::LeftBrace:
        if (looks_like_destructuring()) return parse_destructuring();
        break;
    default: break;
    }
    return parse_expression_statement();
}

// `[async] func [*] IDENT` declares; `func (` is a lambda expression.
bool Parser::starts_function_declaration() {
    size_t ahead = 0;
    if (raw(ahead).kind == TokenKind::Async) ahead = skip_raw_newlines(ahead + 1);
    if (raw(ahead).kind != TokenKind::Func) return false;
    ahead = skip_raw_newlines(ahead + 1);
    if (raw(ahead).kind == TokenKind::Star) ahead = skip_raw_newlines(ahead + 1);
    return raw(ahead).kind == TokenKind::Identifier;
}

// A statement starting with `[` or `{` is a destructuring assignment if it has the shape of a
// pattern (names, `_`, `...`, nested `[ ]`) and an ASSIGN follows on the same line.
bool Parser::looks_like_destructuring() {
    int depth = 0;
    for (size_t ahead = 0;; ++ahead) {
        switch (raw(ahead).kind) {
        case TokenKind::LeftBracket:
        case TokenKind::LeftBrace: ++depth; break;
        case TokenKind::RightBracket:
        case TokenKind::RightBrace:
            if (--depth == 0) {
                TokenKind next = raw(ahead + 1).kind;
                return next == TokenKind::ColonEqual || next == TokenKind::Equal;
            }
            break;
        case TokenKind::Identifier:
        case TokenKind::Comma:
        case TokenKind::Ellipsis:
        case TokenKind::Newline: break;
        default: return false;
        }
    }
}

/// block ::= "{" stmts "}"
BlockPtr Parser::parse_block() {
    skip_newlines();
    SourcePos open = expect(TokenKind::LeftBrace);
    DepthGuard guard(*this, open);
    auto block = std::make_unique<Block>(open);
    bool saved_top_level = m_top_level;
    bool saved_test_group = m_in_test_group;
    m_top_level = false;
    m_in_test_group = false;
    {
        NestScope scope(*this, true);
        parse_statements(*block, TokenKind::RightBrace);
        expect(TokenKind::RightBrace);
    }
    m_top_level = saved_top_level;
    m_in_test_group = saved_test_group;
    return block;
}

BlockPtr Parser::parse_loop_body() {
    ++m_loop_depth;
    BlockPtr body = parse_block();
    --m_loop_depth;
    return body;
}

/// head ::= expr   (* no struct literal outside brackets, §3.4 *)
ExprPtr Parser::parse_head() {
    bool saved = m_in_head;
    m_in_head = true;
    ExprPtr e = parse_expression();
    m_in_head = saved;
    return e;
}

// ---------------------------------------------------------------------------------------------
// Simple statements

/// let_stmt ::= ( "let" [ "mut" ] | "mut" ) ( IDENT [ ":" type ] | array_pat | dict_pat ) ASSIGN expr
StmtPtr Parser::parse_let() {
    TokenKind kind = peek().kind;
    SourcePos keyword = consume();
    DepthGuard guard(*this, keyword);
    if (kind == TokenKind::Let) accept(TokenKind::Mut);
    auto stmt = std::make_unique<LetStmt>(keyword);
    stmt->pattern = parse_binding_target(true);
    expect_assignment();
    stmt->value = parse_expression();
    return stmt;
}

/// const_stmt ::= "const" IDENT [ ":" type ] ASSIGN expr
StmtPtr Parser::parse_const() {
    SourcePos keyword = consume();
    DepthGuard guard(*this, keyword);
    auto stmt = std::make_unique<LetStmt>(keyword);
    stmt->is_const = true;
    Token name = expect_name();
    stmt->pattern = new_pattern(PatternKind::Bind, name.pos, name.text);
    if (accept(TokenKind::Colon)) parse_type();
    expect_assignment();
    stmt->value = parse_expression();
    return stmt;
}

/// assign_stmt ::= ( array_pat | dict_pat ) ASSIGN expr
StmtPtr Parser::parse_destructuring() {
    SourcePos pos = peek().pos;
    DepthGuard guard(*this, pos);
    auto stmt = std::make_unique<LetStmt>(pos);
    stmt->is_decl = false;
    stmt->pattern = check(TokenKind::LeftBracket) ? parse_array_pattern() : parse_dict_pattern();
    expect_assignment();
    stmt->value = parse_expression();
    return stmt;
}

/// assign_stmt ::= target ( ASSIGN | "+=" | "-=" | "*=" | "/=" | "%=" ) expr
/// statement   ::= expr
StmtPtr Parser::parse_expression_statement() {
    Token const& first = peek();
    SourcePos pos = first.pos;
    bool rooted = first.kind == TokenKind::Identifier || first.kind == TokenKind::Self;
    DepthGuard guard(*this, pos);
    ExprPtr expr = parse_expression();
    std::optional<AssignOp> op = assignment_operator(peek().kind);
    if (!op) return std::make_unique<ExprStmt>(pos, std::move(expr));
    if (!rooted || !is_place(*expr, true)) fail(expr->pos, "invalid assignment target");
    consume();
    auto stmt = std::make_unique<AssignStmt>(expr->pos);
    stmt->target = std::move(expr);
    stmt->op = *op;
    stmt->value = parse_expression();
    return stmt;
}

/// return_stmt ::= "return" [ expr ]
StmtPtr Parser::parse_return() {
    SourcePos keyword = consume();
    DepthGuard guard(*this, keyword);
    ExprPtr value;
    if (can_start_expression(peek().kind)) value = parse_expression();
    return std::make_unique<ReturnStmt>(keyword, std::move(value));
}

/// statement ::= "break" | "continue"
StmtPtr Parser::parse_jump() {
    TokenKind kind = peek().kind;
    SourcePos keyword = consume();
    if (m_loop_depth == 0) fail(keyword, absl::StrCat("'", std::string(token_spelling(kind)), "' outside loop"));
    touch(keyword);
    if (kind == TokenKind::Break) return std::make_unique<BreakStmt>(keyword);
    return std::make_unique<ContinueStmt>(keyword);
}

// ---------------------------------------------------------------------------------------------
// Compound statements

/// if_stmt ::= "if" head block [ "else" ( if_stmt | block ) ]
StmtPtr Parser::parse_if() {
    SourcePos keyword = consume();
    DepthGuard guard(*this, keyword);
    auto stmt = std::make_unique<IfStmt>(keyword);
    stmt->cond = parse_head();
    stmt->then_block = parse_block();
    if (accept(TokenKind::Else)) {
        if (check(TokenKind::If)) stmt->else_branch = parse_if();
        else stmt->else_branch = parse_block();
    }
    return stmt;
}

/// while_stmt ::= "while" head block
StmtPtr Parser::parse_while() {
    SourcePos keyword = consume();
    DepthGuard guard(*this, keyword);
    auto stmt = std::make_unique<WhileStmt>(keyword);
    stmt->cond = parse_head();
    stmt->body = parse_loop_body();
    return stmt;
}

/// loop_stmt ::= "loop" [ "while" head ] block
StmtPtr Parser::parse_loop() {
    SourcePos keyword = consume();
    DepthGuard guard(*this, keyword);
    auto stmt = std::make_unique<WhileStmt>(keyword);
    if (accept(TokenKind::While)) stmt->cond = parse_head();
    stmt->body = parse_loop_body();
    return stmt;
}

/// for_stmt ::= "for" ( IDENT | array_pat | dict_pat ) "in" head block
StmtPtr Parser::parse_for() {
    SourcePos keyword = consume();
    DepthGuard guard(*this, keyword);
    auto stmt = std::make_unique<ForStmt>(keyword);
    stmt->pattern = parse_binding_target(false);
    expect(TokenKind::In);
    stmt->iterable = parse_head();
    stmt->body = parse_loop_body();
    return stmt;
}

/// match_stmt ::= "match" head "{" { arm } "}"
/// arm        ::= ( "case" pattern { "|" pattern } | "default" ) [ ":" ] block
StmtPtr Parser::parse_match() {
    SourcePos keyword = consume();
    DepthGuard guard(*this, keyword);
    auto stmt = std::make_unique<MatchStmt>(keyword);
    stmt->subject = parse_head();
    skip_newlines();
    expect(TokenKind::LeftBrace);
    NestScope scope(*this, false);
    bool has_default = false;
    for (;;) {
        Token const& token = peek();
        if (token.kind == TokenKind::RightBrace) break;
        if (token.kind == TokenKind::Case) {
            stmt->arms.push_back(parse_case_arm());
            continue;
        }
        if (token.kind != TokenKind::Default) fail_expected("'case'", token);
        if (has_default) fail(token.pos, "duplicate 'default' arm");
        has_default = true;
        consume();
        accept(TokenKind::Colon);
        MatchArm arm;
        arm.body = parse_block();
        stmt->arms.push_back(std::move(arm));
    }
    expect(TokenKind::RightBrace);
    return stmt;
}

MatchArm Parser::parse_case_arm() {
    consume();
    MatchArm arm;
    arm.alternatives.push_back(parse_match_pattern());
    while (accept(TokenKind::Pipe)) arm.alternatives.push_back(parse_match_pattern());
    check_same_bindings(arm.alternatives);
    accept(TokenKind::Colon);
    arm.body = parse_block();
    return arm;
}

/// try_stmt ::= "try" block "except" IDENT block
StmtPtr Parser::parse_try() {
    SourcePos keyword = consume();
    DepthGuard guard(*this, keyword);
    auto stmt = std::make_unique<TryStmt>(keyword);
    stmt->body = parse_block();
    expect(TokenKind::Except);
    Token name = expect_name();
    stmt->name = name.text;
    stmt->name_pos = name.pos;
    stmt->handler = parse_block();
    return stmt;
}

/// spawn_stmt ::= "spawn" block
StmtPtr Parser::parse_spawn() {
    SourcePos keyword = consume();
    DepthGuard guard(*this, keyword);
    auto stmt = std::make_unique<SpawnStmt>(keyword);
    stmt->fn = make_function(keyword, "");
    FunctionContext context(*this, false);
    stmt->fn->body = parse_block();
    return stmt;
}

// ---------------------------------------------------------------------------------------------
// Declarations

std::unique_ptr<FunctionNode> Parser::make_function(SourcePos pos, std::string name) {
    auto fn = std::make_unique<FunctionNode>();
    fn->pos = pos;
    fn->name = std::move(name);
    fn->file = m_file;
    return fn;
}

/// func_decl ::= "async" "func" IDENT fn_rest | "func" [ "*" ] IDENT fn_rest
StmtPtr Parser::parse_function_declaration() {
    SourcePos pos = peek().pos;
    DepthGuard guard(*this, pos);
    auto fn = parse_named_function(false);
    return std::make_unique<FuncDeclStmt>(pos, std::move(fn));
}

std::unique_ptr<FunctionNode> Parser::parse_named_function(bool in_struct) {
    bool is_async = accept(TokenKind::Async);
    expect(TokenKind::Func);
    bool is_generator = !is_async && accept(TokenKind::Star);
    Token name = expect_name();
    auto fn = make_function(name.pos, name.text);
    fn->is_async = is_async;
    fn->is_generator = is_generator;
    fn->is_method = in_struct;
    parse_function_rest(*fn, in_struct);
    return fn;
}

/// fn_rest ::= "(" [ param { "," param } [ "," ] ] ")" [ "->" type ] block
void Parser::parse_function_rest(FunctionNode& fn, bool in_struct) {
    expect(TokenKind::LeftParen);
    {
        NestScope scope(*this, false);
        parse_parameters(fn, in_struct);
        expect(TokenKind::RightParen);
    }
    if (accept(TokenKind::Arrow)) parse_type();
    FunctionContext context(*this, fn.is_generator);
    fn.body = parse_block();
}

/// param ::= ( IDENT | "self" ) [ ":" type ] [ ASSIGN expr ]
void Parser::parse_parameters(FunctionNode& fn, bool in_struct) {
    bool seen_default = false;
    while (!check(TokenKind::RightParen)) {
        if (check(TokenKind::Self) && in_struct && fn.params.empty() && !fn.has_self_param) {
            consume();
            fn.has_self_param = true;  // `self` is slot 0 of every method, never a listed param.
            if (accept(TokenKind::Colon)) parse_type();
        } else {
            Token name = expect_name();
            for (auto const& p : fn.params)
                if (p.name == name.text) fail(name.pos, absl::StrCat("duplicate parameter '", name.text, "'"));
            Param param;
            param.name = name.text;
            param.pos = name.pos;
            if (accept(TokenKind::Colon)) parse_type();
            if (check(TokenKind::ColonEqual) || check(TokenKind::Equal)) {
                consume();
                param.default_value = parse_expression();
                seen_default = true;
            } else if (seen_default) {
                fail(name.pos, absl::StrCat("parameter '", name.text, "' needs a default value"));
            }
            fn.params.push_back(std::move(param));
        }
        if (!accept(TokenKind::Comma)) break;
    }
}

/// struct_decl ::= "struct" IDENT "{" { field_decl | func_decl | "," | ";" | NL } "}"
/// field_decl  ::= IDENT [ ":" type ]
StmtPtr Parser::parse_struct() {
    SourcePos keyword = consume();
    DepthGuard guard(*this, keyword);
    auto stmt = std::make_unique<StructDeclStmt>(keyword);
    stmt->name = expect_name().text;
    skip_newlines();
    expect(TokenKind::LeftBrace);
    NestScope scope(*this, true);
    for (;;) {
        TokenKind kind = peek().kind;
        if (kind == TokenKind::Newline || kind == TokenKind::Semicolon || kind == TokenKind::Comma) {
            consume();
        } else if (kind == TokenKind::RightBrace) {
            break;
        } else if (kind == TokenKind::Func || kind == TokenKind::Async) {
            stmt->methods.push_back(parse_named_function(true));
            stmt->methods.back()->owner = stmt.get();
        } else {
            Token field = expect_identifier();
            for (auto const& f : stmt->fields)
                if (f == field.text) fail(field.pos, absl::StrCat("duplicate field '", field.text, "'"));
            stmt->fields.push_back(field.text);
            if (accept(TokenKind::Colon)) parse_type();
            end_member();
        }
    }
    expect(TokenKind::RightBrace);
    return stmt;
}

/// enum_decl ::= "enum" IDENT "{" { variant | "," | ";" | NL } "}"
/// variant   ::= IDENT [ "(" [ type { "," type } [ "," ] ] ")" ]
StmtPtr Parser::parse_enum() {
    SourcePos keyword = consume();
    DepthGuard guard(*this, keyword);
    auto stmt = std::make_unique<EnumDeclStmt>(keyword);
    stmt->name = expect_name().text;
    skip_newlines();
    expect(TokenKind::LeftBrace);
    NestScope scope(*this, true);
    for (;;) {
        TokenKind kind = peek().kind;
        if (kind == TokenKind::Newline || kind == TokenKind::Semicolon || kind == TokenKind::Comma) {
            consume();
            continue;
        }
        if (kind == TokenKind::RightBrace) break;
        Token variant = expect_identifier();
        uint32_t arity = 0;
        if (accept(TokenKind::LeftParen)) {
            NestScope parens(*this, false);
            for (; !check(TokenKind::RightParen); ++arity) {
                parse_type();
                if (!accept(TokenKind::Comma)) {
                    ++arity;
                    break;
                }
            }
            expect(TokenKind::RightParen);
        }
        stmt->variants.emplace_back(variant.text, arity);
        end_member();
    }
    expect(TokenKind::RightBrace);
    return stmt;
}

// Members of a struct or enum body are separated by `,`, `;` or NL.
void Parser::end_member() {
    Token const& token = peek();
    switch (token.kind) {
    case TokenKind::Newline:
    case TokenKind::Semicolon:
    case TokenKind::Comma:
    case TokenKind::RightBrace: return;
    default: fail_expected("'}'", token);
    }
}

/// import_stmt ::= "import" IDENT | "from" IDENT "import" IDENT { "," IDENT }
StmtPtr Parser::parse_import() {
    TokenKind kind = peek().kind;
    SourcePos keyword = consume();
    DepthGuard guard(*this, keyword);
    auto stmt = std::make_unique<ImportStmt>(keyword);
    Token module = expect_name();
    stmt->module = module.text;
    if (kind == TokenKind::Import) {
        stmt->name_pos.push_back(module.pos);  // One position per bound name, as `refs`.
        return stmt;
    }
    expect(TokenKind::Import);
    do {
        Token name = expect_name();
        stmt->names.push_back(name.text);
        stmt->name_pos.push_back(name.pos);
    } while (accept(TokenKind::Comma));
    return stmt;
}

/// export_stmt ::= "export" ( func_decl | struct_decl | enum_decl | let_stmt | const_stmt
///               | IDENT ASSIGN expr )
StmtPtr Parser::parse_export() {
    SourcePos keyword = consume();
    if (!m_top_level) fail(keyword, "'export' only allowed at top level");
    DepthGuard guard(*this, keyword);
    Token const& token = peek();
    StmtPtr decl;
    switch (token.kind) {
    case TokenKind::Func:
    case TokenKind::Async: decl = parse_function_declaration(); break;
    case TokenKind::Struct: decl = parse_struct(); break;
    case TokenKind::Enum: decl = parse_enum(); break;
    case TokenKind::Let:
    case TokenKind::Mut: decl = parse_let(); break;
    case TokenKind::Const: decl = parse_const(); break;
    case TokenKind::Identifier: {
        Token name = expect_name();
        DepthGuard assign_guard(*this, name.pos);
        auto assign = std::make_unique<AssignStmt>(name.pos);
        touch(name.pos);
        assign->target = std::make_unique<Identifier>(name.pos, name.text);
        expect_assignment();
        assign->value = parse_expression();
        decl = std::move(assign);
        break;
    }
    default: fail_expected("declaration", token);
    }
    return std::make_unique<ExportStmt>(keyword, std::move(decl));
}

/// test_stmt ::= "test" STRING block | "test_setup" block | "test_teardown" block
///             | "test_group" STRING "{" { test_stmt | ";" | NL } "}"
StmtPtr Parser::parse_test() {
    TokenKind token_kind = peek().kind;
    SourcePos keyword = consume();
    if (!m_top_level && !m_in_test_group)
        fail(keyword, absl::StrCat("'", std::string(token_spelling(token_kind)), "' only allowed at top level"));
    DepthGuard guard(*this, keyword);
    TestKind kind = token_kind == TokenKind::Test        ? TestKind::Test
                    : token_kind == TokenKind::TestGroup ? TestKind::Group
                    : token_kind == TokenKind::TestSetup ? TestKind::Setup
                                                         : TestKind::Teardown;
    auto stmt = std::make_unique<TestStmt>(keyword, kind);
    if (kind == TestKind::Test || kind == TestKind::Group) {
        if (!check(TokenKind::StringLiteral)) fail_expected("string literal", peek());
        stmt->name = advance().text;
    }
    if (kind == TestKind::Group) {
        parse_test_group_body(*stmt);
        return stmt;
    }
    stmt->fn = make_function(keyword, "");
    FunctionContext context(*this, false);
    stmt->fn->body = parse_block();
    return stmt;
}

void Parser::parse_test_group_body(TestStmt& group) {
    skip_newlines();
    expect(TokenKind::LeftBrace);
    NestScope scope(*this, true);
    bool saved = m_in_test_group;
    m_in_test_group = true;
    for (;;) {
        Token const& token = peek();
        switch (token.kind) {
        case TokenKind::Newline:
        case TokenKind::Semicolon: consume(); continue;
        case TokenKind::Test:
        case TokenKind::TestSetup:
        case TokenKind::TestTeardown:
        case TokenKind::TestGroup: group.children.push_back(parse_test()); continue;
        case TokenKind::RightBrace: break;
        default: fail_expected("'test'", token);
        }
        break;
    }
    m_in_test_group = saved;
    expect(TokenKind::RightBrace);
}

/// type      ::= type_name [ "<" type { "," type } ">" ]
/// type_name ::= IDENT { "::" IDENT | "." IDENT } | "int" | "float" | "string" | "bool" | "null"
void Parser::parse_type() {
    Token const& token = peek();
    DepthGuard guard(*this, token.pos);
    switch (token.kind) {
    case TokenKind::Int:
    case TokenKind::Float:
    case TokenKind::String:
    case TokenKind::Bool:
    case TokenKind::Null: consume(); break;
    case TokenKind::Identifier:
        consume();
        while (check(TokenKind::ColonColon) || check(TokenKind::Dot)) {
            consume();
            expect_identifier();
        }
        break;
    default: fail_expected("type", token);
    }
    if (!check(TokenKind::Less)) return;
    consume();
    do parse_type();
    while (accept(TokenKind::Comma));
    expect(TokenKind::Greater);
    m_prev_continues = false;  // This `>` closes a type: a line may end here.
}

// ---------------------------------------------------------------------------------------------
// Patterns

PatternPtr Parser::new_pattern(PatternKind kind, SourcePos pos, std::string name) {
    auto pattern = std::make_unique<Pattern>();
    pattern->kind = kind;
    pattern->pos = pos;
    pattern->name = std::move(name);
    return pattern;
}

// The names bound by `let`, `for` and destructuring: IDENT, array_pat or dict_pat.
PatternPtr Parser::parse_binding_target(bool allow_type) {
    if (check(TokenKind::LeftBracket)) return parse_array_pattern();
    if (check(TokenKind::LeftBrace)) return parse_dict_pattern();
    Token name = expect_name();
    if (allow_type && accept(TokenKind::Colon)) parse_type();
    return new_pattern(PatternKind::Bind, name.pos, name.text);
}

/// array_pat ::= "[" [ apat { "," apat } [ "," ] ] "]"
PatternPtr Parser::parse_array_pattern() {
    SourcePos open = expect(TokenKind::LeftBracket);
    DepthGuard guard(*this, open);
    PatternPtr pattern = new_pattern(PatternKind::Array, open);
    NestScope scope(*this, false);
    Pattern const* rest = nullptr;
    while (!check(TokenKind::RightBracket)) {
        if (rest) fail(rest->pos, "rest pattern must be last");
        pattern->elements.push_back(parse_array_pattern_element());
        if (pattern->elements.back()->kind == PatternKind::Rest) rest = pattern->elements.back().get();
        if (!accept(TokenKind::Comma)) break;
    }
    expect(TokenKind::RightBracket);
    return pattern;
}

/// apat ::= IDENT | "_" | array_pat | "..." IDENT
PatternPtr Parser::parse_array_pattern_element() {
    Token const& token = peek();
    if (token.kind == TokenKind::LeftBracket) return parse_array_pattern();
    if (token.kind == TokenKind::Ellipsis) {
        SourcePos pos = consume();
        return new_pattern(PatternKind::Rest, pos, expect_name().text);
    }
    if (token.kind == TokenKind::Identifier && token.text == "_")
        return new_pattern(PatternKind::Wildcard, consume());
    if (token.kind != TokenKind::Identifier) fail_expected("pattern", token);
    Token name = expect_name();
    return new_pattern(PatternKind::Bind, name.pos, name.text);
}

/// dict_pat ::= "{" [ dpat { "," dpat } [ "," ] ] "}"   dpat ::= IDENT | "..." IDENT
PatternPtr Parser::parse_dict_pattern() {
    SourcePos open = expect(TokenKind::LeftBrace);
    DepthGuard guard(*this, open);
    PatternPtr pattern = new_pattern(PatternKind::Dict, open);
    NestScope scope(*this, false);
    Pattern const* rest = nullptr;
    while (!check(TokenKind::RightBrace)) {
        if (rest) fail(rest->pos, "rest pattern must be last");
        if (check(TokenKind::Ellipsis)) {
            SourcePos pos = consume();
            pattern->elements.push_back(new_pattern(PatternKind::Rest, pos, expect_name().text));
            rest = pattern->elements.back().get();
        } else {
            Token name = expect_name();
            pattern->elements.push_back(new_pattern(PatternKind::Bind, name.pos, name.text));
        }
        if (!accept(TokenKind::Comma)) break;
    }
    expect(TokenKind::RightBrace);
    return pattern;
}

/// pattern ::= "_" | IDENT | literal_pat | tag_pat
PatternPtr Parser::parse_match_pattern() {
    Token const& token = peek();
    DepthGuard guard(*this, token.pos);
    switch (token.kind) {
    case TokenKind::Identifier: return parse_name_pattern();
    case TokenKind::Minus:
    case TokenKind::IntLiteral:
    case TokenKind::FloatLiteral:
    case TokenKind::StringLiteral:
    case TokenKind::True:
    case TokenKind::False:
    case TokenKind::Null: return parse_literal_pattern();
    default: fail_expected("pattern", token);
    }
}

/// tag_pat ::= ( IDENT "::" IDENT | "Ok" | "Err" | "Some" ) [ "(" [ pattern { "," pattern } [ "," ] ] ")" ]
///           | "None"
PatternPtr Parser::parse_name_pattern() {
    Token name = advance();
    if (name.text == "_") return new_pattern(PatternKind::Wildcard, name.pos);
    TagKind kind = constructor_kind(name.text);
    std::string full_name = name.text;
    if (accept(TokenKind::ColonColon)) {
        Token variant = expect_identifier();
        kind = qualified_constructor_kind(name.text, variant.text);
        full_name = kind == TagKind::User ? absl::StrCat(name.text, "::", variant.text) : variant.text;
    } else if (kind == TagKind::User) {
        return new_pattern(PatternKind::Bind, name.pos, name.text);  // A bare name binds the subject.
    }
    PatternPtr pattern = new_pattern(PatternKind::Tag, name.pos, full_name);
    pattern->tag_kind = kind;
    if (kind == TagKind::None || !accept(TokenKind::LeftParen)) return pattern;
    pattern->has_parens = true;
    NestScope scope(*this, false);
    while (!check(TokenKind::RightParen)) {
        pattern->elements.push_back(parse_match_pattern());
        if (!accept(TokenKind::Comma)) break;
    }
    expect(TokenKind::RightParen);
    return pattern;
}

/// literal_pat ::= [ "-" ] ( INT | FLOAT ) | STRING | "true" | "false" | "null"
PatternPtr Parser::parse_literal_pattern() {
    Token token = advance();
    PatternPtr pattern = new_pattern(PatternKind::Literal, token.pos);
    bool negated = token.kind == TokenKind::Minus;
    if (negated) {
        if (!check(TokenKind::IntLiteral) && !check(TokenKind::FloatLiteral)) fail_expected("pattern", peek());
        token = advance();
    }
    constexpr uint64_t min_magnitude = uint64_t{1} << 63;
    switch (token.kind) {
    case TokenKind::IntLiteral:
        if (token.int_too_large || (token.int_value == min_magnitude && !negated))
            fail(token.pos, "integer literal out of range");
        pattern->literal = Value::from_int(negated ? static_cast<int64_t>(0 - token.int_value)
                                                   : static_cast<int64_t>(token.int_value));
        break;
    case TokenKind::FloatLiteral: pattern->literal = Value::from_float(negated ? -token.float_value : token.float_value); break;
    case TokenKind::StringLiteral:
        pattern->literal = make_immortal_string(std::move(token.text));
        break;
    case TokenKind::True: pattern->literal = Value::from_bool(true); break;
    case TokenKind::False: pattern->literal = Value::from_bool(false); break;
    default: break;  // null
    }
    return pattern;
}

void Parser::check_same_bindings(std::vector<PatternPtr> const& alternatives) {
    std::vector<std::string> first = sorted_bindings(*alternatives.front());
    for (size_t i = 1; i < alternatives.size(); ++i)
        if (sorted_bindings(*alternatives[i]) != first) fail(alternatives[i]->pos, "alternatives must bind the same names");
}

// ---------------------------------------------------------------------------------------------
// Operators

/// expr ::= pipe;  pipe ::= coalesce { "|>" coalesce };  ... (precedence climbing, §4)
ExprPtr Parser::parse_binary(int min_level) {
    ChainScope chain(*this);
    ExprPtr lhs = parse_unary();
    int last_level = 0;
    for (;;) {
        std::optional<BinaryOperator> op = binary_operator(peek().kind);
        if (!op || op->level < min_level) return lhs;
        SourcePos pos = consume();
        if (op->non_associative() && op->level == last_level) fail(pos, "comparison operators cannot be chained");
        last_level = op->level;
        push_down(pos);
        DepthGuard guard(*this, pos);
        ExprPtr rhs = parse_binary(op->level + 1);
        if (op->logical) lhs = std::make_unique<Logical>(pos, op->logical_op, std::move(lhs), std::move(rhs));
        else lhs = std::make_unique<Binary>(pos, op->op, std::move(lhs), std::move(rhs));
    }
}

/// unary ::= ( "-" | "!" | "await" ) unary | postfix
ExprPtr Parser::parse_unary() {
    TokenKind kind = peek().kind;
    if (kind != TokenKind::Minus && kind != TokenKind::Bang && kind != TokenKind::Await) return parse_postfix();
    SourcePos pos = consume();
    DepthGuard guard(*this, pos);
    if (kind == TokenKind::Minus) m_negated_token = m_consumed;
    ExprPtr operand = parse_unary();
    if (kind == TokenKind::Minus) {
        if (ExprPtr folded = fold_negation(pos, operand)) return folded;
    }
    UnaryOp unary = kind == TokenKind::Minus ? UnaryOp::Neg : kind == TokenKind::Bang ? UnaryOp::Not : UnaryOp::Await;
    return std::make_unique<Unary>(pos, unary, std::move(operand));
}

// `-` applied to a number literal becomes a negative literal; `-9223372036854775808` is the
// only way to write i64::MIN. `-(i64::MIN)` stays an operation (it overflows at run time).
ExprPtr Parser::fold_negation(SourcePos minus, ExprPtr& operand) {
    if (operand.get() == m_min_literal) {
        m_min_literal = nullptr;
        operand->pos = minus;
        return std::move(operand);
    }
    if (operand->kind != NodeKind::Literal) return nullptr;
    Value& value = as<Literal>(*operand).value;
    if (value.is_int() && value.as_int() != std::numeric_limits<int64_t>::min()) value = Value::from_int(-value.as_int());
    else if (value.is_float()) value = Value::from_float(-value.as_float());
    else return nullptr;
    operand->pos = minus;
    return std::move(operand);
}

/// postfix ::= primary { "(" [ args ] ")" | "[" expr "]" | "." IDENT | "?." IDENT | "?" }
ExprPtr Parser::parse_postfix() {
    ChainScope chain(*this);
    ExprPtr expr = parse_primary();
    for (bool first = true;; first = false) {
        TokenKind kind = peek().kind;
        switch (kind) {
        case TokenKind::LeftParen:
        case TokenKind::LeftBracket:
        case TokenKind::Dot:
        case TokenKind::QuestionDot:
        case TokenKind::Question: break;
        default: return expr;
        }
        if (expr.get() == m_min_literal) fail(expr->pos, "integer literal out of range");
        SourcePos pos = consume();
        push_down(pos);
        DepthGuard guard(*this, pos);
        expr = parse_postfix_operation(kind, pos, std::move(expr), first);
    }
}

ExprPtr Parser::parse_postfix_operation(TokenKind kind, SourcePos pos, ExprPtr object, bool first) {
    switch (kind) {
    case TokenKind::LeftParen: return parse_call(pos, std::move(object));
    case TokenKind::LeftBracket: {
        NestScope scope(*this, false);
        ExprPtr index = parse_expression();
        expect(TokenKind::RightBracket);
        return std::make_unique<Index>(pos, std::move(object), std::move(index));
    }
    case TokenKind::Question: return std::make_unique<TryOp>(pos, std::move(object));
    default: return parse_member(kind == TokenKind::QuestionDot, std::move(object), first);
    }
}

// `.name`, `?.name`, `.name(args)` (a method call) and `module.Name { … }` (a struct literal).
ExprPtr Parser::parse_member(bool optional, ExprPtr object, bool first) {
    Token name = expect_identifier();
    if (!optional && check(TokenKind::LeftParen)) {
        consume();
        auto call = std::make_unique<MethodCall>(name.pos, std::move(object), name.text);
        parse_arguments(call->args);
        return call;
    }
    bool module_struct = !optional && first && object->kind == NodeKind::Identifier &&
                         as<Identifier>(*object).name != "self" && !m_in_head && check(TokenKind::LeftBrace);
    SourcePos start = object->pos;
    auto field = std::make_unique<Field>(name.pos, std::move(object), name.text, optional);
    if (module_struct) return parse_struct_literal(start, std::move(field));
    return field;
}

ExprPtr Parser::parse_call(SourcePos paren, ExprPtr callee) {
    bool named = callee->kind == NodeKind::Identifier || callee->kind == NodeKind::Field;
    SourcePos pos = named ? callee->pos : paren;
    auto call = std::make_unique<Call>(pos, std::move(callee));
    parse_arguments(call->args);
    return call;
}

/// args ::= expr { "," expr } [ "," ]   (after the "(", through the ")")
void Parser::parse_arguments(std::vector<ExprPtr>& args) {
    NestScope scope(*this, false);
    while (!check(TokenKind::RightParen)) {
        args.push_back(parse_expression());
        if (!accept(TokenKind::Comma)) break;
    }
    expect(TokenKind::RightParen);
}

// ---------------------------------------------------------------------------------------------
// Primary expressions

/// primary ::= INT | FLOAT | STRING | INTERP | "true" | "false" | "null" | "self" | IDENT
///           | tag_expr | ctor | struct_lit | lambda | array_lit | dict_lit | "(" expr ")"
///           | "throw" expr | "yield" [ expr ] | "spawn" "(" [ args ] ")"
ExprPtr Parser::parse_primary() {
    switch (peek().kind) {
    case TokenKind::IntLiteral: return parse_int_literal();
    case TokenKind::FloatLiteral:
    case TokenKind::StringLiteral:
    case TokenKind::True:
    case TokenKind::False:
    case TokenKind::Null:
    case TokenKind::Self: return parse_simple_literal();
    case TokenKind::InterpBegin: return parse_interpolation();
    case TokenKind::Identifier: return parse_identifier_expression();
    case TokenKind::LeftParen: return parse_parenthesized();
    case TokenKind::LeftBracket: return parse_array_literal();
    case TokenKind::LeftBrace: return parse_dict_literal();
    case TokenKind::Func:
    case TokenKind::Async: return parse_lambda();
    case TokenKind::Throw: return parse_throw();
    case TokenKind::Yield: return parse_yield();
    case TokenKind::Spawn: return parse_spawn_call();
    default: fail_expected("expression", peek());
    }
}

ExprPtr Parser::parse_int_literal() {
    constexpr uint64_t min_magnitude = uint64_t{1} << 63;
    bool negated = m_consumed == m_negated_token;
    Token token = advance();
    touch(token.pos);
    if (token.int_too_large || (token.int_value == min_magnitude && !negated))
        fail(token.pos, "integer literal out of range");
    if (token.int_value != min_magnitude)
        return std::make_unique<Literal>(token.pos, Value::from_int(static_cast<int64_t>(token.int_value)));
    auto literal = std::make_unique<Literal>(token.pos, Value::from_int(std::numeric_limits<int64_t>::min()));
    m_min_literal = literal.get();  // Valid only as the whole operand of that minus.
    return literal;
}

ExprPtr Parser::parse_simple_literal() {
    Token token = advance();
    touch(token.pos);
    switch (token.kind) {
    case TokenKind::FloatLiteral: return std::make_unique<Literal>(token.pos, Value::from_float(token.float_value));
    case TokenKind::StringLiteral: return string_literal(token.pos, std::move(token.text));
    case TokenKind::True: return std::make_unique<Literal>(token.pos, Value::from_bool(true));
    case TokenKind::False: return std::make_unique<Literal>(token.pos, Value::from_bool(false));
    case TokenKind::Self: return std::make_unique<Identifier>(token.pos, "self");
    default: return std::make_unique<Literal>(token.pos, Value::null());
    }
}

/// INTERP ::= '"' { TEXT | "${" expr "}" } '"'
ExprPtr Parser::parse_interpolation() {
    SourcePos pos = peek().pos;
    DepthGuard guard(*this, pos);
    auto interpolation = std::make_unique<Interpolation>(pos);
    take_text_part(*interpolation);
    NestScope scope(*this, false);
    for (;;) {
        interpolation->parts.push_back(parse_expression());
        TokenKind kind = peek().kind;
        if (kind != TokenKind::InterpMid && kind != TokenKind::InterpEnd) fail_expected("'}'", peek());
        take_text_part(*interpolation);
        if (kind == TokenKind::InterpEnd) return interpolation;
    }
}

// Steps over the current string part of an interpolation, keeping its text if not empty.
void Parser::take_text_part(Interpolation& interpolation) {
    peek();
    Token& part = m_buffer.front();
    if (!part.text.empty()) interpolation.parts.push_back(string_literal(part.pos, std::move(part.text)));
    consume();
}

// IDENT, tag_expr, ctor or struct_lit.
ExprPtr Parser::parse_identifier_expression() {
    peek();
    std::string name = std::move(m_buffer.front().text);
    SourcePos pos = consume();
    if (check(TokenKind::ColonColon)) return parse_tag_expression(pos, name);
    TagKind kind = constructor_kind(name);
    if (kind != TagKind::User) return parse_constructor(pos, kind);
    touch(pos);
    auto identifier = std::make_unique<Identifier>(pos, std::move(name));
    if (!m_in_head && check(TokenKind::LeftBrace)) return parse_struct_literal(pos, std::move(identifier));
    return identifier;
}

/// tag_expr ::= IDENT "::" IDENT [ "(" [ args ] ")" ]
ExprPtr Parser::parse_tag_expression(SourcePos pos, std::string const& enum_name) {
    consume();
    std::string variant = expect_identifier().text;
    TagKind kind = qualified_constructor_kind(enum_name, variant);
    if (kind != TagKind::User) return parse_constructor(pos, kind);
    DepthGuard guard(*this, pos);
    auto tag = std::make_unique<TagExpr>(pos);
    tag->enum_name = enum_name;
    tag->full_name = absl::StrCat(enum_name, "::", variant);
    tag->variant = std::move(variant);
    if (accept(TokenKind::LeftParen)) {
        tag->has_parens = true;
        parse_arguments(tag->args);
    }
    return tag;
}

/// ctor ::= ( "Ok" | "Err" | "Some" ) "(" expr ")" | "None"
ExprPtr Parser::parse_constructor(SourcePos pos, TagKind kind) {
    DepthGuard guard(*this, pos);
    auto tag = std::make_unique<TagExpr>(pos);
    tag->tag_kind = kind;
    tag->variant = std::string(constructor_name(kind));
    tag->full_name = tag->variant;
    if (kind == TagKind::None) return tag;
    expect(TokenKind::LeftParen);
    tag->has_parens = true;
    NestScope scope(*this, false);
    tag->args.push_back(parse_expression());
    expect(TokenKind::RightParen);
    return tag;
}

/// struct_lit ::= [ IDENT "." ] IDENT "{" [ IDENT ":" expr { "," IDENT ":" expr } [ "," ] ] "}"
ExprPtr Parser::parse_struct_literal(SourcePos pos, ExprPtr type) {
    push_down(pos);
    DepthGuard guard(*this, pos);
    auto literal = std::make_unique<StructLit>(pos, std::move(type));
    expect(TokenKind::LeftBrace);
    NestScope scope(*this, false);
    absl::flat_hash_set<std::string> seen;
    while (!check(TokenKind::RightBrace)) {
        Token field = expect_identifier();
        if (!seen.insert(field.text).second) fail(field.pos, absl::StrCat("duplicate field '", field.text, "'"));
        expect(TokenKind::Colon);
        ExprPtr value = parse_expression();
        literal->fields.emplace_back(field.text, std::move(value));
        literal->field_pos.push_back(field.pos);
        if (!accept(TokenKind::Comma)) break;
    }
    expect(TokenKind::RightBrace);
    return literal;
}

// Parentheses build no node but count as a level of nesting, so that deeply parenthesized
// input is bounded like everything else.
ExprPtr Parser::parse_parenthesized() {
    SourcePos open = consume();
    DepthGuard guard(*this, open);
    NestScope scope(*this, false);
    ExprPtr expr = parse_expression();
    expect(TokenKind::RightParen);
    return expr;
}

/// array_lit ::= "[" [ elem { "," elem } [ "," ] ] "]"   elem ::= [ "..." ] expr
ExprPtr Parser::parse_array_literal() {
    SourcePos open = consume();
    DepthGuard guard(*this, open);
    auto array = std::make_unique<ArrayLit>(open);
    NestScope scope(*this, false);
    while (!check(TokenKind::RightBracket)) {
        bool spread = accept(TokenKind::Ellipsis);
        array->elements.push_back(parse_expression());
        array->spread.push_back(spread);
        if (!accept(TokenKind::Comma)) break;
    }
    expect(TokenKind::RightBracket);
    return array;
}

/// dict_lit ::= "{" [ entry { "," entry } [ "," ] ] "}"   entry ::= expr ":" expr | "..." expr
ExprPtr Parser::parse_dict_literal() {
    SourcePos open = consume();
    DepthGuard guard(*this, open);
    auto dict = std::make_unique<DictLit>(open);
    NestScope scope(*this, false);
    while (!check(TokenKind::RightBrace)) {
        DictLit::Entry entry;
        if (accept(TokenKind::Ellipsis)) {
            entry.value = parse_expression();
        } else {
            entry.key = parse_expression();
            expect(TokenKind::Colon);
            entry.value = parse_expression();
        }
        dict->entries.push_back(std::move(entry));
        if (!accept(TokenKind::Comma)) break;
    }
    expect(TokenKind::RightBrace);
    return dict;
}

/// lambda ::= "async" "func" fn_rest | "func" [ "*" ] fn_rest
ExprPtr Parser::parse_lambda() {
    bool is_async = accept(TokenKind::Async);
    SourcePos keyword = expect(TokenKind::Func);
    DepthGuard guard(*this, keyword);
    auto fn = make_function(keyword, "");
    fn->is_async = is_async;
    fn->is_generator = !is_async && accept(TokenKind::Star);
    parse_function_rest(*fn, false);
    return std::make_unique<Lambda>(keyword, std::move(fn));
}

/// primary ::= "throw" expr   (* the operand is the whole rest of the expression *)
ExprPtr Parser::parse_throw() {
    SourcePos keyword = consume();
    DepthGuard guard(*this, keyword);
    return std::make_unique<ThrowExpr>(keyword, parse_expression());
}

/// primary ::= "yield" [ expr ]
ExprPtr Parser::parse_yield() {
    SourcePos keyword = consume();
    if (!m_in_generator) fail(keyword, "'yield' outside generator");
    DepthGuard guard(*this, keyword);
    ExprPtr value;
    if (can_start_expression(peek().kind)) value = parse_expression();
    return std::make_unique<YieldExpr>(keyword, std::move(value));
}

/// primary ::= "spawn" "(" [ args ] ")"   (* the spawn(f, args…) built-in *)
ExprPtr Parser::parse_spawn_call() {
    SourcePos keyword = consume();
    DepthGuard guard(*this, keyword);
    expect(TokenKind::LeftParen);
    touch(keyword);
    auto call = std::make_unique<Call>(keyword, std::make_unique<Identifier>(keyword, "spawn"));
    parse_arguments(call->args);
    return call;
}

}  // namespace

// ---------------------------------------------------------------------------------------------

std::unique_ptr<ast::Program> parse_program(SourceFile const* file, SyntaxError& error) {
    try {
        return Parser(file).parse();
    } catch (ParseFailure& failure) {
        error = SyntaxError{file, failure.pos, std::move(failure.message)};
        return nullptr;
    }
}

// OUTPUT.md §2.2: the header, the source line (bad UTF-8 as U+FFFD) and a caret under COL.
std::string format_syntax_error(SyntaxError const& e) {
    std::string out = absl::StrFormat("%s:%d:%d: error: %s\n", e.file ? e.file->path : std::string(), e.pos.line,
                                       e.pos.col, e.message);
    std::string_view line = e.file ? e.file->line_text(e.pos.line) : std::string_view();
    if (e.pos.line == 1 && line.substr(0, 3) == "\xEF\xBB\xBF") line.remove_prefix(3);
    std::string caret;
    uint32_t chars = 0;
    for (size_t offset = 0; offset < line.size(); ++chars) {
        Utf8Char c = decode_utf8(line, offset);
        if (c.valid) out.append(line.substr(offset, c.length));
        else out += "\xEF\xBF\xBD";
        if (chars + 1 < e.pos.col) caret += line[offset] == '\t' ? '\t' : ' ';
        offset += c.length;
    }
    for (; chars + 1 < e.pos.col; ++chars) caret += ' ';
    absl::StrAppend(&out, "\n", caret, "^\n");
    return out;
}

}  // namespace ruff

#undef RUFF_NOINLINE
