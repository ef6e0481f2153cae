// The Ruff syntax tree. Nodes are plain data built by the parser and annotated by the resolver
// (slots, captures, implicit self); the interpreter walks them and records type feedback and
// counters in them for the JIT tier (JIT_DESIGN.md §2.3-2.4). Each node has one anchor position
// (GRAMMAR.md §5) used by diagnostics and tracebacks.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "runtime/objects.h"
#include "runtime/ops.h"
#include "runtime/source.h"

namespace ruff::ast {

enum class NodeKind : uint8_t {
#define RUFF_NODE(name) name,
#include "compiler/ast_nodes.def"
#undef RUFF_NODE
};

// Relaxed-atomic bitmask of what a node has seen (JIT_DESIGN.md §2.4).
struct TypeFeedback {
    std::atomic<uint8_t> seen{0};
    [[gnu::always_inline]] void record(uint8_t bit) {
        if (!(seen.load(std::memory_order_relaxed) & bit)) seen.fetch_or(bit, std::memory_order_relaxed);
    }
};
enum FeedbackBit : uint8_t { FB_INT_INT = 1, FB_FLOAT_FLOAT = 2, FB_INT_FLOAT = 4, FB_STR_STR = 8, FB_OTHER = 16 };

struct Node {
    NodeKind kind;
    SourcePos pos;
    Node(NodeKind k, SourcePos p) : kind(k), pos(p) {}
    virtual ~Node() = default;
};
struct Expr : Node { using Node::Node; };
struct Stmt : Node { using Node::Node; };
using ExprPtr = std::unique_ptr<Expr>;
using StmtPtr = std::unique_ptr<Stmt>;

template <class T>
T& as(Node& n) { return static_cast<T&>(n); }
template <class T>
T const& as(Node const& n) { return static_cast<T const&>(n); }

// ---------------------------------------------------------------------------------------------
// Where a name lives, decided by the resolver.
enum class VarKind : uint8_t {
    Unresolved,  // Not yet resolved (parser output).
    Local,       // frame slot holds the value
    LocalCell,   // frame slot holds a Cell (the variable is captured by an inner function)
    Capture,     // closure capture index (a Cell)
    Global,      // module global slot
    Builtin,     // a built-in, looked up once by name
    SelfField,   // implicit self: field `index` of slot 0
    Undefined    // raises NameError when executed
};

struct VarRef {
    VarKind kind = VarKind::Unresolved;
    uint32_t index = 0;
    bool is_const = false;  // Assigning raises "cannot assign to constant".
};

// ---------------------------------------------------------------------------------------------
// Expressions

struct Literal final : Expr {  // Int, Float, String, Bool, null.
    Value value;  // Heap literals are immortal so that tasks share them without counting.
    Literal(SourcePos p, Value v) : Expr(NodeKind::Literal, p), value(std::move(v)) {}
    // A program that ran is never destroyed (its literals may still be referenced); one that is
    // destroyed (a syntax error, a unit test) owns its literals alone, so they are freed.
    ~Literal() override {
        if (value.is_heap() && value.obj()->rc.load(std::memory_order_relaxed) == 0) value.obj()->rc.store(1);
    }
};

struct Interpolation final : Expr {  // "a ${b} c": parts are String literals or expressions.
    std::vector<ExprPtr> parts;
    explicit Interpolation(SourcePos p) : Expr(NodeKind::Interpolation, p) {}
};

struct Identifier final : Expr {
    std::string name;
    VarRef ref;
    bool is_move = false;  // Last use in `x := f(x)` / `x := x op e`: take the value out of the slot.
    mutable TypeFeedback feedback;
    Identifier(SourcePos p, std::string n) : Expr(NodeKind::Identifier, p), name(std::move(n)) {}
};

enum class UnaryOp : uint8_t { Neg, Not, Await };
struct Unary final : Expr {
    UnaryOp op;
    ExprPtr operand;
    Unary(SourcePos p, UnaryOp o, ExprPtr e) : Expr(NodeKind::Unary, p), op(o), operand(std::move(e)) {}
};

struct Binary final : Expr {
    BinOp op;
    ExprPtr lhs, rhs;
    mutable TypeFeedback feedback;
    // 0: not yet known; 1: both operands are pure arithmetic over literals and plain locals, so
    // the interpreter may evaluate them as machine ints without materialising values; 2: not.
    mutable std::atomic<uint8_t> pure_operands{0};
    Binary(SourcePos p, BinOp o, ExprPtr l, ExprPtr r)
        : Expr(NodeKind::Binary, p), op(o), lhs(std::move(l)), rhs(std::move(r)) {}
};

enum class LogicalOp : uint8_t { And, Or, Coalesce, Pipe };
struct Logical final : Expr {
    LogicalOp op;
    ExprPtr lhs, rhs;
    Logical(SourcePos p, LogicalOp o, ExprPtr l, ExprPtr r)
        : Expr(NodeKind::Logical, p), op(o), lhs(std::move(l)), rhs(std::move(r)) {}
};

struct Call final : Expr {  // callee(args)
    ExprPtr callee;
    std::vector<ExprPtr> args;
    mutable std::atomic<uint32_t> count{0};
    // Inline cache of the interpreter: the function a frozen global callee held when last called
    // directly; valid while the global's slot still holds it.
    mutable std::atomic<Function*> target{nullptr};
    Call(SourcePos p, ExprPtr c) : Expr(NodeKind::Call, p), callee(std::move(c)) {}
};

struct MethodCall final : Expr {  // object.name(args); pos is the method name
    ExprPtr object;
    std::string name;
    std::vector<ExprPtr> args;
    MethodCall(SourcePos p, ExprPtr o, std::string n)
        : Expr(NodeKind::MethodCall, p), object(std::move(o)), name(std::move(n)) {}
};

struct Index final : Expr {  // object[index]; pos is the '['
    ExprPtr object, index;
    mutable TypeFeedback feedback;
    Index(SourcePos p, ExprPtr o, ExprPtr i) : Expr(NodeKind::Index, p), object(std::move(o)), index(std::move(i)) {}
};

struct Field final : Expr {  // object.name or object?.name; pos is the field name
    ExprPtr object;
    std::string name;
    bool optional = false;  // ?.
    Field(SourcePos p, ExprPtr o, std::string n, bool opt)
        : Expr(NodeKind::Field, p), object(std::move(o)), name(std::move(n)), optional(opt) {}
};

struct TryOp final : Expr {  // postfix `?`; pos is the '?'
    ExprPtr operand;
    TryOp(SourcePos p, ExprPtr e) : Expr(NodeKind::TryOp, p), operand(std::move(e)) {}
};

struct ArrayLit final : Expr {
    std::vector<ExprPtr> elements;
    std::vector<bool> spread;  // parallel to elements: `...e`
    explicit ArrayLit(SourcePos p) : Expr(NodeKind::ArrayLit, p) {}
};

struct DictLit final : Expr {
    struct Entry {
        ExprPtr key;    // null for a spread entry
        ExprPtr value;  // the spread operand for `...e`
    };
    std::vector<Entry> entries;
    explicit DictLit(SourcePos p) : Expr(NodeKind::DictLit, p) {}
};

struct StructLit final : Expr {  // [module.]Name { f: e, ... }; pos is the first name
    ExprPtr type;  // Identifier, or Field for module.Name
    std::vector<std::pair<std::string, ExprPtr>> fields;
    std::vector<SourcePos> field_pos;
    StructLit(SourcePos p, ExprPtr t) : Expr(NodeKind::StructLit, p), type(std::move(t)) {}
};

struct TagExpr final : Expr {  // Enum::Variant or Enum::Variant(args), Ok(e), Err(e), Some(e), None
    TagKind tag_kind = TagKind::User;
    std::string enum_name, variant;
    std::string full_name;  // "Enum::Variant"
    std::vector<ExprPtr> args;
    bool has_parens = false;
    TagExpr(SourcePos p) : Expr(NodeKind::TagExpr, p) {}
};

struct FunctionNode;
struct Lambda final : Expr {  // func(params) { body }; pos is `func`
    std::unique_ptr<FunctionNode> fn;
    Lambda(SourcePos p, std::unique_ptr<FunctionNode> f);
};

struct ThrowExpr final : Expr {  // throw e; pos is the keyword
    ExprPtr value;
    ThrowExpr(SourcePos p, ExprPtr v) : Expr(NodeKind::ThrowExpr, p), value(std::move(v)) {}
};

struct YieldExpr final : Expr {  // yield [e]; pos is the keyword
    ExprPtr value;  // may be null
    YieldExpr(SourcePos p, ExprPtr v) : Expr(NodeKind::YieldExpr, p), value(std::move(v)) {}
};

// ---------------------------------------------------------------------------------------------
// Patterns: for match arms, destructuring and `for` heads.

enum class PatternKind : uint8_t { Wildcard, Bind, Literal, Tag, Array, Dict, Rest };
struct Pattern {
    PatternKind kind;
    SourcePos pos;
    std::string name;        // Bind / Rest: the variable; Tag: "Enum::Variant"
    VarRef ref;              // Bind / Rest: where the variable lives
    Value literal;           // Literal
    TagKind tag_kind = TagKind::User;
    bool has_parens = false; // Tag
    std::vector<std::unique_ptr<Pattern>> elements;  // Tag payload, Array elements, Dict names
};
using PatternPtr = std::unique_ptr<Pattern>;

// ---------------------------------------------------------------------------------------------
// Statements

struct Block final : Stmt {
    std::vector<StmtPtr> stmts;
    explicit Block(SourcePos p) : Stmt(NodeKind::Block, p) {}
};
using BlockPtr = std::unique_ptr<Block>;

struct ExprStmt final : Stmt {
    ExprPtr expr;
    ExprStmt(SourcePos p, ExprPtr e) : Stmt(NodeKind::ExprStmt, p), expr(std::move(e)) {}
};

// `let`/`mut`/`const` (is_decl) or destructuring assignment; binds every name of the pattern.
struct LetStmt final : Stmt {
    PatternPtr pattern;  // Bind for a plain name
    ExprPtr value;
    bool is_const = false;
    bool is_decl = true;  // false: `[a, b] := v` (each name follows the := rule)
    LetStmt(SourcePos p) : Stmt(NodeKind::LetStmt, p) {}
};

enum class AssignOp : uint8_t { Set, Add, Sub, Mul, Div, Mod };
struct AssignStmt final : Stmt {  // target := value, target op= value; pos is the target's anchor
    ExprPtr target;  // Identifier, Index or Field chain
    AssignOp op = AssignOp::Set;
    ExprPtr value;
    AssignStmt(SourcePos p) : Stmt(NodeKind::AssignStmt, p) {}
};

struct Param {
    std::string name;
    SourcePos pos;
    ExprPtr default_value;
    VarRef ref;
};

struct StructDeclStmt;
struct FunctionNode {
    SourcePos pos;
    std::string name;  // empty for lambdas
    std::vector<Param> params;
    BlockPtr body;
    bool is_async = false;
    bool is_generator = false;
    bool is_method = false;      // declared inside a struct: slot 0 is self
    bool has_self_param = false;
    StructDeclStmt* owner = nullptr;
    FunctionInfo info;  // name, arity, kind: filled by the resolver
    // Resolver results.
    uint32_t frame_size = 0;
    std::vector<uint32_t> cell_slots;  // function-scope locals that hold cells from entry
    struct CaptureSource {
        bool from_parent_capture;  // else from a parent local slot (which holds a cell)
        uint32_t index;
    };
    std::vector<CaptureSource> captures;
    bool simple_params = false;  // no method, no defaults, no cells: args go to slots 0..n-1
    // With simple_params, a plain (not async or generator) function and no global snapshots,
    // the parameter count: a call with that many arguments evaluates them straight into the
    // callee's slots. Else SIZE_MAX, which no call matches.
    size_t direct_arity = SIZE_MAX;
    bool is_spawn = false;       // a spawn body: sees a snapshot of the globals it names
    std::vector<std::pair<uint32_t, uint32_t>> global_snapshots;  // (local slot, global slot)
    SourceFile const* file = nullptr;
    // Counters for tiering (JIT_DESIGN.md §2.3).
    mutable std::atomic<uint32_t> calls{0};
};

struct FuncDeclStmt final : Stmt {
    std::unique_ptr<FunctionNode> fn;
    VarRef ref;  // where the name is bound
    FuncDeclStmt(SourcePos p, std::unique_ptr<FunctionNode> f) : Stmt(NodeKind::FuncDeclStmt, p), fn(std::move(f)) {}
};

struct StructDeclStmt final : Stmt {
    std::string name;
    std::vector<std::string> fields;
    std::vector<std::unique_ptr<FunctionNode>> methods;
    VarRef ref;
    StructDeclStmt(SourcePos p) : Stmt(NodeKind::StructDeclStmt, p) {}
};

struct EnumDeclStmt final : Stmt {
    std::string name;
    std::vector<std::pair<std::string, uint32_t>> variants;
    VarRef ref;
    EnumDeclStmt(SourcePos p) : Stmt(NodeKind::EnumDeclStmt, p) {}
};

struct ImportStmt final : Stmt {  // import m / from m import a, b
    std::string module;
    std::vector<std::string> names;  // empty for `import m`
    std::vector<SourcePos> name_pos;
    std::vector<VarRef> refs;        // one per bound name (the module name for `import m`)
    ImportStmt(SourcePos p) : Stmt(NodeKind::ImportStmt, p) {}
};

struct ExportStmt final : Stmt {
    StmtPtr decl;
    std::vector<std::string> names;  // the names it exports (filled by the resolver)
    ExportStmt(SourcePos p, StmtPtr d) : Stmt(NodeKind::ExportStmt, p), decl(std::move(d)) {}
};

struct IfStmt final : Stmt {
    ExprPtr cond;
    BlockPtr then_block;
    StmtPtr else_branch;  // Block, IfStmt or null
    IfStmt(SourcePos p) : Stmt(NodeKind::IfStmt, p) {}
};

struct WhileStmt final : Stmt {  // while c {} / loop {} / loop while c {}
    ExprPtr cond;  // null for a bare `loop`
    BlockPtr body;
    mutable std::atomic<uint32_t> backedges{0};
    WhileStmt(SourcePos p) : Stmt(NodeKind::WhileStmt, p) {}
};

struct ForStmt final : Stmt {
    PatternPtr pattern;  // Bind, Array or Dict
    ExprPtr iterable;
    BlockPtr body;
    mutable std::atomic<uint32_t> backedges{0};
    ForStmt(SourcePos p) : Stmt(NodeKind::ForStmt, p) {}
};

struct MatchArm {
    std::vector<PatternPtr> alternatives;  // empty for `default`
    BlockPtr body;
};
struct MatchStmt final : Stmt {
    ExprPtr subject;
    std::vector<MatchArm> arms;
    MatchStmt(SourcePos p) : Stmt(NodeKind::MatchStmt, p) {}
};

struct TryStmt final : Stmt {
    BlockPtr body;
    std::string name;
    SourcePos name_pos;
    VarRef ref;
    BlockPtr handler;
    TryStmt(SourcePos p) : Stmt(NodeKind::TryStmt, p) {}
};

struct SpawnStmt final : Stmt {  // spawn { ... }: runs like a parameterless closure
    std::unique_ptr<FunctionNode> fn;
    SpawnStmt(SourcePos p) : Stmt(NodeKind::SpawnStmt, p) {}
};

enum class TestKind : uint8_t { Test, Group, Setup, Teardown };
struct TestStmt final : Stmt {
    TestKind test_kind;
    std::string name;
    std::unique_ptr<FunctionNode> fn;    // Test / Setup / Teardown body, run like a closure
    std::vector<StmtPtr> children;       // Group members
    TestStmt(SourcePos p, TestKind k) : Stmt(NodeKind::TestStmt, p), test_kind(k) {}
};

struct ReturnStmt final : Stmt {
    ExprPtr value;  // may be null
    ReturnStmt(SourcePos p, ExprPtr v) : Stmt(NodeKind::ReturnStmt, p), value(std::move(v)) {}
};

struct BreakStmt final : Stmt {
    explicit BreakStmt(SourcePos p) : Stmt(NodeKind::BreakStmt, p) {}
};
struct ContinueStmt final : Stmt {
    explicit ContinueStmt(SourcePos p) : Stmt(NodeKind::ContinueStmt, p) {}
};

inline Lambda::Lambda(SourcePos p, std::unique_ptr<FunctionNode> f) : Expr(NodeKind::Lambda, p), fn(std::move(f)) {}

// A parsed file: its top-level code runs as the body of `main` (a FunctionNode with no params).
struct Program {
    SourceFile const* file = nullptr;
    std::unique_ptr<FunctionNode> main;
    std::vector<std::string> globals;  // global slot -> name (resolver)
    std::vector<bool> global_is_const;
    // Bound once, by a func/struct/enum/const declaration, and never assigned or updated in
    // place anywhere in the file: once tasks run, such a global is read without locks or counts.
    std::vector<bool> global_frozen;
};

}  // namespace ruff::ast
