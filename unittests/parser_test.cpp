// Unit tests for the parser (GRAMMAR.md §2-§7): the trees it builds (checked through compact AST
// dumps), precedence, the newline rules, struct literal versus block, node anchors, the static
// checks, every error message with its position, deep nesting and the error block format.
#include <gtest/gtest.h>

#include <memory>
#include <string>

#include "compiler/ast_dump.h"
#include "compiler/parser.h"

using namespace ruff;
using namespace ruff::ast;

namespace {

struct Parsed {
    std::unique_ptr<SourceFile> file;
    std::unique_ptr<Program> program;
    SyntaxError error{};
};

std::unique_ptr<Parsed> parse(std::string_view text) {
    auto parsed = std::make_unique<Parsed>();
    parsed->file = std::make_unique<SourceFile>("test.ruff", std::string(text));
    parsed->program = parse_program(parsed->file.get(), parsed->error);
    return parsed;
}

std::string error_text(Parsed const& p) {
    return std::to_string(p.error.pos.line) + ":" + std::to_string(p.error.pos.col) + ": " + p.error.message;
}

// The statements of the program, one compact dump per statement joined by " | ", or the error.
std::string tree(std::string_view text, bool positions = false) {
    auto p = parse(text);
    if (!p->program) return "error " + error_text(*p);
    std::string out;
    for (auto const& stmt : p->program->main->body->stmts) {
        if (!out.empty()) out += " | ";
        out += dump_node(*stmt, DumpOptions{positions, true});
    }
    return out;
}

// The tree of one expression, parsed as the value of `x := EXPR`.
std::string expr(std::string_view text, bool positions = false) {
    auto p = parse("x := " + std::string(text));
    if (!p->program) return "error " + error_text(*p);
    auto const& stmts = p->program->main->body->stmts;
    if (stmts.size() != 1 || stmts[0]->kind != NodeKind::AssignStmt) return "not one assignment";
    return dump_node(*as<AssignStmt>(*stmts[0]).value, DumpOptions{positions, true});
}

// "LINE:COL: message" of the syntax error, or "ok".
std::string error(std::string_view text) {
    auto p = parse(text);
    return p->program ? "ok" : error_text(*p);
}

}  // namespace

// ---------------------------------------------------------------------------------------------
// Program shape

TEST(ParserTest, ProgramIsAMainFunctionWithTheTopLevelBlock) {
    auto p = parse("x := 1\nfunc f() {}\ng := func() {}");
    ASSERT_TRUE(p->program);
    auto const& main = *p->program->main;
    EXPECT_TRUE(main.name.empty());
    EXPECT_TRUE(main.params.empty());
    EXPECT_EQ(main.file, p->file.get());
    EXPECT_EQ(p->program->file, p->file.get());
    EXPECT_EQ(main.body->pos.line, 1u);
    EXPECT_EQ(main.body->pos.col, 1u);
    ASSERT_EQ(main.body->stmts.size(), 3u);
    EXPECT_EQ(as<FuncDeclStmt>(*main.body->stmts[1]).fn->file, p->file.get());
    auto const& lambda = as<Lambda>(*as<AssignStmt>(*main.body->stmts[2]).value);
    EXPECT_EQ(lambda.fn->file, p->file.get());
    EXPECT_TRUE(lambda.fn->name.empty());
}

TEST(ParserTest, EmptyAndCommentOnlyProgramsParse) {
    EXPECT_EQ(tree(""), "");
    EXPECT_EQ(tree("# nothing\n/* here */\n"), "");
    EXPECT_EQ(tree(";;;\n;"), "");
}

TEST(ParserTest, StringLiteralsAreImmortal) {
    auto p = parse("x := \"shared\"");
    ASSERT_TRUE(p->program);
    auto const& literal = as<Literal>(*as<AssignStmt>(*p->program->main->body->stmts[0]).value);
    ASSERT_TRUE(literal.value.is(TAG_STR));
    EXPECT_EQ(literal.value.obj()->rc.load(), 0) << "tasks share literal strings";
}

// ---------------------------------------------------------------------------------------------
// Expressions and precedence (GRAMMAR.md §4)

TEST(ParserTest, Literals) {
    EXPECT_EQ(expr("42"), "(Literal 42)");
    EXPECT_EQ(expr("2.5"), "(Literal 2.5)");
    EXPECT_EQ(expr("1e3"), "(Literal 1000.0)");
    EXPECT_EQ(expr("\"hi\\n\""), "(Literal \"hi\\n\")");
    EXPECT_EQ(expr("true"), "(Literal true)");
    EXPECT_EQ(expr("false"), "(Literal false)");
    EXPECT_EQ(expr("null"), "(Literal null)");
    EXPECT_EQ(expr("self"), "(Identifier self)");
}

TEST(ParserTest, MultiplicativeBindsTighterThanAdditive) {
    EXPECT_EQ(expr("1 + 2 * 3"), "(Binary + (Literal 1) (Binary * (Literal 2) (Literal 3)))");
    EXPECT_EQ(expr("(1 + 2) * 3"), "(Binary * (Binary + (Literal 1) (Literal 2)) (Literal 3))");
    EXPECT_EQ(expr("a % b / c"), "(Binary / (Binary % (Identifier a) (Identifier b)) (Identifier c))");
}

TEST(ParserTest, ArithmeticIsLeftAssociative) {
    EXPECT_EQ(expr("10 - 4 - 3"), "(Binary - (Binary - (Literal 10) (Literal 4)) (Literal 3))");
    EXPECT_EQ(expr("a / b * c"), "(Binary * (Binary / (Identifier a) (Identifier b)) (Identifier c))");
}

TEST(ParserTest, ComparisonBindsTighterThanEquality) {
    EXPECT_EQ(expr("1 < 2 == true"), "(Binary == (Binary < (Literal 1) (Literal 2)) (Literal true))");
    EXPECT_EQ(expr("a == b >= c"), "(Binary == (Identifier a) (Binary >= (Identifier b) (Identifier c)))");
    EXPECT_EQ(expr("a + 1 <= b"), "(Binary <= (Binary + (Identifier a) (Literal 1)) (Identifier b))");
    EXPECT_EQ(expr("a < b == c > d"),
              "(Binary == (Binary < (Identifier a) (Identifier b)) (Binary > (Identifier c) (Identifier d)))");
}

TEST(ParserTest, LogicalLevels) {
    EXPECT_EQ(expr("a || b && c"), "(Logical || (Identifier a) (Logical && (Identifier b) (Identifier c)))");
    EXPECT_EQ(expr("a == b && c != d"),
              "(Logical && (Binary == (Identifier a) (Identifier b)) (Binary != (Identifier c) (Identifier d)))");
    EXPECT_EQ(expr("a ?? b || c"), "(Logical ?? (Identifier a) (Logical || (Identifier b) (Identifier c)))");
    EXPECT_EQ(expr("a ?? b ?? c"), "(Logical ?? (Logical ?? (Identifier a) (Identifier b)) (Identifier c))");
}

TEST(ParserTest, PipeIsLoosestAndLeftAssociative) {
    EXPECT_EQ(expr("2 + 3 |> double"), "(Logical |> (Binary + (Literal 2) (Literal 3)) (Identifier double))");
    EXPECT_EQ(expr("x |> f |> g(1)"),
              "(Logical |> (Logical |> (Identifier x) (Identifier f)) (Call (Identifier g) (Literal 1)))");
    EXPECT_EQ(expr("n ?? 4 |> f"), "(Logical |> (Logical ?? (Identifier n) (Literal 4)) (Identifier f))");
}

TEST(ParserTest, PrefixOperatorsBindTighterThanBinaryAndLooserThanPostfix) {
    EXPECT_EQ(expr("-2 * 3"), "(Binary * (Literal -2) (Literal 3))");
    EXPECT_EQ(expr("-x.y"), "(Unary - (Field .y (Identifier x)))");
    EXPECT_EQ(expr("!a == b"), "(Binary == (Unary ! (Identifier a)) (Identifier b))");
    EXPECT_EQ(expr("- -x"), "(Unary - (Unary - (Identifier x)))");
    EXPECT_EQ(expr("-xs[1]"), "(Unary - (Index (Identifier xs) (Literal 1)))");
    EXPECT_EQ(expr("await f() + await g()"),
              "(Binary + (Unary await (Call (Identifier f))) (Unary await (Call (Identifier g))))");
    EXPECT_EQ(expr("!await p"), "(Unary ! (Unary await (Identifier p)))");
}

TEST(ParserTest, NegatedNumberLiteralsFold) {
    EXPECT_EQ(expr("-5"), "(Literal -5)");
    EXPECT_EQ(expr("-2.5"), "(Literal -2.5)");
    EXPECT_EQ(expr("- -5"), "(Literal 5)");
    EXPECT_EQ(expr("2 - -3"), "(Binary - (Literal 2) (Literal -3))");
    EXPECT_EQ(expr("-5", true), "(Literal 1:6 -5)") << "the literal is anchored at the minus";
}

TEST(ParserTest, MinimumIntegerIsOnlyTheWholeOperandOfUnaryMinus) {
    EXPECT_EQ(expr("-9223372036854775808"), "(Literal -9223372036854775808)");
    EXPECT_EQ(expr("-0x8000000000000000"), "(Literal -9223372036854775808)");
    EXPECT_EQ(expr("-0b1000000000000000000000000000000000000000000000000000000000000000"),
              "(Literal -9223372036854775808)");
    EXPECT_EQ(expr("- -9223372036854775808"), "(Unary - (Literal -9223372036854775808))")
        << "negating i64::MIN is left to run time, which raises";
    EXPECT_EQ(expr("9223372036854775807"), "(Literal 9223372036854775807)");
    EXPECT_EQ(error("x := 9223372036854775808"), "1:6: integer literal out of range");
    EXPECT_EQ(error("x := 0x8000000000000000"), "1:6: integer literal out of range");
    EXPECT_EQ(error("x := 1 - 9223372036854775808"), "1:10: integer literal out of range");
    EXPECT_EQ(error("x := -(9223372036854775808)"), "1:8: integer literal out of range");
    EXPECT_EQ(error("x := -9223372036854775808.abs()"), "1:7: integer literal out of range");
    EXPECT_EQ(error("x := -9223372036854775809"), "1:7: integer literal out of range");
    EXPECT_EQ(error("x := 99999999999999999999999"), "1:6: integer literal out of range");
}

TEST(ParserTest, ComparisonOperatorsCannotBeChained) {
    EXPECT_EQ(error("print(1 < 2 < 3)"), "1:13: comparison operators cannot be chained");
    EXPECT_EQ(error("x := 1 == 1 == true"), "1:13: comparison operators cannot be chained");
    EXPECT_EQ(error("x := a != b == c"), "1:13: comparison operators cannot be chained");
    EXPECT_EQ(error("x := a == b < c <= d"), "1:17: comparison operators cannot be chained");
    EXPECT_EQ(error("x := (a < b) < c"), "ok") << "parentheses make it explicit";
}

TEST(ParserTest, ThrowTakesTheRestOfTheExpression) {
    EXPECT_EQ(expr("a ?? throw \"bad \" + x"),
              "(Logical ?? (Identifier a) (Throw (Binary + (Literal \"bad \") (Identifier x))))");
    EXPECT_EQ(tree("throw Err(1)"), "(ExprStmt (Throw (Tag Err() (Literal 1))))");
}

TEST(ParserTest, PostfixOperations) {
    EXPECT_EQ(expr("f(1, 2,)"), "(Call (Identifier f) (Literal 1) (Literal 2))");
    EXPECT_EQ(expr("f()(3)"), "(Call (Call (Identifier f)) (Literal 3))");
    EXPECT_EQ(expr("o.m(1).n"), "(Field .n (MethodCall m (Identifier o) (Literal 1)))");
    EXPECT_EQ(expr("a[i][j]"), "(Index (Index (Identifier a) (Identifier i)) (Identifier j))");
    EXPECT_EQ(expr("r?.x"), "(Field ?.x (Identifier r))");
    EXPECT_EQ(expr("(r?).x"), "(Field .x (TryOp (Identifier r)))");
    EXPECT_EQ(expr("f(x)?"), "(TryOp (Call (Identifier f) (Identifier x)))");
    EXPECT_EQ(expr("5.abs()"), "(MethodCall abs (Literal 5))");
    EXPECT_EQ(expr("o?.m(1)"), "(Call (Field ?.m (Identifier o)) (Literal 1))");
}

TEST(ParserTest, CollectionLiterals) {
    EXPECT_EQ(expr("[]"), "(Array)");
    EXPECT_EQ(expr("[1, ...a, 2,]"), "(Array (Literal 1) (Spread (Identifier a)) (Literal 2))");
    EXPECT_EQ(expr("{}"), "(Dict)");
    EXPECT_EQ(expr("{\"a\": 1, ...d, k: v,}"),
              "(Dict (Entry (Literal \"a\") (Literal 1)) (Spread (Identifier d)) (Entry (Identifier k) (Identifier v)))");
}

TEST(ParserTest, Interpolation) {
    EXPECT_EQ(expr("\"a ${b} c ${d + 1}\""),
              "(Interpolation (Literal \"a \") (Identifier b) (Literal \" c \") (Binary + (Identifier d) (Literal 1)))");
    EXPECT_EQ(expr("\"${x}\""), "(Interpolation (Identifier x))") << "empty text parts are omitted";
    EXPECT_EQ(expr("\"${ \"in ${y}\" }\""), "(Interpolation (Interpolation (Literal \"in \") (Identifier y)))");
    EXPECT_EQ(expr("\"${\n  a +\n  b\n}\""), "(Interpolation (Binary + (Identifier a) (Identifier b)))");
    EXPECT_EQ(expr("\"${P { x: 1 }}\""), "(Interpolation (StructLit (Identifier P) (FieldInit x (Literal 1))))");
}

TEST(ParserTest, TagsAndConstructors) {
    EXPECT_EQ(expr("Color::Red"), "(Tag Color::Red)");
    EXPECT_EQ(expr("Shape::Rect(2, 3)"), "(Tag Shape::Rect() (Literal 2) (Literal 3))");
    EXPECT_EQ(expr("Ok(1)"), "(Tag Ok() (Literal 1))");
    EXPECT_EQ(expr("Err(\"e\")"), "(Tag Err() (Literal \"e\"))");
    EXPECT_EQ(expr("Some([1])"), "(Tag Some() (Array (Literal 1)))");
    EXPECT_EQ(expr("None"), "(Tag None)");
    EXPECT_EQ(expr("Result::Ok(1)"), "(Tag Ok() (Literal 1))");
    EXPECT_EQ(expr("Result::Err(1)"), "(Tag Err() (Literal 1))");
    EXPECT_EQ(expr("Option::Some(1)"), "(Tag Some() (Literal 1))");
    EXPECT_EQ(expr("Option::None"), "(Tag None)");
    EXPECT_EQ(expr("Result::Other"), "(Tag Result::Other)");
    EXPECT_EQ(expr("x == Color::Red"), "(Binary == (Identifier x) (Tag Color::Red))");
    EXPECT_EQ(error("x := Ok"), "1:8: expected '(', found end of file");
    EXPECT_EQ(error("x := Some(1, 2)"), "1:12: expected ')', found ','");
    EXPECT_EQ(error("x := Result::Ok"), "1:16: expected '(', found end of file");
}

TEST(ParserTest, TagExpressionFields) {
    auto p = parse("x := Shape::Rect(1)\ny := Option::Some(2)");
    ASSERT_TRUE(p->program);
    auto const& user = as<TagExpr>(*as<AssignStmt>(*p->program->main->body->stmts[0]).value);
    EXPECT_EQ(user.tag_kind, TagKind::User);
    EXPECT_EQ(user.enum_name, "Shape");
    EXPECT_EQ(user.variant, "Rect");
    EXPECT_EQ(user.full_name, "Shape::Rect");
    EXPECT_TRUE(user.has_parens);
    auto const& some = as<TagExpr>(*as<AssignStmt>(*p->program->main->body->stmts[1]).value);
    EXPECT_EQ(some.tag_kind, TagKind::Some);
    EXPECT_EQ(some.args.size(), 1u);
}

TEST(ParserTest, Lambdas) {
    EXPECT_EQ(expr("func(a, b := 1) { return a + b }"),
              "(Lambda (Function <lambda> (Param a) (Param b (Literal 1)) (Block (Return (Binary + (Identifier a) "
              "(Identifier b))))))");
    EXPECT_EQ(expr("async func() {}"), "(Lambda (Function <lambda> async (Block)))");
    EXPECT_EQ(expr("func*() { yield 1 }"), "(Lambda (Function <lambda> generator (Block (ExprStmt (Yield (Literal 1))))))");
    EXPECT_EQ(expr("func(v: bool) -> null { return v }"),
              "(Lambda (Function <lambda> (Param v) (Block (Return (Identifier v)))))");
    EXPECT_EQ(error("x := async 5"), "1:12: expected 'func', found integer literal");
}

TEST(ParserTest, SpawnCallIsACallOfSpawn) {
    EXPECT_EQ(expr("spawn(f, 1)"), "(Call (Identifier spawn) (Identifier f) (Literal 1))");
    EXPECT_EQ(expr("spawn(f)", true), "(Call 1:6 (Identifier 1:6 spawn) (Identifier 1:12 f))");
}

TEST(ParserTest, YieldTakesAValueOnlyIfOneFollows) {
    EXPECT_EQ(tree("func* g() {\n  yield\n  -1\n  x := yield 2\n  f(yield)\n}"),
              "(FuncDecl (Function g generator (Block (ExprStmt (Yield)) (ExprStmt (Literal -1)) (Assign := "
              "(Identifier x) (Yield (Literal 2))) (ExprStmt (Call (Identifier f) (Yield))))))");
}

// ---------------------------------------------------------------------------------------------
// Node anchors (GRAMMAR.md §5)

TEST(ParserTest, AnchorsOfExpressions) {
    EXPECT_EQ(expr("f(1)", true), "(Call 1:6 (Identifier 1:6 f) (Literal 1:8 1))");
    EXPECT_EQ(expr("g()(1)", true), "(Call 1:9 (Call 1:6 (Identifier 1:6 g)) (Literal 1:10 1))")
        << "a callee without a name: the '('";
    EXPECT_EQ(expr("o.m()", true), "(MethodCall 1:8 m (Identifier 1:6 o))");
    EXPECT_EQ(expr("o.f", true), "(Field 1:8 .f (Identifier 1:6 o))");
    EXPECT_EQ(expr("o.f(1)", true), "(MethodCall 1:8 f (Identifier 1:6 o) (Literal 1:10 1))");
    EXPECT_EQ(expr("a[0]", true), "(Index 1:7 (Identifier 1:6 a) (Literal 1:8 0))");
    EXPECT_EQ(expr("r?", true), "(TryOp 1:7 (Identifier 1:6 r))");
    EXPECT_EQ(expr("a + b", true), "(Binary 1:8 + (Identifier 1:6 a) (Identifier 1:10 b))");
    EXPECT_EQ(expr("!a", true), "(Unary 1:6 ! (Identifier 1:7 a))");
    EXPECT_EQ(expr("P { x: 1 }", true), "(StructLit 1:6 (Identifier 1:6 P) (FieldInit 1:10 x (Literal 1:13 1)))");
    EXPECT_EQ(expr("m.P {}", true), "(StructLit 1:6 (Field 1:8 .P (Identifier 1:6 m)))");
    EXPECT_EQ(expr("E::V", true), "(Tag 1:6 E::V)");
    EXPECT_EQ(expr("[1]", true), "(Array 1:6 (Literal 1:7 1))");
    EXPECT_EQ(expr("{}", true), "(Dict 1:6)");
    EXPECT_EQ(expr("func() {}", true), "(Lambda 1:6 (Function 1:6 <lambda> (Block 1:13)))");
    EXPECT_EQ(expr("throw 1", true), "(Throw 1:6 (Literal 1:12 1))");
    EXPECT_EQ(expr("await p", true), "(Unary 1:6 await (Identifier 1:12 p))");
    EXPECT_EQ(expr("\"a${b}\"", true), "(Interpolation 1:6 (Literal 1:6 \"a\") (Identifier 1:10 b))");
}

TEST(ParserTest, AnchorsOfStatements) {
    EXPECT_EQ(tree("a[1] := 2", true), "(Assign 1:2 := (Index 1:2 (Identifier 1:1 a) (Literal 1:3 1)) (Literal 1:9 2))")
        << "an assignment is anchored at its target's anchor";
    EXPECT_EQ(tree("p.x += 1", true), "(Assign 1:3 += (Field 1:3 .x (Identifier 1:1 p)) (Literal 1:8 1))");
    EXPECT_EQ(tree("  let x := 1", true), "(Let 1:3 let (Bind 1:7 x) (Literal 1:12 1))");
    EXPECT_EQ(tree("async func f() {}", true), "(FuncDecl 1:1 (Function 1:12 f async (Block 1:16)))")
        << "the statement at its first token, the function at its name";
    EXPECT_EQ(tree("print(1)", true), "(ExprStmt 1:1 (Call 1:1 (Identifier 1:1 print) (Literal 1:7 1)))");
}

// ---------------------------------------------------------------------------------------------
// Statements (GRAMMAR.md §3.1)

TEST(ParserTest, LetMutAndConst) {
    EXPECT_EQ(tree("let x := 1"), "(Let let (Bind x) (Literal 1))");
    EXPECT_EQ(tree("let mut x = 1"), "(Let let (Bind x) (Literal 1))");
    EXPECT_EQ(tree("mut x := 1"), "(Let let (Bind x) (Literal 1))");
    EXPECT_EQ(tree("let n: string := 5"), "(Let let (Bind n) (Literal 5))");
    EXPECT_EQ(tree("const K: geo.Vector := 1"), "(Let const (Bind K) (Literal 1))");
    EXPECT_EQ(tree("let [a, _, [b], ...r] := v"),
              "(Let let (ArrayPattern (Bind a) (Wildcard) (ArrayPattern (Bind b)) (Rest r)) (Identifier v))");
    EXPECT_EQ(tree("let {a, ...r} := v"), "(Let let (DictPattern (Bind a) (Rest r)) (Identifier v))");
    auto p = parse("const X := 1\nlet y := 2");
    ASSERT_TRUE(p->program);
    EXPECT_TRUE(as<LetStmt>(*p->program->main->body->stmts[0]).is_const);
    EXPECT_TRUE(as<LetStmt>(*p->program->main->body->stmts[0]).is_decl);
    EXPECT_FALSE(as<LetStmt>(*p->program->main->body->stmts[1]).is_const);
}

TEST(ParserTest, DestructuringAssignments) {
    EXPECT_EQ(tree("[a, b, ...rest] := xs"),
              "(Let destructure (ArrayPattern (Bind a) (Bind b) (Rest rest)) (Identifier xs))");
    EXPECT_EQ(tree("{name, ...others} = d"), "(Let destructure (DictPattern (Bind name) (Rest others)) (Identifier d))");
    EXPECT_EQ(tree("[\n  a,\n  b\n] := xs"), "(Let destructure (ArrayPattern (Bind a) (Bind b)) (Identifier xs))");
    EXPECT_EQ(tree("[a, b]"), "(ExprStmt (Array (Identifier a) (Identifier b)))");
    EXPECT_EQ(tree("{}"), "(ExprStmt (Dict))");
    EXPECT_EQ(tree("[a][0]"), "(ExprStmt (Index (Array (Identifier a)) (Literal 0)))");
    auto p = parse("[a] := v");
    ASSERT_TRUE(p->program);
    EXPECT_FALSE(as<LetStmt>(*p->program->main->body->stmts[0]).is_decl);
}

TEST(ParserTest, Assignments) {
    EXPECT_EQ(tree("x := 1"), "(Assign := (Identifier x) (Literal 1))");
    EXPECT_EQ(tree("x = 1"), "(Assign := (Identifier x) (Literal 1))") << "= means :=";
    EXPECT_EQ(tree("a[i][j] := v"), "(Assign := (Index (Index (Identifier a) (Identifier i)) (Identifier j)) (Identifier v))");
    EXPECT_EQ(tree("self.x := 1"), "(Assign := (Field .x (Identifier self)) (Literal 1))");
    EXPECT_EQ(tree("a += 1; b -= 2; c *= 3; d /= 4; e %= 5"),
              "(Assign += (Identifier a) (Literal 1)) | (Assign -= (Identifier b) (Literal 2)) | (Assign *= "
              "(Identifier c) (Literal 3)) | (Assign /= (Identifier d) (Literal 4)) | (Assign %= (Identifier e) "
              "(Literal 5))");
    auto p = parse("a[0] += 1");
    ASSERT_TRUE(p->program);
    EXPECT_EQ(as<AssignStmt>(*p->program->main->body->stmts[0]).op, AssignOp::Add);
}

TEST(ParserTest, InvalidAssignmentTargets) {
    EXPECT_EQ(error("a + b := 3"), "1:3: invalid assignment target");
    EXPECT_EQ(error("f(1) := 2"), "1:1: invalid assignment target");
    EXPECT_EQ(error("f() += 1"), "1:1: invalid assignment target");
    EXPECT_EQ(error("self := 1"), "1:1: invalid assignment target");
    EXPECT_EQ(error("o.m() := 1"), "1:3: invalid assignment target");
    EXPECT_EQ(error("a?.b := 1"), "1:4: invalid assignment target");
    EXPECT_EQ(error("5 := 1"), "1:1: invalid assignment target");
    EXPECT_EQ(error("(a) := 1"), "1:2: invalid assignment target");
    EXPECT_EQ(error("[a, 1] := v"), "1:1: invalid assignment target");
    EXPECT_EQ(error("None := 1"), "1:1: invalid assignment target");
    EXPECT_EQ(error("a := b := 1"), "1:8: expected end of statement, found ':='");
}

TEST(ParserTest, FunctionDeclarations) {
    EXPECT_EQ(tree("func f(a, b := 2) -> int { return a + b }"),
              "(FuncDecl (Function f (Param a) (Param b (Literal 2)) (Block (Return (Binary + (Identifier a) "
              "(Identifier b))))))");
    EXPECT_EQ(tree("async func f() {}"), "(FuncDecl (Function f async (Block)))");
    EXPECT_EQ(tree("func* g() {}"), "(FuncDecl (Function g generator (Block)))");
    EXPECT_EQ(tree("func make(a: int, b: Point, c: Result<int, string>) -> Option<Point> {}"),
              "(FuncDecl (Function make (Param a) (Param b) (Param c) (Block)))");
    EXPECT_EQ(tree("func() {}()"), "(ExprStmt (Call (Lambda (Function <lambda> (Block)))))");
    auto p = parse("func f(a := 1) {}");
    ASSERT_TRUE(p->program);
    auto const& fn = *as<FuncDeclStmt>(*p->program->main->body->stmts[0]).fn;
    EXPECT_EQ(fn.name, "f");
    ASSERT_EQ(fn.params.size(), 1u);
    EXPECT_EQ(fn.params[0].pos.col, 8u);
    EXPECT_TRUE(fn.params[0].default_value);
}

TEST(ParserTest, StructDeclarations) {
    EXPECT_EQ(tree("struct P { x: int, y\n  tags: Map<string, Array<int>>\n  z; func m(self, k) { self.x := k }\n"
                   "  func n(q) {} }"),
              "(StructDecl P (FieldDecl x) (FieldDecl y) (FieldDecl tags) (FieldDecl z) (Function m method self (Param k) "
              "(Block (Assign := (Field .x (Identifier self)) (Identifier k)))) (Function n method (Param q) (Block)))");
    EXPECT_EQ(tree("struct Empty {}"), "(StructDecl Empty)");
    auto p = parse("struct S { a\n func m(self) {}\n async func n() {}\n}");
    ASSERT_TRUE(p->program);
    auto const& s = as<StructDeclStmt>(*p->program->main->body->stmts[0]);
    ASSERT_EQ(s.methods.size(), 2u);
    EXPECT_EQ(s.methods[0]->owner, &s);
    EXPECT_TRUE(s.methods[0]->is_method);
    EXPECT_TRUE(s.methods[0]->has_self_param);
    EXPECT_TRUE(s.methods[0]->params.empty()) << "self is not a listed parameter";
    EXPECT_FALSE(s.methods[1]->has_self_param);
    EXPECT_TRUE(s.methods[1]->is_async);
    EXPECT_EQ(s.methods[1]->owner, &s);
}

TEST(ParserTest, EnumDeclarations) {
    EXPECT_EQ(tree("enum Color { Red, Green\n Blue; Rgb(int, int, int), Wrap(T,), Unit() }"),
              "(EnumDecl Color (Variant Red 0) (Variant Green 0) (Variant Blue 0) (Variant Rgb 3) (Variant Wrap 1) "
              "(Variant Unit 0))");
    EXPECT_EQ(tree("enum Result { Ok, Err }"), "(EnumDecl Result (Variant Ok 0) (Variant Err 0))")
        << "Ok and Err may name variants";
}

TEST(ParserTest, ImportsAndExports) {
    EXPECT_EQ(tree("import geometry\nfrom m import a, b"), "(Import geometry) | (Import m a b)");
    auto p = parse("import geometry\nfrom m import a, b");
    ASSERT_TRUE(p->program);
    auto const& whole = as<ImportStmt>(*p->program->main->body->stmts[0]);
    EXPECT_TRUE(whole.names.empty());
    ASSERT_EQ(whole.name_pos.size(), 1u);
    EXPECT_EQ(whole.name_pos[0].col, 8u);
    auto const& from = as<ImportStmt>(*p->program->main->body->stmts[1]);
    ASSERT_EQ(from.name_pos.size(), 2u);
    EXPECT_EQ(from.name_pos[1].col, 18u);
    EXPECT_EQ(tree("export func f() {}\nexport x := 1\nexport const Y = 2\nexport let z := 3\nexport struct P {}\n"
                   "export enum E { A }\nexport async func g() {}"),
              "(Export (FuncDecl (Function f (Block)))) | (Export (Assign := (Identifier x) (Literal 1))) | (Export (Let "
              "const (Bind Y) (Literal 2))) | (Export (Let let (Bind z) (Literal 3))) | (Export (StructDecl P)) | (Export "
              "(EnumDecl E (Variant A 0))) | (Export (FuncDecl (Function g async (Block))))");
}

TEST(ParserTest, ControlFlowStatements) {
    EXPECT_EQ(tree("if a { } else if b { } else { }"), "(If (Identifier a) (Block) (If (Identifier b) (Block) (Block)))");
    EXPECT_EQ(tree("while c { break }"), "(While (Identifier c) (Block (Break)))");
    EXPECT_EQ(tree("loop { continue }"), "(While (Nothing) (Block (Continue)))");
    EXPECT_EQ(tree("loop while c { }"), "(While (Identifier c) (Block))");
    EXPECT_EQ(tree("for x in xs { }"), "(For (Bind x) (Identifier xs) (Block))");
    EXPECT_EQ(tree("for [k, v] in items(d) { }"),
              "(For (ArrayPattern (Bind k) (Bind v)) (Call (Identifier items) (Identifier d)) (Block))");
    EXPECT_EQ(tree("for {a} in xs { }"), "(For (DictPattern (Bind a)) (Identifier xs) (Block))");
    EXPECT_EQ(tree("try { f() } except e { print(e) }"),
              "(Try e (Block (ExprStmt (Call (Identifier f)))) (Block (ExprStmt (Call (Identifier print) (Identifier e)))))");
    EXPECT_EQ(tree("spawn { work() }"), "(Spawn (Function <lambda> (Block (ExprStmt (Call (Identifier work))))))");
    EXPECT_EQ(tree("func f() { return }"), "(FuncDecl (Function f (Block (Return))))");
    EXPECT_EQ(tree("return 1"), "(Return (Literal 1))") << "return is allowed at top level";
}

TEST(ParserTest, MatchStatements) {
    EXPECT_EQ(tree("match x {\n case 1 | 2: { }\n case -1 { }\n case 2.5 {}\n case \"hi\" {}\n case true {}\n"
                   " case null {}\n case _ {}\n case other {}\n default: { }\n}"),
              "(Match (Identifier x) (Case (LiteralPattern 1) (LiteralPattern 2) (Block)) (Case (LiteralPattern -1) "
              "(Block)) (Case (LiteralPattern 2.5) (Block)) (Case (LiteralPattern \"hi\") (Block)) (Case (LiteralPattern "
              "true) (Block)) (Case (LiteralPattern null) (Block)) (Case (Wildcard) (Block)) (Case (Bind other) (Block)) "
              "(Default (Block)))");
    EXPECT_EQ(tree("match v { case None {} case Ok {} case Some(Ok(n)) {} case Err(_) {} }"),
              "(Match (Identifier v) (Case (TagPattern None) (Block)) (Case (TagPattern Ok) (Block)) (Case (TagPattern "
              "Some() (TagPattern Ok() (Bind n))) (Block)) (Case (TagPattern Err() (Wildcard)) (Block)))");
    EXPECT_EQ(tree("match c { case C::A | C::B(_, _) {} case Option::Some(v) {} case Option::None {} "
                   "case Result::Err(e) {} case C::D() {} }"),
              "(Match (Identifier c) (Case (TagPattern C::A) (TagPattern C::B() (Wildcard) (Wildcard)) (Block)) (Case "
              "(TagPattern Some() (Bind v)) (Block)) (Case (TagPattern None) (Block)) (Case (TagPattern Err() (Bind e)) "
              "(Block)) (Case (TagPattern C::D()) (Block)))");
    EXPECT_EQ(tree("match x { case -9223372036854775808 {} }"),
              "(Match (Identifier x) (Case (LiteralPattern -9223372036854775808) (Block)))");
    EXPECT_EQ(error("match x { case 9223372036854775808 {} }"), "1:16: integer literal out of range");
    auto p = parse("match x { case A::B(y) {} }");
    ASSERT_TRUE(p->program);
    auto const& pattern = *as<MatchStmt>(*p->program->main->body->stmts[0]).arms[0].alternatives[0];
    EXPECT_EQ(pattern.kind, PatternKind::Tag);
    EXPECT_EQ(pattern.name, "A::B");
    EXPECT_EQ(pattern.tag_kind, TagKind::User);
    EXPECT_TRUE(pattern.has_parens);
}

TEST(ParserTest, TestStatements) {
    EXPECT_EQ(tree("test \"adds\" { }\ntest_setup { }\ntest_teardown { }\ntest_group \"g\" {\n test \"a\" { }\n"
                   " test_group \"inner\" { test \"b\" {} }\n}"),
              "(Test test \"adds\" (Function <lambda> (Block))) | (Test setup (Function <lambda> (Block))) | (Test "
              "teardown (Function <lambda> (Block))) | (Test group \"g\" (Test test \"a\" (Function <lambda> (Block))) "
              "(Test group \"inner\" (Test test \"b\" (Function <lambda> (Block)))))");
}

// ---------------------------------------------------------------------------------------------
// Statement boundaries (GRAMMAR.md §2)

TEST(ParserTest, LineEndingInAnOperatorContinues) {
    EXPECT_EQ(tree("x := 1 +\n  2 *\n  3"), "(Assign := (Identifier x) (Binary + (Literal 1) (Binary * (Literal 2) (Literal 3))))");
    EXPECT_EQ(tree("s := \"a\" +\n\n  # comment\n  \"b\""),
              "(Assign := (Identifier s) (Binary + (Literal \"a\") (Literal \"b\")))");
    EXPECT_EQ(tree("x :=\n 5\ny =\n 6"), "(Assign := (Identifier x) (Literal 5)) | (Assign := (Identifier y) (Literal 6))");
    EXPECT_EQ(tree("let\n  z := 8"), "(Let let (Bind z) (Literal 8))");
    EXPECT_EQ(tree("if\n  z > 1 { }"), "(If (Binary > (Identifier z) (Literal 1)) (Block))");
    EXPECT_EQ(tree("f(a,\n b)"), "(ExprStmt (Call (Identifier f) (Identifier a) (Identifier b)))");
    EXPECT_EQ(tree("x := p.\n  v"), "(Assign := (Identifier x) (Field .v (Identifier p)))");
    EXPECT_EQ(tree("x := -\n 1"), "(Assign := (Identifier x) (Literal -1))");
}

TEST(ParserTest, LineStartingWithAContinuationTokenContinues) {
    EXPECT_EQ(tree("v := b\n  .inner\n\n  // comment\n  .f()\n  ?.g"),
              "(Assign := (Identifier v) (Field ?.g (MethodCall f (Field .inner (Identifier b)))))");
    EXPECT_EQ(tree("a := t\n && f\n || g\n ?? h\n |> k"),
              "(Assign := (Identifier a) (Logical |> (Logical ?? (Logical || (Logical && (Identifier t) (Identifier f)) "
              "(Identifier g)) (Identifier h)) (Identifier k)))");
    EXPECT_EQ(tree("if a {\n}\n\n# comment\nelse {\n}"), "(If (Identifier a) (Block) (Block))");
    EXPECT_EQ(tree("try {\n}\nexcept e {\n}"), "(Try e (Block) (Block))");
}

TEST(ParserTest, LineStartingWithAnythingElseBeginsAStatement) {
    EXPECT_EQ(tree("g := f\n(3)"), "(Assign := (Identifier g) (Identifier f)) | (ExprStmt (Literal 3))");
    EXPECT_EQ(tree("a := b\n[0]"), "(Assign := (Identifier a) (Identifier b)) | (ExprStmt (Array (Literal 0)))");
    EXPECT_EQ(tree("x := 5\n- 3"), "(Assign := (Identifier x) (Literal 5)) | (ExprStmt (Literal -3))");
    EXPECT_EQ(tree("x := a\n{}"), "(Assign := (Identifier x) (Identifier a)) | (ExprStmt (Dict))")
        << "the { of a struct literal must be on the name's line";
    EXPECT_EQ(tree("x := E::V\n(1)"), "(Assign := (Identifier x) (Tag E::V)) | (ExprStmt (Literal 1))");
}

TEST(ParserTest, InsideBracketsLineBreaksAreSkipped) {
    EXPECT_EQ(tree("ys := [\n  twice\n  (4),\n  [10, 20]\n  [1]\n]"),
              "(Assign := (Identifier ys) (Array (Call (Identifier twice) (Literal 4)) (Index (Array (Literal 10) "
              "(Literal 20)) (Literal 1))))");
    EXPECT_EQ(tree("d := {\n \"a\":\n 1,\n\n \"b\": 2\n}"),
              "(Assign := (Identifier d) (Dict (Entry (Literal \"a\") (Literal 1)) (Entry (Literal \"b\") (Literal 2))))");
    EXPECT_EQ(tree("print((1\n + 2\n * 3))"),
              "(ExprStmt (Call (Identifier print) (Binary + (Literal 1) (Binary * (Literal 2) (Literal 3)))))");
    EXPECT_EQ(tree("p := P {\n x: 1,\n y: 2\n}"),
              "(Assign := (Identifier p) (StructLit (Identifier P) (FieldInit x (Literal 1)) (FieldInit y (Literal 2))))");
    EXPECT_EQ(tree("x := [P\n{ a: 1 }]"), "(Assign := (Identifier x) (Array (StructLit (Identifier P) (FieldInit a (Literal 1)))))");
}

TEST(ParserTest, LambdaBodyInsideBracketsIsAStatementListAgain) {
    EXPECT_EQ(tree("r := apply(func(n) {\n  m := n * 2\n  return m\n}, 5)"),
              "(Assign := (Identifier r) (Call (Identifier apply) (Lambda (Function <lambda> (Param n) (Block (Assign := "
              "(Identifier m) (Binary * (Identifier n) (Literal 2))) (Return (Identifier m))))) (Literal 5)))");
    EXPECT_EQ(error("r := f(func() {\n  a := 1 b := 2\n})"), "2:10: expected end of statement, found identifier 'b'");
}

TEST(ParserTest, ReturnTakesAValueOnlyOnItsOwnLine) {
    EXPECT_EQ(tree("func f() {\n  return\n  print(1)\n}"),
              "(FuncDecl (Function f (Block (Return) (ExprStmt (Call (Identifier print) (Literal 1))))))");
    EXPECT_EQ(tree("func f() { return }"), "(FuncDecl (Function f (Block (Return))))");
    EXPECT_EQ(tree("func f(a, b) { return a + b }"),
              "(FuncDecl (Function f (Param a) (Param b) (Block (Return (Binary + (Identifier a) (Identifier b))))))");
}

TEST(ParserTest, AllmanBracesAreAccepted) {
    EXPECT_EQ(tree("func f(n)\n{\n}\nstruct P\n{\n x\n}\nenum C\n{\n R\n}\nif x == 1\n{\n}\nelse\n{\n}\n"
                   "while x\n{\n}\nfor i in xs\n{\n}\nmatch x\n{\n case 3\n {\n }\n}\ntry\n{\n}\nexcept e\n{\n}\n"
                   "test \"t\"\n{\n}\nloop\n{\n}\nspawn\n{\n}"),
              "(FuncDecl (Function f (Param n) (Block))) | (StructDecl P (FieldDecl x)) | (EnumDecl C (Variant R 0)) | "
              "(If (Binary == (Identifier x) (Literal 1)) (Block) (Block)) | (While (Identifier x) (Block)) | (For (Bind "
              "i) (Identifier xs) (Block)) | (Match (Identifier x) (Case (LiteralPattern 3) (Block))) | (Try e (Block) "
              "(Block)) | (Test test \"t\" (Function <lambda> (Block))) | (While (Nothing) (Block)) | (Spawn (Function "
              "<lambda> (Block)))");
}

TEST(ParserTest, StatementsOnOneLineNeedSemicolonsExceptAfterCompoundOnes) {
    EXPECT_EQ(error("x := 1 print(x)"), "1:8: expected end of statement, found identifier 'print'");
    EXPECT_EQ(tree("a := 1; b := 2;"), "(Assign := (Identifier a) (Literal 1)) | (Assign := (Identifier b) (Literal 2))");
    EXPECT_EQ(tree("if true { print(1) } print(2)"),
              "(If (Literal true) (Block (ExprStmt (Call (Identifier print) (Literal 1))))) | (ExprStmt (Call (Identifier "
              "print) (Literal 2)))");
    EXPECT_EQ(tree("func add(a, b) { return a + b } print(1)").substr(0, 9), "(FuncDecl");
    EXPECT_EQ(tree("for i in [7] { } while false { } print(\"end\")").find("error"), std::string::npos);
    EXPECT_EQ(error("f := func() {} print(1)"), "1:16: expected end of statement, found identifier 'print'")
        << "a lambda is an expression, not a compound statement";
    EXPECT_EQ(error("print(1) /* a\nb */ print(2)"), "2:6: expected end of statement, found identifier 'print'");
    EXPECT_EQ(tree("while false { ;; }\nfunc f() { ; return 1; ; }"),
              "(While (Literal false) (Block)) | (FuncDecl (Function f (Block (Return (Literal 1)))))");
    EXPECT_EQ(tree("struct P { x; y; }"), "(StructDecl P (FieldDecl x) (FieldDecl y))");
}

// ---------------------------------------------------------------------------------------------
// Struct literal versus block (GRAMMAR.md §3.4)

TEST(ParserTest, NameBraceOpensTheBlockInAHead) {
    EXPECT_EQ(tree("if flag {}"), "(If (Identifier flag) (Block))");
    EXPECT_EQ(tree("while running {}"), "(While (Identifier running) (Block))");
    EXPECT_EQ(tree("loop while running {}"), "(While (Identifier running) (Block))");
    EXPECT_EQ(tree("for x in items {}"), "(For (Bind x) (Identifier items) (Block))");
    EXPECT_EQ(tree("match kind {}"), "(Match (Identifier kind))");
    EXPECT_EQ(tree("if m.flag {}"), "(If (Field .flag (Identifier m)) (Block))");
    EXPECT_EQ(tree("if a == b { x := P {} }"),
              "(If (Binary == (Identifier a) (Identifier b)) (Block (Assign := (Identifier x) (StructLit (Identifier P)))))");
}

TEST(ParserTest, StructLiteralsInsideBracketsOfAHead) {
    EXPECT_EQ(tree("if p == (Point { x: 1 }) {}"),
              "(If (Binary == (Identifier p) (StructLit (Identifier Point) (FieldInit x (Literal 1)))) (Block))");
    EXPECT_EQ(tree("for q in [P {}] {}"), "(For (Bind q) (Array (StructLit (Identifier P))) (Block))");
    EXPECT_EQ(tree("while f(P { a: 1 }) {}"),
              "(While (Call (Identifier f) (StructLit (Identifier P) (FieldInit a (Literal 1)))) (Block))");
    EXPECT_EQ(tree("if g(func() { return P {} }) {}"),
              "(If (Call (Identifier g) (Lambda (Function <lambda> (Block (Return (StructLit (Identifier P))))))) (Block))");
}

TEST(ParserTest, NameBraceIsAStructLiteralElsewhere) {
    EXPECT_EQ(tree("e := Empty {}"), "(Assign := (Identifier e) (StructLit (Identifier Empty)))");
    EXPECT_EQ(tree("v := geo.Point { x: 1, y: 2, }"),
              "(Assign := (Identifier v) (StructLit (Field .Point (Identifier geo)) (FieldInit x (Literal 1)) (FieldInit y "
              "(Literal 2))))");
    EXPECT_EQ(tree("return P { x: 1 }"), "(Return (StructLit (Identifier P) (FieldInit x (Literal 1))))");
    EXPECT_EQ(tree("b := Box { inner: Box { inner: 7 } }"),
              "(Assign := (Identifier b) (StructLit (Identifier Box) (FieldInit inner (StructLit (Identifier Box) "
              "(FieldInit inner (Literal 7))))))");
    auto p = parse("p := P { x: 1,\n  y: 2 }");
    ASSERT_TRUE(p->program);
    auto const& literal = as<StructLit>(*as<AssignStmt>(*p->program->main->body->stmts[0]).value);
    ASSERT_EQ(literal.field_pos.size(), 2u);
    EXPECT_EQ(literal.field_pos[1].line, 2u);
    EXPECT_EQ(literal.field_pos[1].col, 3u);
}

// ---------------------------------------------------------------------------------------------
// Static checks (GRAMMAR.md §6)

TEST(ParserTest, BreakAndContinueNeedALoopInTheSameFunction) {
    EXPECT_EQ(error("if false {\n    break\n}"), "2:5: 'break' outside loop");
    EXPECT_EQ(error("if true { continue }"), "1:11: 'continue' outside loop");
    EXPECT_EQ(error("while true {\n    func f() {\n        break\n    }\n}"), "3:9: 'break' outside loop");
    EXPECT_EQ(error("for i in [1] {\n    g := func() { continue }\n}"), "2:19: 'continue' outside loop");
    EXPECT_EQ(error("while true { spawn { break } }"), "1:22: 'break' outside loop");
    EXPECT_EQ(error("loop { test \"t\" { break } }"), "1:8: 'test' only allowed at top level");
    EXPECT_EQ(error("test \"t\" { break }"), "1:12: 'break' outside loop");
    EXPECT_EQ(error("while true { if x { break } else { continue } }"), "ok");
    EXPECT_EQ(error("for x in xs { match x { default { break } } }"), "ok");
}

TEST(ParserTest, YieldNeedsAGenerator) {
    EXPECT_EQ(error("func f() {\n    yield 1\n}"), "2:5: 'yield' outside generator");
    EXPECT_EQ(error("yield 1"), "1:1: 'yield' outside generator");
    EXPECT_EQ(error("func* g() { f := func() { yield 1 } }"), "1:27: 'yield' outside generator");
    EXPECT_EQ(error("func* g() { spawn { yield 1 } }"), "1:21: 'yield' outside generator");
    EXPECT_EQ(error("func* g() { if x { yield } }"), "ok");
    EXPECT_EQ(error("struct S { func* each(self) { yield 1 } }"), "ok");
}

TEST(ParserTest, ExportAndTestsOnlyAtTopLevel) {
    EXPECT_EQ(error("if true {\n    export x := 1\n}"), "2:5: 'export' only allowed at top level");
    EXPECT_EQ(error("func f() {\n    test \"t\" {\n    }\n}"), "2:5: 'test' only allowed at top level");
    EXPECT_EQ(error("func f() {\n    test_group \"g\" {\n    }\n}"), "2:5: 'test_group' only allowed at top level");
    EXPECT_EQ(error("while false {\n    test_setup {\n    }\n}"), "2:5: 'test_setup' only allowed at top level");
    EXPECT_EQ(error("if true {\n    test_teardown {\n    }\n}"), "2:5: 'test_teardown' only allowed at top level");
    EXPECT_EQ(error("test_group \"g\" { test \"t\" { test \"u\" {} } }"), "1:29: 'test' only allowed at top level");
    EXPECT_EQ(error("test_group \"g\" { export x := 1 }"), "1:18: expected 'test', found 'export'");
}

TEST(ParserTest, ParameterChecks) {
    EXPECT_EQ(error("func f(a, b, a) {\n}"), "1:14: duplicate parameter 'a'");
    EXPECT_EQ(error("g := func(x, x) {\n}"), "1:14: duplicate parameter 'x'");
    EXPECT_EQ(error("func f(a := 1, b) {\n}"), "1:16: parameter 'b' needs a default value");
    EXPECT_EQ(error("func f(self) {}"), "1:8: expected identifier, found 'self'");
    EXPECT_EQ(error("struct S { func m(a, self) {} }"), "1:22: expected identifier, found 'self'");
    EXPECT_EQ(error("func f(None) {}"), "1:8: expected identifier, found 'None'");
    EXPECT_EQ(error("func f(a = 1, b := 2,) {}"), "ok");
}

TEST(ParserTest, DuplicateFields) {
    EXPECT_EQ(error("struct P { x, y, x }"), "1:18: duplicate field 'x'");
    EXPECT_EQ(error("struct P { x }\np := P { x: 1, x: 2 }"), "2:16: duplicate field 'x'");
}

TEST(ParserTest, MatchChecks) {
    EXPECT_EQ(error("match 1 {\n    default {\n    }\n    default {\n    }\n}"), "4:5: duplicate 'default' arm");
    EXPECT_EQ(error("match Some(1) {\n    case Some(a) | None {\n    }\n}"), "2:20: alternatives must bind the same names");
    EXPECT_EQ(error("match v {\n    case A::B(x, y) | A::C(y, x) {}\n}"), "ok");
    EXPECT_EQ(error("match v {\n    case A::B(x) | A::C(y) {}\n}"), "2:20: alternatives must bind the same names");
}

TEST(ParserTest, RestPatternMustBeLast) {
    EXPECT_EQ(error("let [...r, a] := [1, 2]"), "1:6: rest pattern must be last");
    EXPECT_EQ(error("{...r, a} := d"), "1:2: rest pattern must be last");
    EXPECT_EQ(error("[a, ...r,] := v"), "ok");
}

// ---------------------------------------------------------------------------------------------
// Error messages (GRAMMAR.md §7)

TEST(ParserTest, ExpectedExpression) {
    EXPECT_EQ(error("total := 0\nfor i in [1, 2] {\n    total := total +* i\n}"), "3:21: expected expression, found '*'");
    EXPECT_EQ(error("print(1,, 2)"), "1:9: expected expression, found ','");
    EXPECT_EQ(error("x := 1 +"), "1:9: expected expression, found end of file");
    EXPECT_EQ(error("print(2 ** 3)"), "1:10: expected expression, found '*'");
    EXPECT_EQ(error("x => 1"), "1:4: expected expression, found '>'");
    EXPECT_EQ(error("x := .5"), "1:6: expected expression, found '.'");
    EXPECT_EQ(error("print(])"), "1:7: expected expression, found ']'");
    EXPECT_EQ(error("y := x +\n    )"), "2:5: expected expression, found ')'");
    EXPECT_EQ(error("x := \"${}\""), "1:9: expected expression, found '}'");
    EXPECT_EQ(error("x := a..b"), "1:8: expected identifier, found '.'");
    EXPECT_EQ(error("}"), "1:1: expected expression, found '}'");
    EXPECT_EQ(error("x := impl"), "1:6: expected expression, found 'impl'");
}

TEST(ParserTest, ExpectedIdentifier) {
    EXPECT_EQ(error("const 5 := 1"), "1:7: expected identifier, found integer literal");
    EXPECT_EQ(error("const 1.5 := 1"), "1:7: expected identifier, found float literal");
    EXPECT_EQ(error("const \"a\" := 1"), "1:7: expected identifier, found string literal");
    EXPECT_EQ(error("const in := 1"), "1:7: expected identifier, found 'in'");
    EXPECT_EQ(error("const throw := 1"), "1:7: expected identifier, found 'throw'");
    EXPECT_EQ(error("let None := 1"), "1:5: expected identifier, found 'None'");
    EXPECT_EQ(error("func Ok() {}"), "1:6: expected identifier, found 'Ok'");
    EXPECT_EQ(error("x := o.test"), "1:8: expected identifier, found 'test'");
    EXPECT_EQ(error("import"), "1:7: expected identifier, found end of file");
}

TEST(ParserTest, ExpectedOtherThings) {
    EXPECT_EQ(error("x := 2\nif x > 1 print(x)"), "2:10: expected '{', found identifier 'print'");
    EXPECT_EQ(error("print(1"), "1:8: expected ')', found end of file");
    EXPECT_EQ(error("print(1)\nx := [1, 2\n\n   \n"), "2:11: expected ']', found end of file");
    EXPECT_EQ(error("export 5"), "1:8: expected declaration, found integer literal");
    EXPECT_EQ(error("for x of [1] {\n}"), "1:7: expected 'in', found identifier 'of'");
    EXPECT_EQ(error("match 1 {\n    case + {\n    }\n}"), "2:10: expected pattern, found '+'");
    EXPECT_EQ(error("match 1 { 1 }"), "1:11: expected 'case', found integer literal");
    EXPECT_EQ(error("test 5 {\n}"), "1:6: expected string literal, found integer literal");
    EXPECT_EQ(error("let x: 5 := 1"), "1:8: expected type, found integer literal");
    EXPECT_EQ(error("let x 5"), "1:7: expected ':=', found integer literal");
    EXPECT_EQ(error("func f\n() {}"), "1:7: expected '(', found newline");
    EXPECT_EQ(error("func f\r\n() {}"), "1:7: expected '(', found newline");
    EXPECT_EQ(error("try { } catch e { }"), "1:9: expected 'except', found identifier 'catch'");
    EXPECT_EQ(error("struct P { x y }"), "1:14: expected '}', found identifier 'y'");
    EXPECT_EQ(error("if x { "), "1:7: expected '}', found end of file");
    EXPECT_EQ(error("x := \"${1 2}\""), "1:11: expected '}', found integer literal");
    EXPECT_EQ(error("x := P { x }"), "1:12: expected ':', found '}'");
}

TEST(ParserTest, LexicalErrorsSurfaceInTokenOrder) {
    EXPECT_EQ(error("x := 5 @ 3"), "1:8: unexpected character '@'");
    EXPECT_EQ(error("print('hi')"), "1:7: unexpected character ''' (strings use double quotes)");
    EXPECT_EQ(error("print(\"a\\qb\")"), "1:9: invalid escape sequence '\\q'");
    EXPECT_EQ(error("print(\"ok\")\ns := \"abc"), "2:6: unterminated string");
    EXPECT_EQ(error("x := 1 /* never closed"), "1:8: unterminated block comment");
    EXPECT_EQ(error("x := 12ab"), "1:6: invalid number literal '12ab'");
    EXPECT_EQ(error("x := * 1\ny := @"), "1:6: expected expression, found '*'") << "the first error wins";
    EXPECT_EQ(error("x := @\ny := * 1"), "1:6: unexpected character '@'");
    EXPECT_EQ(error("print(\"a\")\nx := \"\xFF\""), "2:7: invalid UTF-8 in source");
}

// ---------------------------------------------------------------------------------------------
// Nesting (GRAMMAR.md §6): never a native stack overflow.

TEST(ParserTest, LongOperatorChainsCountAsNesting) {
    auto chain = [](int operands) {
        std::string text = "x := 1";
        for (int i = 1; i < operands; ++i) text += " + 1";
        return text;
    };
    EXPECT_EQ(error(chain(998)), "ok") << "block, assignment, 997 operators and a literal: 1000 levels";
    std::string too_deep = error(chain(1001));
    EXPECT_NE(too_deep.find("nesting too deep (limit 1000)"), std::string::npos) << too_deep;
}

TEST(ParserTest, HundredThousandLevelsAreReportedNotOverflowed) {
    auto repeat = [](std::string_view piece, int n) {
        std::string out;
        for (int i = 0; i < n; ++i) out += piece;
        return out;
    };
    const int n = 100'000;
    std::string inputs[] = {
        "x := " + repeat("(", n) + "1" + repeat(")", n),
        "x := " + repeat("[", n) + repeat("]", n),
        "x := " + repeat("{\"k\": ", n) + "1" + repeat("}", n),
        "s := " + repeat("\"${", n) + "1" + repeat("}\"", n),
        "f := " + repeat("func() { return ", n) + "1" + repeat(" }", n),
        "x := " + repeat("- ", n / 2) + repeat("! ", n / 2) + "1",
        "print(" + repeat("(", n) + "\n",
        repeat("if true {\n", n) + "print(1)\n" + repeat("}\n", n),
        "x := a" + repeat(".b", n),
        "x := f" + repeat("()", n),
        "x := " + repeat("await ", n) + "1",
        "x := " + repeat("throw ", n) + "1",
        "[" + repeat("[", n) + "a" + repeat("]", n + 1) + " := v",
        "match x { case " + repeat("Some(", n) + "1" + repeat(")", n) + " {} }",
        "let x: " + repeat("A<", n) + "int" + repeat(">", n) + " := 1",
        "if a {} " + repeat("else if a {} ", n),
    };
    for (auto const& input : inputs) {
        std::string result = error(input);
        EXPECT_NE(result.find("nesting too deep (limit 1000)"), std::string::npos) << input.substr(0, 40) << ": " << result;
    }
}

TEST(ParserTest, DeepParenthesesErrorIsAtTheParenthesisThatPassesTheLimit) {
    std::string text = "x := " + std::string(2000, '(') + "1" + std::string(2000, ')');
    EXPECT_EQ(error(text), "1:1004: nesting too deep (limit 1000)") << "block 1, statement 2, parentheses 3..";
}

TEST(ParserTest, WideInputIsNotDeep) {
    std::string text = "a := [";
    for (int i = 0; i < 200'000; ++i) text += i ? ", 7" : "7";
    text += "]\n";
    for (int i = 0; i < 20'000; ++i) text += "x += 1\n";
    auto p = parse(text);
    ASSERT_TRUE(p->program) << error_text(*p);
    EXPECT_EQ(p->program->main->body->stmts.size(), 20'001u);
}

// ---------------------------------------------------------------------------------------------
// The error block (OUTPUT.md §2.2)

TEST(ParserTest, FormatsTheErrorBlock) {
    auto p = parse("total := 0\n    total := total +* i\n");
    ASSERT_FALSE(p->program);
    EXPECT_EQ(format_syntax_error(p->error),
              "test.ruff:2:21: error: expected expression, found '*'\n"
              "    total := total +* i\n"
              "                    ^\n");
}

TEST(ParserTest, CaretLineKeepsTabs) {
    auto p = parse("\tx :=\t@");
    ASSERT_FALSE(p->program);
    EXPECT_EQ(format_syntax_error(p->error), "test.ruff:1:7: error: unexpected character '@'\n\tx :=\t@\n\t    \t^\n");
}

TEST(ParserTest, CaretCountsCharactersNotBytes) {
    auto p = parse("x := \"é€\" @");
    ASSERT_FALSE(p->program);
    EXPECT_EQ(format_syntax_error(p->error), "test.ruff:1:11: error: unexpected character '@'\nx := \"é€\" @\n          ^\n");
}

TEST(ParserTest, InvalidUtf8IsShownAsReplacementCharacter) {
    auto p = parse("print(1)\n# caf\xE9\n");
    ASSERT_FALSE(p->program);
    EXPECT_EQ(format_syntax_error(p->error), "test.ruff:2:6: error: invalid UTF-8 in source\n# caf\xEF\xBF\xBD\n     ^\n");
}

TEST(ParserTest, ErrorAtEndOfLineAndByteOrderMark) {
    auto eof = parse("x := 1 +\n\n");
    ASSERT_FALSE(eof->program);
    EXPECT_EQ(format_syntax_error(eof->error), "test.ruff:1:9: error: expected expression, found end of file\nx := 1 +\n        ^\n");
    auto bom = parse("\xEF\xBB\xBFx := @");
    ASSERT_FALSE(bom->program);
    EXPECT_EQ(format_syntax_error(bom->error), "test.ruff:1:6: error: unexpected character '@'\nx := @\n     ^\n");
}

TEST(ParserTest, DumpIsIndentedWithPositions) {
    auto p = parse("x := f(1)\n");
    ASSERT_TRUE(p->program);
    EXPECT_EQ(dump_ast(*p->program),
              "(Block 1:1\n"
              "  (Assign 1:1 :=\n"
              "    (Identifier 1:1 x)\n"
              "    (Call 1:6\n"
              "      (Identifier 1:6 f)\n"
              "      (Literal 1:8 1))))\n");
}
