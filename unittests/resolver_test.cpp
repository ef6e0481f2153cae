// Unit tests for the resolver: where each name lives (locals, cells, captures, globals,
// implicit self, built-ins) and which reads are moves.
#include <gtest/gtest.h>

#include "compiler/parser.h"
#include "compiler/resolver.h"

using namespace ruff;
using namespace ruff::ast;

namespace {

struct Resolved {
    std::unique_ptr<SourceFile> file;
    std::unique_ptr<Program> program;
};

Resolved resolve(std::string const& text) {
    Resolved r;
    r.file = std::make_unique<SourceFile>("test.ruff", text);
    SyntaxError error;
    r.program = parse_program(r.file.get(), error);
    EXPECT_TRUE(r.program) << error.message;
    if (r.program) EXPECT_TRUE(resolve_program(*r.program, [](std::string const& n) { return n == "print" || n == "push"; }, error));
    return r;
}

Stmt const& top(Resolved const& r, size_t i) { return *r.program->main->body->stmts.at(i); }

FunctionNode const& function_at(Resolved const& r, size_t i) { return *as<FuncDeclStmt>(top(r, i)).fn; }

Identifier const& returned_identifier(FunctionNode const& fn, size_t stmt) {
    return as<Identifier>(*as<ReturnStmt>(*fn.body->stmts.at(stmt)).value);
}

}  // namespace

TEST(ResolverTest, TopLevelAssignmentsAreGlobalsForTheWholeFile) {
    auto r = resolve("func bump() { count := count + 1 }\ncount := 0\n");
    auto const& fn = function_at(r, 0);
    auto const& assign = as<AssignStmt>(*fn.body->stmts[0]);
    EXPECT_EQ(as<Identifier>(*assign.target).ref.kind, VarKind::Global)
        << "a function defined above `count := 0` still updates the global";
}

TEST(ResolverTest, FreshLocalsGetSlotsAndBuiltinsResolve) {
    auto r = resolve("func f(a) {\n x := a\n print(x)\n return x\n}\n");
    auto const& fn = function_at(r, 0);
    EXPECT_EQ(fn.frame_size, 2u);
    EXPECT_EQ(returned_identifier(fn, 2).ref.kind, VarKind::Local);
    auto const& call = as<Call>(*as<ExprStmt>(*fn.body->stmts[1]).expr);
    EXPECT_EQ(as<Identifier>(*call.callee).ref.kind, VarKind::Builtin);
}

TEST(ResolverTest, CapturedVariablesLiveInCells) {
    auto r = resolve("func make() {\n n := 0\n return func() { n := n + 1\n return n }\n}\n");
    auto const& outer = function_at(r, 0);
    ASSERT_EQ(outer.cell_slots.size(), 1u) << "n is captured, so it must be a cell made at entry";
    auto const& lambda = *as<Lambda>(*as<ReturnStmt>(*outer.body->stmts[1]).value).fn;
    ASSERT_EQ(lambda.captures.size(), 1u);
    EXPECT_FALSE(lambda.captures[0].from_parent_capture);
    EXPECT_EQ(returned_identifier(lambda, 1).ref.kind, VarKind::Capture);
}

TEST(ResolverTest, RecursiveLambdaCapturesItsOwnVariable) {
    auto r = resolve("func f() {\n fact := func(n) { return fact(n) }\n return fact\n}\n");
    auto const& outer = function_at(r, 0);
    EXPECT_EQ(returned_identifier(outer, 1).ref.kind, VarKind::LocalCell);
}

TEST(ResolverTest, ImplicitSelfMeansDeclaredFieldsOnly) {
    auto r = resolve("struct P {\n x: int\n func get() { return x }\n func other() { return y }\n}\n");
    auto const& decl = as<StructDeclStmt>(top(r, 0));
    EXPECT_EQ(returned_identifier(*decl.methods[0], 0).ref.kind, VarKind::SelfField);
    EXPECT_EQ(returned_identifier(*decl.methods[1], 0).ref.kind, VarKind::Undefined);
}

TEST(ResolverTest, AppendInALoopMovesTheVariable) {
    auto r = resolve("func f() {\n a := []\n a := push(a, 1)\n s := \"\"\n s := s + \"x\"\n return a\n}\n");
    auto const& fn = function_at(r, 0);
    auto const& push_call = as<Call>(*as<AssignStmt>(*fn.body->stmts[1]).value);
    EXPECT_TRUE(as<Identifier>(*push_call.args[0]).is_move) << "a := push(a, x) must not copy a";
    auto const& concat = as<Binary>(*as<AssignStmt>(*fn.body->stmts[3]).value);
    EXPECT_TRUE(as<Identifier>(*concat.lhs).is_move) << "s := s + t must append in place";
}

TEST(ResolverTest, NoMoveWhenTheVariableIsReadTwice) {
    auto r = resolve("func f() {\n a := []\n a := push(a, a)\n return a\n}\n");
    auto const& call = as<Call>(*as<AssignStmt>(*function_at(r, 0).body->stmts[1]).value);
    EXPECT_FALSE(as<Identifier>(*call.args[0]).is_move);
}

TEST(ResolverTest, ForVariableIsNotAGlobal) {
    auto r = resolve("for i in [1] { print(i) }\n");
    EXPECT_TRUE(r.program->globals.empty()) << "a top-level for variable is bound by the loop, not global";
}
