// The tree-walking interpreter: runs resolved syntax trees on the shared runtime. Locals live in
// frame slots (no name lookups), captured variables in cells, and every dynamic operation is a
// call into runtime/ (shared with the JIT tier). return/break/continue are status codes; Ruff
// errors are C++ exceptions (RuffException) that never cross JIT frames.
#pragma once

#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "compiler/ast.h"
#include "compiler/parser.h"
#include "runtime/ops.h"
#include "runtime/share.h"
#include "runtime/tasks.h"
#include "runtime/thread.h"

namespace ruff::interp {

enum class Flow : uint8_t { Normal, Return, Break, Continue };

class InterpGenerator;

// An assignment target `root.step[key]...` with its keys evaluated once, left to right.
struct Place {
    ast::Identifier const* root;
    std::vector<ast::Expr const*> path;  // path[0] is the outermost (last applied) step
    std::vector<Value> keys;             // parallel to path: the key of each Index step
};

// One activation: its slots, its closure (captures), its module (globals).
struct Frame {
    Value* slots;
    Function* closure;  // null for top-level code
    Module* module;
    ast::FunctionNode const* fn;
    Value ret;
    bool is_top_level;         // main, module body, test or spawn body: `?` cannot return here
    InterpGenerator* generator = nullptr;
};

// Tiering counters (JIT_DESIGN.md §2.3): a relaxed load and store, no read-modify-write; a lost
// increment is harmless. They saturate early, so a hot function stops writing its cache line
// soon: tasks running it on several cores otherwise bounce that line between them on every call
// (measured: two fib tasks on two cores ran no faster than one after the other). Tiering
// thresholds are therefore at most k_counter_limit.
constexpr uint32_t k_counter_limit = 1u << 14;
inline void bump_counter(std::atomic<uint32_t>& counter) {
    uint32_t c = counter.load(std::memory_order_relaxed);
    if (c < k_counter_limit) counter.store(c + 1, std::memory_order_relaxed);
}

// Pushes a Ruff frame record (for tracebacks) and counts depth; pops on every exit path.
struct FrameGuard {
    Thread& th;
    FrameGuard(Thread& t, std::string_view name, SourceFile const* file, SourcePos pos) : th(t) {
        th.check_stack();
        ++th.depth;
        th.frames.push_back(FrameRecord{name, file, pos.line, pos.col});
    }
    ~FrameGuard() {
        th.frames.pop_back();
        --th.depth;
    }
    FrameGuard(FrameGuard const&) = delete;
    FrameGuard& operator=(FrameGuard const&) = delete;
};

// `?` on Err/None inside a function: unwinds to the function boundary, which returns `value`.
struct EarlyReturn {
    Value value;
};

// A loaded file: its syntax tree, its module object (globals) and its export table.
struct LoadedModule {
    std::unique_ptr<ast::Program> program;
    Value module;  // Module
    bool loading = false;
    bool loaded = false;
};

class Interpreter {
public:
    explicit Interpreter(Runtime& rt);
    ~Interpreter();

    // Parses and resolves a file. On a syntax error returns null and fills `error`.
    std::unique_ptr<ast::Program> compile(SourceFile const* file, SyntaxError& error);

    // Runs a program as the main module. Returns the process exit code (OUTPUT.md §5).
    int run_main(Thread& th, SourceFile const* file);
    // `ruff test FILE...` (OUTPUT.md §3).
    int run_tests(Thread& th, std::vector<SourceFile const*> const& files);

    // Calls a user function (the runtime's call hook). Methods take self as args[0].
    Value call(Thread& th, Function* fn, std::span<Value> args, Value* self_out = nullptr);
    // Runs a function's body whatever its kind (an async function's body inside its task).
    Value call_function_body(Thread& th, Function* fn, std::span<Value> args) { return call_body(th, fn, args, nullptr); }

    // Statements and expressions.
    Flow exec(Thread& th, Frame& f, ast::Stmt const& s);
    Flow exec_block(Thread& th, Frame& f, ast::Block const& b);
    Value eval(Thread& th, Frame& f, ast::Expr const& e);
    inline Value eval_inline(Thread& th, Frame& f, ast::Expr const& e);  // interp/fast_paths.h

    // Imports `name` relative to the importing file; raises ImportError / SyntaxError.
    Value import_module(Thread& th, std::string const& name, SourceFile const* from);

    void report_error(Thread& th, Value const& error);

private:
    friend class InterpGenerator;
    friend Place evaluate_place(Interpreter&, Thread&, Frame&, ast::Expr const&);
    Value make_closure(Thread& th, Frame& f, ast::FunctionNode const& fn);
    Value call_body(Thread& th, Function* fn, std::span<Value> args, Value* self_out);
    [[gnu::noinline]] Value call_direct(Thread& th, Frame& f, ast::Call const& c, Function* fn);
    void bind_params(Thread& th, Frame& callee, Function* fn, std::span<Value> args);
    Value run_async(Thread& th, Function* fn, std::span<Value> args);
    Value make_generator(Thread& th, Function* fn, std::span<Value> args);
    void call_generator_body(Thread& th, Function* fn, std::span<Value> args, InterpGenerator* gen);
    void run_spawn(Thread& th, Frame& f, ast::SpawnStmt const& s);

    // Variables.
    Value read_var(Thread& th, Frame& f, ast::VarRef const& ref, std::string const& name, SourcePos pos);
    void store_var(Thread& th, Frame& f, ast::VarRef const& ref, std::string const& name, Value v);
    void define_var(Thread& th, Frame& f, ast::VarRef const& ref, Value v);
    std::pair<SpinLock*, Value*> shared_slot(Frame& f, ast::VarRef const& ref);
    Value read_shared(Thread& th, Frame& f, ast::VarRef const& ref);
    void write_shared(Thread& th, Frame& f, ast::VarRef const& ref, Value v);
    Value& place_root(Thread& th, Frame& f, ast::Identifier const& id);
    Value& self_value(Frame& f);

    // Statements.
    Flow exec_assign(Thread& th, Frame& f, ast::AssignStmt const& s);
    Flow exec_if(Thread& th, Frame& f, ast::IfStmt const& s);
    [[gnu::noinline]] Flow exec_assign_generic(Thread& th, Frame& f, ast::AssignStmt const& s);
    [[gnu::noinline]] void exec_declaration(Thread& th, Frame& f, ast::Stmt const& s);
    void assign_place(Thread& th, Frame& f, ast::Expr const& target, Value v);
    Value read_place(Thread& th, Frame& f, Place const& p);
    void store_place(Thread& th, Frame& f, Place const& p, Value v);
    [[gnu::noinline]] Flow exec_while(Thread& th, Frame& f, ast::WhileStmt const& s);
    Flow exec_for(Thread& th, Frame& f, ast::ForStmt const& s);
    [[gnu::noinline]] Flow exec_match(Thread& th, Frame& f, ast::MatchStmt const& s);
    [[gnu::noinline]] Flow exec_try(Thread& th, Frame& f, ast::TryStmt const& s);
    void exec_struct(Thread& th, Frame& f, ast::StructDeclStmt const& s);
    void exec_import(Thread& th, Frame& f, ast::ImportStmt const& s);
    bool match_pattern(Thread& th, Frame& f, ast::Pattern const& p, Value const& v);
    void bind_pattern(Thread& th, Frame& f, ast::Pattern const& p, Value v, bool define);

    // Expressions.
    Value eval_identifier(Thread& th, Frame& f, ast::Identifier const& id);
    [[gnu::noinline]] Value eval_index(Thread& th, Frame& f, ast::Index const& ix);
    [[gnu::noinline]] Value eval_field(Thread& th, Frame& f, ast::Field const& fe);
    [[gnu::noinline]] Value eval_interpolation(Thread& th, Frame& f, ast::Interpolation const& in);
    [[gnu::noinline]] Value eval_array(Thread& th, Frame& f, ast::ArrayLit const& a);
    [[gnu::noinline]] Value eval_dict(Thread& th, Frame& f, ast::DictLit const& d);
    [[noreturn, gnu::noinline]] void eval_throw(Thread& th, Frame& f, ast::ThrowExpr const& t);
    [[gnu::noinline]] Value eval_binary_values(Thread& th, Frame& f, ast::Binary const& b);
    bool eval_condition(Thread& th, Frame& f, ast::Expr const& e);
    [[gnu::noinline]] Value eval_logical(Thread& th, Frame& f, ast::Logical const& l);
    [[gnu::noinline]] Value eval_unary(Thread& th, Frame& f, ast::Unary const& u);
    Value eval_call(Thread& th, Frame& f, ast::Call const& c);
    [[gnu::noinline]] Value eval_call_generic(Thread& th, Frame& f, ast::Call const& c, Function* fn);
    [[gnu::noinline]] Value eval_method_call(Thread& th, Frame& f, ast::MethodCall const& c);
    Value eval_builtin_method(Thread& th, Value& object, ast::MethodCall const& c, std::span<Value> args);
    [[gnu::noinline]] Value eval_struct_literal(Thread& th, Frame& f, ast::StructLit const& s);
    [[gnu::noinline]] Value eval_tag(Thread& th, Frame& f, ast::TagExpr const& t);
    [[gnu::noinline]] Value eval_try_op(Thread& th, Frame& f, ast::TryOp const& t);
    [[gnu::noinline]] Value eval_yield(Thread& th, Frame& f, ast::YieldExpr const& y);
    Value eval_await(Thread& th, Value v);

    // Modules.
    Value run_module_body(Thread& th, LoadedModule& m, std::string_view frame_name);
    Value new_module(ast::Program const& program, std::string name, std::string path);
    bool is_builtin_name(std::string const& name) const;

    Runtime& m_rt;
    SpinLock m_unused_lock;  // Stands in where a place has no shared root.
    std::unordered_map<std::string, std::unique_ptr<LoadedModule>> m_modules;  // by path
    std::vector<std::unique_ptr<ast::Program>> m_programs;  // kept alive: closures point into them
    std::vector<std::string> m_loading_stack;  // module names being loaded (circular imports)
};

// Formats the uncaught-error block of OUTPUT.md §2.1.
std::string format_uncaught(Value const& error);

}  // namespace ruff::interp
