// Calls, frames and statements of the tree-walking interpreter.
#include "interp/interpreter.h"

#include "interp/fast_paths.h"

#include <alloca.h>

#include "absl/strings/str_cat.h"
#include "compiler/resolver.h"
#include "runtime/tasks.h"

namespace ruff::interp {
using namespace ast;

namespace {

Value call_hook(Thread& th, Function* fn, std::span<Value> args) {
    return static_cast<Interpreter*>(th.rt.host)->call(th, fn, args);
}

Value body_hook(Thread& th, Function* fn, std::span<Value> args) {
    return static_cast<Interpreter*>(th.rt.host)->call_function_body(th, fn, args);
}

// Slots on the C stack, destroyed on every exit path.
struct SlotGuard {
    Value* slots;
    uint32_t count;
    ~SlotGuard() {
        for (uint32_t i = 0; i < count; ++i) slots[i].~Value();
    }
};

}  // namespace

Interpreter::Interpreter(Runtime& rt) : m_rt(rt) {
    rt.call_function = &call_hook;
    rt.run_body = &body_hook;
    rt.host = this;
}

Interpreter::~Interpreter() = default;

bool Interpreter::is_builtin_name(std::string const& name) const { return m_rt.builtin(name) != nullptr; }

std::unique_ptr<Program> Interpreter::compile(SourceFile const* file, SyntaxError& error) {
    auto program = parse_program(file, error);
    if (!program) return nullptr;
    if (!resolve_program(*program, [this](std::string const& n) { return is_builtin_name(n); }, error)) return nullptr;
    return program;
}

// ---------------------------------------------------------------------------------------------
// Closures and calls

Value Interpreter::make_closure(Thread& th, Frame& f, FunctionNode const& fn) {
    auto* closure = new Function(&fn.info);
    closure->module = f.module;
    closure->captures.reserve(fn.captures.size());
    for (auto const& c : fn.captures)
        closure->captures.push_back(c.from_parent_capture ? f.closure->captures[c.index] : f.slots[c.index]);
    return Value::adopt(TAG_FUNCTION, closure);
}

void Interpreter::bind_params(Thread& th, Frame& callee, Function* fn, std::span<Value> args) {
    auto const& node = *callee.fn;
    size_t offset = node.is_method ? 1 : 0;
    if (node.is_method) callee.slots[0] = std::move(args[0]);
    for (size_t i = 0; i < node.params.size(); ++i) {
        auto const& p = node.params[i];
        Value& slot = callee.slots[p.ref.index];
        if (offset + i < args.size()) {
            slot = std::move(args[offset + i]);
        } else {
            th.set_pos(p.default_value->pos);
            slot = eval(th, callee, *p.default_value);  // Sees earlier parameters.
            if (p.ref.kind == VarKind::LocalCell) slot = make_cell(std::move(slot));
            continue;
        }
        // Captured parameters bound so far must be cells before a later default can read them.
        if (p.ref.kind == VarKind::LocalCell && !slot.is(TAG_CELL)) slot = make_cell(std::move(slot));
    }
    for (uint32_t s : node.cell_slots)
        if (!callee.slots[s].is(TAG_CELL)) callee.slots[s] = make_cell(std::move(callee.slots[s]));
}

Value Interpreter::call(Thread& th, Function* fn, std::span<Value> args, Value* self_out) {
    auto const* info = fn->info;
    size_t given = args.size() - (info->is_method ? 1 : 0);
    if (given < info->min_params || given > info->max_params) [[unlikely]]
        check_arity(th, info->name, info->min_params, info->max_params, given);
    if (info->kind == FunctionKind::Normal) [[likely]]
        return call_body(th, fn, args, self_out);
    if (info->kind == FunctionKind::Generator) return make_generator(th, fn, args);
    return run_async(th, fn, args);
}

Value Interpreter::call_body(Thread& th, Function* fn, std::span<Value> args, Value* self_out) {
    auto const& node = *static_cast<FunctionNode const*>(fn->info->code);
    bump_counter(node.calls);
    FrameGuard guard(th, fn->info->name, node.file, node.pos);
    uint32_t n = node.frame_size;
    Value* slots = static_cast<Value*>(alloca(sizeof(Value) * (n ? n : 1)));
    for (uint32_t i = 0; i < n; ++i) new (&slots[i]) Value(Value::unbound());
    SlotGuard slot_guard{slots, n};
    // Spawn and test bodies are top level: `?` cannot return from them (OUTPUT.md §2.2).
    bool top_level = node.name.empty() && !fn->info->is_lambda;
    Frame frame{slots, fn, fn->module, &node, {}, top_level};
    struct SelfWriteBack {
        Frame& frame;
        Value* out;
        ~SelfWriteBack() {
            if (!out) return;
            Value& s = frame.slots[0];
            *out = s.is(TAG_CELL) ? s.as<Cell>()->value : s;
        }
    } write_back{frame, self_out};
    for (auto [slot, global] : node.global_snapshots) slots[slot] = fn->module->globals[global];
    if (node.simple_params && args.size() == node.params.size()) {
        // Plain parameters occupy the first slots in order.
        for (size_t i = 0; i < args.size(); ++i) slots[i] = std::move(args[i]);
    } else {
        bind_params(th, frame, fn, args);
    }
    try {
        exec_block(th, frame, *node.body);
    } catch (EarlyReturn& r) {
        return std::move(r.value);
    }
    return std::move(frame.ret);
}

Value Interpreter::run_async(Thread& th, Function* fn, std::span<Value> args) { return start_async_call(th, fn, args); }

Value Interpreter::eval_await(Thread& th, Value v) { return await_value(th, v); }

void Interpreter::run_spawn(Thread& th, Frame& f, SpawnStmt const& s) {
    // A snapshot by value of what the block reads: assignments inside stay inside (ASYNC.md §5.2).
    Value closure = make_closure(th, f, *s.fn);
    for (auto& cell : closure.as<Function>()->captures) cell = make_cell(cell.as<Cell>()->value);
    th.set_pos(s.pos);
    if (parallel_tasks(th.rt)) {
        start_task(th, std::move(closure), {});  // An error is reported at exit: nobody can await it.
        return;
    }
    try {
        call_body(th, closure.as<Function>(), {}, nullptr);
    } catch (RuffException& e) {
        note_unhandled(th, std::move(e.error));
    } catch (EarlyReturn&) {
    }
}

// ---------------------------------------------------------------------------------------------
// Variables

Value& Interpreter::self_value(Frame& f) {
    Value& s = f.slots[0];
    return s.is(TAG_CELL) ? s.as<Cell>()->value : s;
}

Value Interpreter::read_var(Thread& th, Frame& f, VarRef const& ref, std::string const& name, SourcePos pos) {
    Value const* v = nullptr;
    switch (ref.kind) {
    case VarKind::Local: v = &f.slots[ref.index]; break;
    case VarKind::LocalCell:
    case VarKind::Capture:
    case VarKind::Global: {
        Value copy = read_shared(th, f, ref);
        if (!copy.is_unbound()) return copy;
        if (ref.kind == VarKind::Global) {
            if (Value const* b = m_rt.builtin(name)) return *b;
        }
        break;
    }
    case VarKind::Builtin: v = m_rt.builtin(name); break;
    case VarKind::SelfField: {
        Value& self = self_value(f);
        if (self.is(TAG_STRUCT)) return self.as<Struct>()->fields[ref.index];
        break;
    }
    case VarKind::Unresolved:
    case VarKind::Undefined: break;
    }
    if (!v || v->is_unbound()) {
        th.set_pos(pos);
        raise(th, Msg::UndefinedVariable, name);
    }
    return *v;
}

// The lock and storage of a variable that other tasks may reach (a global or a captured cell).
std::pair<SpinLock*, Value*> Interpreter::shared_slot(Frame& f, VarRef const& ref) {
    switch (ref.kind) {
    case VarKind::LocalCell: {
        auto* cell = f.slots[ref.index].as<Cell>();
        return {&cell->lock, &cell->value};
    }
    case VarKind::Capture: {
        auto* cell = f.closure->captures[ref.index].as<Cell>();
        return {&cell->lock, &cell->value};
    }
    case VarKind::Global: return {&f.module->lock_for(ref.index), &f.module->globals[ref.index]};
    default: return {nullptr, nullptr};
    }
}

// Copies a global or cell out under its lock once tasks run (no torn 16-byte reads).
Value Interpreter::read_shared(Thread& th, Frame& f, VarRef const& ref) {
    auto [lock, slot] = shared_slot(f, ref);
    MaybeLock guard(*lock, th.rt.tasks_started.load(std::memory_order_relaxed));
    return *slot;
}

// Stores into a global or cell: the value is shared first once tasks run, and the old value is
// released after the lock.
void Interpreter::write_shared(Thread& th, Frame& f, VarRef const& ref, Value v) {
    auto [lock, slot] = shared_slot(f, ref);
    bool tasks = th.rt.tasks_started.load(std::memory_order_relaxed);
    if (tasks) share(v);
    MaybeLock guard(*lock, tasks);
    std::swap(*slot, v);
}

void Interpreter::define_var(Thread& th, Frame& f, VarRef const& ref, Value v) {
    switch (ref.kind) {
    case VarKind::Local: f.slots[ref.index] = std::move(v); return;
    case VarKind::LocalCell: f.slots[ref.index] = make_cell(std::move(v)); return;
    case VarKind::Capture:
    case VarKind::Global: write_shared(th, f, ref, std::move(v)); return;
    case VarKind::SelfField: make_unique_struct(self_value(f))->fields[ref.index] = std::move(v); return;
    case VarKind::Builtin:
    case VarKind::Unresolved:
    case VarKind::Undefined: return;
    }
}

void Interpreter::store_var(Thread& th, Frame& f, VarRef const& ref, std::string const& name, Value v) {
    if (ref.is_const) raise(th, Msg::ConstAssign, name);
    switch (ref.kind) {
    case VarKind::Local: f.slots[ref.index] = std::move(v); return;
    case VarKind::LocalCell:
        if (!f.slots[ref.index].is(TAG_CELL)) f.slots[ref.index] = make_cell();
        write_shared(th, f, ref, std::move(v));
        return;
    default: define_var(th, f, ref, std::move(v)); return;
    }
}

// The storage of a place's root variable, for in-place updates (a[i] := v, p.x := v).
Value& Interpreter::place_root(Thread& th, Frame& f, Identifier const& id) {
    Value* v = nullptr;
    switch (id.ref.kind) {
    case VarKind::Local: v = &f.slots[id.ref.index]; break;
    case VarKind::LocalCell: v = &f.slots[id.ref.index].as<Cell>()->value; break;
    case VarKind::Capture: v = &f.closure->captures[id.ref.index].as<Cell>()->value; break;
    case VarKind::Global: v = &f.module->globals[id.ref.index]; break;
    case VarKind::SelfField: v = &make_unique_struct(self_value(f))->fields[id.ref.index]; break;
    default: break;
    }
    if (!v || v->is_unbound()) {
        th.set_pos(id.pos);
        raise(th, Msg::UndefinedVariable, id.name);
    }
    return *v;
}

// ---------------------------------------------------------------------------------------------
// Statements

// `x := e` on a plain local is the hot case: pure int arithmetic is stored without a
// temporary, anything else is evaluated and moved into the slot.
RUFF_HOT_INLINE Flow Interpreter::exec_assign(Thread& th, Frame& f, AssignStmt const& s) {
    if (s.op == AssignOp::Set && s.target->kind == NodeKind::Identifier) {
        auto const& id = as<Identifier>(*s.target);
        if (id.ref.kind == VarKind::Local && !id.ref.is_const) {
            Value& slot = f.slots[id.ref.index];
            RawValue result;
            if (s.value->kind == NodeKind::Binary && pure_int_binary(f, as<Binary>(*s.value), result)) {
                slot = Value::from_raw_owned(result);
                return Flow::Normal;
            }
            slot = eval(th, f, *s.value);
            return Flow::Normal;
        }
    }
    return exec_assign_generic(th, f, s);
}

// The common statements (expression, assignment, if, return) run inline here: a block costs
// one native call rather than one per statement. Everything else goes through exec.
Flow Interpreter::exec_block(Thread& th, Frame& f, Block const& b) {
    for (auto const& p : b.stmts) {
        Stmt const& s = *p;
        Flow flow;
        switch (s.kind) {
        case NodeKind::ExprStmt: eval(th, f, *as<ExprStmt>(s).expr); continue;
        case NodeKind::AssignStmt: flow = exec_assign(th, f, as<AssignStmt>(s)); break;
        case NodeKind::IfStmt: flow = exec_if(th, f, as<IfStmt>(s)); break;
        case NodeKind::ReturnStmt: {
            auto const& r = as<ReturnStmt>(s);
            f.ret = r.value ? eval_inline(th, f, *r.value) : Value();
            return Flow::Return;
        }
        default: flow = exec(th, f, s); break;
        }
        if (flow != Flow::Normal) return flow;
    }
    return Flow::Normal;
}

RUFF_HOT_INLINE Flow Interpreter::exec_if(Thread& th, Frame& f, IfStmt const& i) {
    bool taken;
    if (!int_condition(f, *i.cond, taken)) taken = eval_condition(th, f, *i.cond);
    if (taken) return exec_block(th, f, *i.then_block);
    return i.else_branch ? exec(th, f, *i.else_branch) : Flow::Normal;
}

Flow Interpreter::exec(Thread& th, Frame& f, Stmt const& s) {
    switch (s.kind) {
    case NodeKind::ExprStmt: eval(th, f, *as<ExprStmt>(s).expr); return Flow::Normal;
    case NodeKind::AssignStmt: return exec_assign(th, f, as<AssignStmt>(s));
    case NodeKind::IfStmt: return exec_if(th, f, as<IfStmt>(s));
    case NodeKind::WhileStmt: return exec_while(th, f, as<WhileStmt>(s));
    case NodeKind::ReturnStmt: {
        auto const& r = as<ReturnStmt>(s);
        f.ret = r.value ? eval(th, f, *r.value) : Value();
        return Flow::Return;
    }
    case NodeKind::Block: return exec_block(th, f, as<Block>(s));
    case NodeKind::LetStmt: {
        auto const& l = as<LetStmt>(s);
        bind_pattern(th, f, *l.pattern, eval(th, f, *l.value), l.is_decl);
        return Flow::Normal;
    }
    case NodeKind::ForStmt: return exec_for(th, f, as<ForStmt>(s));
    case NodeKind::BreakStmt: return Flow::Break;
    case NodeKind::ContinueStmt: return Flow::Continue;
    case NodeKind::MatchStmt: return exec_match(th, f, as<MatchStmt>(s));
    case NodeKind::TryStmt: return exec_try(th, f, as<TryStmt>(s));
    case NodeKind::ExportStmt: return exec(th, f, *as<ExportStmt>(s).decl);
    case NodeKind::FuncDeclStmt:
    case NodeKind::StructDeclStmt:
    case NodeKind::EnumDeclStmt:
    case NodeKind::ImportStmt:
    case NodeKind::SpawnStmt: exec_declaration(th, f, s); return Flow::Normal;
    case NodeKind::TestStmt: return Flow::Normal;  // Run only by `ruff test`.
    default: return Flow::Normal;
    }
}

Flow Interpreter::exec_while(Thread& th, Frame& f, WhileStmt const& w) {
    for (;;) {
        if (w.cond) {
            bool go;
            if (!int_condition(f, *w.cond, go)) go = eval_condition(th, f, *w.cond);
            if (!go) break;
        }
        bump_counter(w.backedges);
        check_cancelled(th);
        Flow flow = exec_block(th, f, *w.body);
        if (flow == Flow::Break) break;
        if (flow == Flow::Return) return flow;
    }
    return Flow::Normal;
}

// Statements that run once per definition: out of line, so exec's prologue stays small.
void Interpreter::exec_declaration(Thread& th, Frame& f, Stmt const& s) {
    switch (s.kind) {
    case NodeKind::FuncDeclStmt: {
        auto const& d = as<FuncDeclStmt>(s);
        define_var(th, f, d.ref, make_closure(th, f, *d.fn));
        return;
    }
    case NodeKind::StructDeclStmt: exec_struct(th, f, as<StructDeclStmt>(s)); return;
    case NodeKind::EnumDeclStmt: {
        auto const& d = as<EnumDeclStmt>(s);
        auto* e = new EnumDef();
        e->name = d.name;
        e->variants = d.variants;
        define_var(th, f, d.ref, Value::adopt(TAG_ENUMDEF, e));
        return;
    }
    case NodeKind::ImportStmt: exec_import(th, f, as<ImportStmt>(s)); return;
    case NodeKind::SpawnStmt: run_spawn(th, f, as<SpawnStmt>(s)); return;
    default: return;
    }
}

static Value apply_compound(Thread& th, AssignOp op, Value const& current, Value const& rhs) {
    switch (op) {
    case AssignOp::Add: return binop(th, BinOp::Add, current, rhs);
    case AssignOp::Sub: return binop(th, BinOp::Sub, current, rhs);
    case AssignOp::Mul: return binop(th, BinOp::Mul, current, rhs);
    case AssignOp::Div: return binop(th, BinOp::Div, current, rhs);
    case AssignOp::Mod: return binop(th, BinOp::Mod, current, rhs);
    case AssignOp::Set: return rhs;
    }
    return rhs;
}

Flow Interpreter::exec_assign_generic(Thread& th, Frame& f, AssignStmt const& s) {
    if (s.target->kind == NodeKind::Identifier) {
        auto const& id = as<Identifier>(*s.target);
        if (s.op == AssignOp::Set) {
            Value v = eval(th, f, *s.value);
            th.set_pos(s.pos);
            store_var(th, f, id.ref, id.name, std::move(v));
            return Flow::Normal;
        }
        Value current = read_var(th, f, id.ref, id.name, id.pos);
        Value rhs = eval(th, f, *s.value);
        th.set_pos(s.pos);
        store_var(th, f, id.ref, id.name, apply_compound(th, s.op, current, rhs));
        return Flow::Normal;
    }
    if (s.op == AssignOp::Set) {
        assign_place(th, f, *s.target, eval(th, f, *s.value));
        return Flow::Normal;
    }
    // Compound assignment on a place evaluates the place once: read, combine, write.
    Place place = evaluate_place(*this, th, f, *s.target);
    Value current = read_place(th, f, place);
    Value rhs = eval(th, f, *s.value);
    th.set_pos(s.pos);
    store_place(th, f, place, apply_compound(th, s.op, current, rhs));
    return Flow::Normal;
}

Place evaluate_place(Interpreter& in, Thread& th, Frame& f, Expr const& target) {
    Place p;
    Expr const* root = &target;
    while (root->kind != NodeKind::Identifier) {
        p.path.push_back(root);
        root = root->kind == NodeKind::Index ? as<Index>(*root).object.get() : as<Field>(*root).object.get();
    }
    p.root = &as<Identifier>(*root);
    p.keys.resize(p.path.size());
    for (size_t i = p.path.size(); i-- > 0;)
        if (p.path[i]->kind == NodeKind::Index) p.keys[i] = in.eval(th, f, *as<Index>(*p.path[i]).index);
    return p;
}

// Reads the current value of an evaluated place (for compound assignment).
Value Interpreter::read_place(Thread& th, Frame& f, Place const& p) {
    Value current = read_var(th, f, p.root->ref, p.root->name, p.root->pos);
    for (size_t i = p.path.size(); i-- > 0;) {
        th.set_pos(p.path[i]->pos);
        current = p.path[i]->kind == NodeKind::Field ? field_get(th, current, as<Field>(*p.path[i]).name)
                                                     : index_get(th, current, p.keys[i]);
    }
    return current;
}

void Interpreter::assign_place(Thread& th, Frame& f, Expr const& target, Value v) {
    store_place(th, f, evaluate_place(*this, th, f, target), std::move(v));
}

// a[i][j] := v, p.pos.x := v: walks the place from its root, making each level unique (COW).
void Interpreter::store_place(Thread& th, Frame& f, Place const& p, Value v) {
    auto const& id = *p.root;
    if (p.path.empty()) return store_var(th, f, id.ref, id.name, std::move(v));
    if (id.ref.is_const) {
        th.set_pos(id.pos);
        raise(th, Msg::ConstAssign, id.name);
    }
    // A global or captured root stays locked for the whole in-place update once tasks run.
    auto [shared_lock, shared_value] = shared_slot(f, id.ref);
    bool tasks = th.rt.tasks_started.load(std::memory_order_relaxed);
    if (tasks) share(v);
    MaybeLock guard(shared_lock ? *shared_lock : m_unused_lock, tasks && shared_lock);
    Value* current = &place_root(th, f, id);
    for (size_t i = p.path.size(); i-- > 0;) {
        Expr const& step = *p.path[i];
        th.set_pos(step.pos);
        bool last = i == 0;
        if (step.kind == NodeKind::Field) {
            auto const& name = as<Field>(step).name;
            if (last) return field_set(th, *current, name, std::move(v));
            if (!current->is(TAG_STRUCT)) raise(th, Msg::NoField, type_name(*current), name);
            int index = current->as<Struct>()->definition()->field_index(name);
            if (index < 0) raise(th, Msg::NoField, current->as<Struct>()->definition()->name, name);
            current = &make_unique_struct(*current)->fields[index];
            continue;
        }
        Value const& key = p.keys[i];
        if (last) return index_set(th, *current, key, std::move(v));
        if (current->is(TAG_ARRAY)) {
            if (!key.is_int()) raise(th, Msg::BadIndexType, "array", type_name(key));
            size_t at = resolve_index(th, key.as_int(), current->as<Array>()->items.size());
            current = &make_unique_array(*current)->items[at];
        } else if (current->is(TAG_DICT)) {
            Value k = dict_key(th, key);
            Value* slot = make_unique_dict(*current)->find_mut(string_view_of(k));
            if (!slot) raise(th, Msg::MissingKey, string_view_of(k));
            current = slot;
        } else {
            raise(th, Msg::NotIndexable, type_name(*current));
        }
    }
}

void Interpreter::bind_pattern(Thread& th, Frame& f, Pattern const& p, Value v, bool define) {
    switch (p.kind) {
    case PatternKind::Bind:
    case PatternKind::Rest:
        if (define) define_var(th, f, p.ref, std::move(v));
        else store_var(th, f, p.ref, p.name, std::move(v));
        return;
    case PatternKind::Wildcard:
    case PatternKind::Literal:
    case PatternKind::Tag: return;
    case PatternKind::Array: {
        th.set_pos(p.pos);
        if (!v.is(TAG_ARRAY)) raise(th, ErrorType::TypeError, absl::StrCat("cannot destructure ", std::string(type_name(v)), " as an array"));
        auto const& items = v.as<Array>()->items;
        for (size_t i = 0; i < p.elements.size(); ++i) {
            auto const& e = *p.elements[i];
            if (e.kind == PatternKind::Rest) {
                std::vector<Value> rest;
                for (size_t j = i; j < items.size(); ++j) rest.push_back(items[j]);
                bind_pattern(th, f, e, make_array(std::move(rest)), define);
                return;
            }
            bind_pattern(th, f, e, i < items.size() ? items[i] : Value(), define);
        }
        return;
    }
    case PatternKind::Dict: {
        th.set_pos(p.pos);
        if (!v.is(TAG_DICT)) raise(th, ErrorType::TypeError, absl::StrCat("cannot destructure ", std::string(type_name(v)), " as a dict"));
        auto const* d = v.as<Dict>();
        std::vector<std::string_view> named;
        for (auto const& e : p.elements) {
            if (e->kind == PatternKind::Rest) {
                Value rest = make_dict();
                d->for_each([&](Value const& key, Value const& value) {
                    for (auto n : named)
                        if (n == string_view_of(key)) return;
                    rest.as<Dict>()->set(key, value);
                });
                bind_pattern(th, f, *e, std::move(rest), define);
                continue;
            }
            named.push_back(e->name);
            Value const* found = d->find(e->name);
            bind_pattern(th, f, *e, found ? *found : Value(), define);
        }
        return;
    }
    }
}

Flow Interpreter::exec_for(Thread& th, Frame& f, ForStmt const& s) {
    Value iterable = eval(th, f, *s.iterable);
    th.set_pos(s.iterable->pos);
    auto run_body = [&](Value item) {
        bump_counter(s.backedges);
        check_cancelled(th);
        if (s.pattern->kind == PatternKind::Bind) define_var(th, f, s.pattern->ref, std::move(item));
        else bind_pattern(th, f, *s.pattern, std::move(item), true);
        return exec_block(th, f, *s.body);
    };
    if (iterable.is(TAG_ARRAY)) {  // Fast path: the loop holds a reference, so COW keeps it stable.
        auto const& items = iterable.as<Array>()->items;
        for (size_t i = 0; i < items.size(); ++i) {
            Flow flow = run_body(items[i]);
            if (flow == Flow::Break) break;
            if (flow == Flow::Return) return flow;
        }
        return Flow::Normal;
    }
    ValueIterator it(th, std::move(iterable));
    Value item;
    while (it.next(th, item)) {
        Flow flow = run_body(std::move(item));
        if (flow == Flow::Break) break;
        if (flow == Flow::Return) return flow;
    }
    return Flow::Normal;
}

bool Interpreter::match_pattern(Thread& th, Frame& f, Pattern const& p, Value const& v) {
    switch (p.kind) {
    case PatternKind::Wildcard: return true;
    case PatternKind::Bind:
    case PatternKind::Rest: define_var(th, f, p.ref, v); return true;
    case PatternKind::Literal: return v.tag() == p.literal.tag() ? values_equal(th, v, p.literal)
                                      : v.is_number() && p.literal.is_number() && values_equal(th, v, p.literal);
    case PatternKind::Tag: {
        if (!v.is(TAG_TAGGED)) return false;
        auto* t = v.as<Tagged>();
        if (t->tag_kind != p.tag_kind) return false;
        if (p.tag_kind == TagKind::User && t->name != p.name) return false;
        if (!p.has_parens) return true;
        if (t->fields.size() != p.elements.size()) return false;
        for (size_t i = 0; i < p.elements.size(); ++i)
            if (!match_pattern(th, f, *p.elements[i], t->fields[i])) return false;
        return true;
    }
    case PatternKind::Array:
    case PatternKind::Dict: return false;
    }
    return false;
}

Flow Interpreter::exec_match(Thread& th, Frame& f, MatchStmt const& s) {
    Value subject = eval(th, f, *s.subject);
    MatchArm const* fallback = nullptr;
    for (auto const& arm : s.arms) {
        if (arm.alternatives.empty()) {
            fallback = &arm;
            continue;
        }
        for (auto const& alt : arm.alternatives)
            if (match_pattern(th, f, *alt, subject)) return exec_block(th, f, *arm.body);
    }
    if (fallback) return exec_block(th, f, *fallback->body);
    th.set_pos(s.pos);
    raise(th, Msg::NoMatch, to_display(subject));
}

Flow Interpreter::exec_try(Thread& th, Frame& f, TryStmt const& s) {
    size_t depth = th.depth;
    size_t frames = th.frames.size();
    Value error;
    try {
        return exec_block(th, f, *s.body);
    } catch (RuffException& e) {
        error = std::move(e.error);
    }
    th.depth = static_cast<uint32_t>(depth);
    th.frames.resize(frames, FrameRecord{});
    define_var(th, f, s.ref, std::move(error));
    return exec_block(th, f, *s.handler);
}

void Interpreter::exec_struct(Thread& th, Frame& f, StructDeclStmt const& s) {
    auto* def = new StructDef();
    Value value = Value::adopt(TAG_STRUCTDEF, def);
    def->name = s.name;
    def->fields = s.fields;
    def->type_id = m_rt.next_type_id();
    for (auto const& m : s.methods) def->methods.emplace_back(m->name, make_closure(th, f, *m));
    define_var(th, f, s.ref, std::move(value));
}

// ---------------------------------------------------------------------------------------------
// Uncaught errors (OUTPUT.md §2.1)

std::string format_uncaught(Value const& error) {
    auto* e = error.as<ErrorObj>();
    if (!e->detail.empty()) return e->detail;
    std::string out;
    auto path = [](TraceFrame const& t) { return t.file ? t.file->path : std::string("?"); };
    if (!e->trace.empty()) {
        auto const& last = e->trace.back();
        absl::StrAppend(&out, path(last), ":", last.line, ":", last.col, ": ");
    }
    absl::StrAppend(&out, e->type, ": ", e->message, "\nTraceback (innermost last):\n");
    size_t n = e->trace.size();
    for (size_t i = 0; i < n; ++i) {
        if (n > 40 && i == 20) {
            absl::StrAppend(&out, "  ... ", n - 40, " frames omitted\n");
            i = n - 20;
        }
        auto const& t = e->trace[i];
        absl::StrAppend(&out, "  at ", t.function, " (", path(t), ":", t.line, ":", t.col, ")\n");
    }
    return out;
}

void Interpreter::report_error(Thread& th, Value const& error) { m_rt.write_stderr(format_uncaught(error)); }

}  // namespace ruff::interp
