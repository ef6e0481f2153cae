// Expression evaluation of the tree-walking interpreter. Hot paths (int arithmetic and
// comparison, local reads, direct calls of user functions) are inlined here and record type
// feedback; everything else calls the runtime's single implementation of the operation.
#include <alloca.h>

#include "absl/strings/str_cat.h"
#include "interp/fast_paths.h"
#include "interp/interpreter.h"
#include "runtime/tasks.h"

namespace ruff::interp {
using namespace ast;

namespace {

// Argument values on the C stack, destroyed on every exit path.
struct ArgBuffer {
    Value* values;
    size_t count = 0;
    ~ArgBuffer() {
        for (size_t i = 0; i < count; ++i) values[i].~Value();
    }
};

bool is_move(Expr const& e) { return e.kind == NodeKind::Identifier && as<Identifier>(e).is_move; }

// Evaluates a call's arguments left to right into `out`. A moved variable (`a := push(a, x)`)
// is taken last, so the other arguments still see it.
template <class Eval, class Take>
[[gnu::always_inline]] inline void eval_arguments(Call const& c, ArgBuffer& out, Eval&& eval_arg, Take&& take_moved) {
    size_t n = c.args.size();
    bool moves = false;
    for (; out.count < n; ++out.count) {
        auto const& arg = *c.args[out.count];
        bool move = is_move(arg);
        moves |= move;
        new (&out.values[out.count]) Value(move ? Value() : eval_arg(arg));
    }
    for (size_t i = 0; moves && i < n; ++i)
        if (is_move(*c.args[i])) out.values[i] = take_moved(as<Identifier>(*c.args[i]));
}

}  // namespace

// The dispatcher stays small (a lean prologue matters on every node); each kind has its own
// function, the rare ones out of line.
Value Interpreter::eval(Thread& th, Frame& f, Expr const& e) {
    switch (e.kind) {
    case NodeKind::Literal: return as<Literal>(e).value;
    case NodeKind::Identifier: {
        auto const& id = as<Identifier>(e);
        if (id.ref.kind == VarKind::Local && !id.is_move) {
            Value const& slot = f.slots[id.ref.index];
            if (!slot.is_unbound()) return slot;
        }
        return eval_identifier(th, f, id);
    }
    case NodeKind::Binary: {
        RawValue result;
        if (pure_int_binary(f, as<Binary>(e), result)) return Value::from_raw_owned(result);
        return eval_binary_values(th, f, as<Binary>(e));
    }
    case NodeKind::Call: return eval_call(th, f, as<Call>(e));
    case NodeKind::Index: return eval_index(th, f, as<Index>(e));
    case NodeKind::Logical: return eval_logical(th, f, as<Logical>(e));
    case NodeKind::Unary: return eval_unary(th, f, as<Unary>(e));
    case NodeKind::MethodCall: return eval_method_call(th, f, as<MethodCall>(e));
    case NodeKind::Field: return eval_field(th, f, as<Field>(e));
    case NodeKind::Interpolation: return eval_interpolation(th, f, as<Interpolation>(e));
    case NodeKind::ArrayLit: return eval_array(th, f, as<ArrayLit>(e));
    case NodeKind::DictLit: return eval_dict(th, f, as<DictLit>(e));
    case NodeKind::StructLit: return eval_struct_literal(th, f, as<StructLit>(e));
    case NodeKind::TagExpr: return eval_tag(th, f, as<TagExpr>(e));
    case NodeKind::Lambda: return make_closure(th, f, *as<Lambda>(e).fn);
    case NodeKind::TryOp: return eval_try_op(th, f, as<TryOp>(e));
    case NodeKind::ThrowExpr: eval_throw(th, f, as<ThrowExpr>(e));
    case NodeKind::YieldExpr: return eval_yield(th, f, as<YieldExpr>(e));
    default: return Value();
    }
}

Value Interpreter::eval_index(Thread& th, Frame& f, Index const& ix) {
    Value object = eval(th, f, *ix.object);
    Value index = eval(th, f, *ix.index);
    if (object.is(TAG_ARRAY) && index.is_int()) {
        auto const& items = object.as<Array>()->items;
        uint64_t i = static_cast<uint64_t>(index.as_int());
        if (i < items.size()) return items[i];
    }
    th.set_pos(ix.pos);
    return index_get(th, object, index);
}

Value Interpreter::eval_field(Thread& th, Frame& f, Field const& fe) {
    Value object = eval(th, f, *fe.object);
    if (fe.optional) {
        if (object.is_null()) return Value();
        if (object.is(TAG_DICT)) {
            Value const* v = object.as<Dict>()->find(fe.name);
            return v ? *v : Value();
        }
        if (object.is(TAG_STRUCT) && object.as<Struct>()->definition()->field_index(fe.name) < 0) return Value();
    }
    th.set_pos(fe.pos);
    return field_get(th, object, fe.name);
}

Value Interpreter::eval_interpolation(Thread& th, Frame& f, Interpolation const& in) {
    std::string out;
    for (auto const& part : in.parts) {
        Value v = eval(th, f, *part);
        display(out, v);
    }
    return make_string(std::move(out));
}

Value Interpreter::eval_array(Thread& th, Frame& f, ArrayLit const& a) {
    std::vector<Value> items;
    items.reserve(a.elements.size());
    for (size_t i = 0; i < a.elements.size(); ++i) {
        Value v = eval(th, f, *a.elements[i]);
        if (!a.spread[i]) {
            items.push_back(std::move(v));
            continue;
        }
        th.set_pos(a.elements[i]->pos);
        ValueIterator it(th, std::move(v));
        Value item;
        while (it.next(th, item)) items.push_back(std::move(item));
    }
    return make_array(std::move(items));
}

Value Interpreter::eval_dict(Thread& th, Frame& f, DictLit const& dl) {
    Value d = make_dict();
    for (auto const& entry : dl.entries) {
        if (!entry.key) {
            Value other = eval(th, f, *entry.value);
            th.set_pos(entry.value->pos);
            if (!other.is(TAG_DICT)) raise(th, ErrorType::TypeError, absl::StrCat("cannot spread ", std::string(type_name(other)), " into a dict"));
            other.as<Dict>()->for_each([&](Value const& k, Value const& v) { d.as<Dict>()->set(k, v); });
            continue;
        }
        Value key = eval(th, f, *entry.key);
        th.set_pos(entry.key->pos);
        key = dict_key(th, key);
        d.as<Dict>()->set(std::move(key), eval(th, f, *entry.value));
    }
    return d;
}

void Interpreter::eval_throw(Thread& th, Frame& f, ThrowExpr const& t) {
    Value v = eval(th, f, *t.value);
    th.set_pos(t.pos);
    throw_value(th, std::move(v));
}

Value Interpreter::eval_identifier(Thread& th, Frame& f, Identifier const& id) {
    if (id.ref.kind == VarKind::Local) {
        Value& slot = f.slots[id.ref.index];
        if (!slot.is_unbound()) return id.is_move ? slot.take() : slot;
    } else if (id.ref.kind == VarKind::Global) {
        Value& slot = f.module->globals[id.ref.index];
        if (th.rt.tasks_started.load(std::memory_order_relaxed)) {
            if (id.ref.index < f.module->frozen_ready.size() && f.module->frozen_ready[id.ref.index]) return slot;
            // Another task may store into the slot: copy (or take) it under its lock.
            MaybeLock guard(f.module->lock_for(id.ref.index), true);
            if (!slot.is_unbound()) return id.is_move ? slot.take() : slot;
        } else if (!slot.is_unbound()) {
            return id.is_move ? slot.take() : slot;
        }
    }
    return read_var(th, f, id.ref, id.name, id.pos);
}

// The value of a literal or a bound plain local without copying it, else null: the operands of
// most arithmetic need no refcount traffic at all.
static inline Value const* peek(Frame& f, Expr const& e) {
    if (e.kind == NodeKind::Literal) return &as<Literal>(e).value;
    if (e.kind != NodeKind::Identifier) return nullptr;
    auto const& id = as<Identifier>(e);
    if (id.ref.kind != VarKind::Local || id.is_move) return nullptr;
    Value const& v = f.slots[id.ref.index];
    return v.is_unbound() ? nullptr : &v;
}

bool is_pure_arith(Expr const& e) {
    switch (e.kind) {
    case NodeKind::Literal: return true;
    case NodeKind::Identifier: return as<Identifier>(e).ref.kind == VarKind::Local;  // A move of an Int is a read.
    case NodeKind::Binary: {
        auto const& b = as<Binary>(e);
        return b.op <= BinOp::Mod && is_pure_arith(*b.lhs) && is_pure_arith(*b.rhs);
    }
    default: return false;
    }
}

IntResult try_eval_int(Frame& f, Expr const& e) {
    switch (e.kind) {
    case NodeKind::Literal:
    case NodeKind::Identifier: return int_operand(f, e);
    case NodeKind::Binary: {
        auto const& b = as<Binary>(e);
        IntResult x = int_operand(f, *b.lhs);
        if (!x.ok) return x;
        IntResult y = int_operand(f, *b.rhs);
        if (!y.ok) return y;
        int64_t r;
        bool overflow;
        switch (b.op) {
        case BinOp::Add: overflow = __builtin_add_overflow(x.value, y.value, &r); return {r, !overflow};
        case BinOp::Sub: overflow = __builtin_sub_overflow(x.value, y.value, &r); return {r, !overflow};
        case BinOp::Mul: overflow = __builtin_mul_overflow(x.value, y.value, &r); return {r, !overflow};
        case BinOp::Div:
            if (y.value <= 0) return {0, false};
            return {x.value / y.value, true};
        case BinOp::Mod:
            if (y.value <= 0) return {0, false};
            return {x.value % y.value, true};
        default: return {0, false};
        }
    }
    default: return {0, false};
    }
}

// Binary operators on evaluated operands: the int fast path when the operands are not pure
// arithmetic, in-place string and array `+` on a temporary left operand, else the runtime.
Value Interpreter::eval_binary_values(Thread& th, Frame& f, Binary const& b) {
    Value const* lp = peek(f, *b.lhs);
    Value lhs_storage = lp ? Value() : eval_inline(th, f, *b.lhs);
    if (!lp) lp = &lhs_storage;
    Value const* rp = peek(f, *b.rhs);
    Value rhs_storage = rp ? Value() : eval_inline(th, f, *b.rhs);
    if (!rp) rp = &rhs_storage;
    Value const& lhs = *lp;
    Value const& rhs = *rp;
    if (lhs.is_int() && rhs.is_int()) {
        b.feedback.record(FB_INT_INT);
        RawValue result;
        if (int_binop(b.op, lhs.as_int(), rhs.as_int(), result)) return Value::from_raw_owned(result);
    } else if (lhs.is(TAG_STR) && rhs.is(TAG_STR)) {
        b.feedback.record(FB_STR_STR);
        if (b.op == BinOp::Add && lp == &lhs_storage) return binop_add_move(th, lhs_storage, rhs);
    } else {
        b.feedback.record(lhs.is_float() && rhs.is_float() ? FB_FLOAT_FLOAT : lhs.is_number() && rhs.is_number() ? FB_INT_FLOAT : FB_OTHER);
        if (b.op == BinOp::Add && lhs.is(TAG_ARRAY) && lp == &lhs_storage) {
            th.set_pos(b.pos);
            return binop_add_move(th, lhs_storage, rhs);
        }
    }
    th.set_pos(b.pos);
    return binop(th, b.op, lhs, rhs);
}

// A condition's truth without materialising a Bool for int comparisons.
bool Interpreter::eval_condition(Thread& th, Frame& f, Expr const& e) {
    bool out;
    if (int_condition(f, e, out)) return out;
    return truthy(eval(th, f, e));
}

Value Interpreter::eval_logical(Thread& th, Frame& f, Logical const& l) {
    switch (l.op) {
    case LogicalOp::And: return Value::from_bool(truthy(eval(th, f, *l.lhs)) && truthy(eval(th, f, *l.rhs)));
    case LogicalOp::Or: return Value::from_bool(truthy(eval(th, f, *l.lhs)) || truthy(eval(th, f, *l.rhs)));
    case LogicalOp::Coalesce: {
        Value v = eval(th, f, *l.lhs);
        return v.is_null() ? eval(th, f, *l.rhs) : v;
    }
    case LogicalOp::Pipe: {
        Value arg = eval(th, f, *l.lhs);
        Value callee = eval(th, f, *l.rhs);
        th.set_pos(l.pos);
        return call_value(th, callee, std::span<Value>(&arg, 1));
    }
    }
    return Value();
}

Value Interpreter::eval_unary(Thread& th, Frame& f, Unary const& u) {
    Value v = eval(th, f, *u.operand);
    th.set_pos(u.pos);
    switch (u.op) {
    case UnaryOp::Neg: return negate(th, v);
    case UnaryOp::Not: return logical_not(th, v);
    case UnaryOp::Await: return eval_await(th, std::move(v));
    }
    return Value();
}

// The callee of `name(...)` when `name` is a function global bound once by its declaration and
// never rebound (a frozen global): borrowed from the slot without reference count traffic, as
// the module keeps it alive. Once tasks run, only a slot published as frozen_ready is read
// without its lock.
static inline Function* frozen_callee(Thread& th, Frame& f, Expr const& callee) {
    if (callee.kind != NodeKind::Identifier) return nullptr;
    auto const& id = as<Identifier>(callee);
    if (id.ref.kind != VarKind::Global || id.is_move) return nullptr;
    Module* m = f.module;
    uint32_t i = id.ref.index;
    if (!m->frozen[i]) return nullptr;
    if (th.rt.tasks_started.load(std::memory_order_relaxed) && !(i < m->frozen_ready.size() && m->frozen_ready[i]))
        return nullptr;
    Value const& slot = m->globals[i];
    return slot.is(TAG_FUNCTION) ? slot.as<Function>() : nullptr;
}

Value Interpreter::eval_call(Thread& th, Frame& f, Call const& c) {
    // The cached target is the callee while the global's slot still holds it: a frozen global is
    // bound once and never rebound, so the slot, which keeps the function alive, is read without
    // a lock or a count, and a stale target is only compared, never dereferenced.
    Function* fn = c.target.load(std::memory_order_relaxed);
    if (fn && f.module->globals[as<Identifier>(*c.callee).ref.index].bits() == reinterpret_cast<uint64_t>(fn)) [[likely]]
        return call_direct(th, f, c, fn);
    fn = frozen_callee(th, f, *c.callee);
    if (fn && static_cast<FunctionNode const*>(fn->info->code)->direct_arity == c.args.size()) {
        c.target.store(fn, std::memory_order_relaxed);
        return call_direct(th, f, c, fn);
    }
    return eval_call_generic(th, f, c, fn);
}

// Any other call: `fn` is the callee when frozen_callee found it, else the callee is evaluated
// (and `callee` keeps it alive for the call, also when it takes the direct path).
Value Interpreter::eval_call_generic(Thread& th, Frame& f, Call const& c, Function* fn) {
    Value callee;
    size_t n = c.args.size();
    if (!fn) {
        callee = eval(th, f, *c.callee);
        if (callee.is(TAG_FUNCTION)) {
            fn = callee.as<Function>();
            if (static_cast<FunctionNode const*>(fn->info->code)->direct_arity == n) return call_direct(th, f, c, fn);
        }
    }
    ArgBuffer args{static_cast<Value*>(alloca(sizeof(Value) * (n ? n : 1)))};
    eval_arguments(
        c, args, [&](Expr const& e) { return eval(th, f, e); },
        [&](Identifier const& id) { return eval_identifier(th, f, id); });
    th.set_pos(c.pos);
    std::span<Value> span(args.values, n);
    if (fn) return call(th, fn, span);
    if (!callee.is(TAG_BUILTIN)) return call_value(th, callee, span);
    try {
        return call_value(th, callee, span);
    } catch (...) {
        // A moved argument (`a := push(a, x)`) goes back to its variable if the built-in failed.
        for (size_t i = 0; i < n; ++i) {
            auto const& arg = *c.args[i];
            if (arg.kind == NodeKind::Identifier && as<Identifier>(arg).is_move && !args.values[i].is_null()) {
                auto const& id = as<Identifier>(arg);
                Value& slot = id.ref.kind == VarKind::Local ? f.slots[id.ref.index] : f.module->globals[id.ref.index];
                if (slot.is_unbound()) slot = std::move(args.values[i]);
            }
        }
        throw;
    }
}

// A call of a plain function with simple parameters and the right argument count: the
// arguments are evaluated (left to right, moves last) straight into the callee's slots, which
// live on this native frame; no arity check, no argument buffer, no parameter binding.
Value Interpreter::call_direct(Thread& th, Frame& f, Call const& c, Function* fn) {
    auto const& node = *static_cast<FunctionNode const*>(fn->info->code);
    uint32_t size = node.frame_size;  // Parameters come first, so size >= c.args.size().
    // Small frames use a fixed buffer: no dynamic stack adjustment on the common path.
    constexpr uint32_t k_small_frame = 4;
    alignas(Value) unsigned char small[sizeof(Value) * k_small_frame];
    void* storage = size <= k_small_frame ? static_cast<void*>(small) : alloca(sizeof(Value) * size);
    ArgBuffer slots{static_cast<Value*>(storage)};
    eval_arguments(
        c, slots, [&](Expr const& e) { return eval_inline(th, f, e); },
        [&](Identifier const& id) { return eval_identifier(th, f, id); });
    for (; slots.count < size; ++slots.count) new (&slots.values[slots.count]) Value(Value::unbound());
    th.set_pos(c.pos);
    bump_counter(node.calls);
    FrameGuard guard(th, fn->info->name, node.file, node.pos);
    // Spawn and test bodies are top level, as in call_body (never reached from here in practice).
    Frame frame{slots.values, fn, fn->module, &node, {}, node.name.empty() && !fn->info->is_lambda};
    try {
        exec_block(th, frame, *node.body);
    } catch (EarlyReturn& r) {
        return std::move(r.value);
    }
    return std::move(frame.ret);
}

static bool is_place(Expr const& e) {
    if (e.kind == NodeKind::Identifier) return true;
    if (e.kind == NodeKind::Index) return is_place(*as<Index>(e).object);
    if (e.kind == NodeKind::Field) return !as<Field>(e).optional && is_place(*as<Field>(e).object);
    return false;
}

Value Interpreter::eval_method_call(Thread& th, Frame& f, MethodCall const& c) {
    Value object = eval(th, f, *c.object);
    size_t n = c.args.size();
    ArgBuffer args{static_cast<Value*>(alloca(sizeof(Value) * (n + 1)))};
    new (&args.values[0]) Value(object);
    args.count = 1;
    for (; args.count <= n; ++args.count) new (&args.values[args.count]) Value(eval(th, f, *c.args[args.count - 1]));
    th.set_pos(c.pos);
    if (object.is(TAG_STRUCT)) {
        auto* def = object.as<Struct>()->definition();
        if (Value const* method = def->method(c.name)) {
            Function* fn = method->as<Function>();
            bool write_back = fn->info->kind == FunctionKind::Normal && is_place(*c.object);
            if (!write_back) return call(th, fn, std::span<Value>(args.values, n + 1));
            // The method may change self; the changed value is written back to the receiver
            // place, also when the method raises (DECISIONS.md "Structs").
            Value final_self;
            Value result;
            try {
                result = call(th, fn, std::span<Value>(args.values, n + 1), &final_self);
            } catch (...) {
                if (!final_self.is_null() && final_self.obj() != object.obj()) assign_place(th, f, *c.object, std::move(final_self));
                throw;
            }
            if (!final_self.is_null() && final_self.obj() != object.obj()) assign_place(th, f, *c.object, std::move(final_self));
            return result;
        }
        int field = def->field_index(c.name);
        if (field >= 0) return call_value(th, object.as<Struct>()->fields[field], std::span<Value>(args.values + 1, n));
        raise(th, Msg::NoMethod, def->name, c.name);
    }
    if (object.is(TAG_MODULE)) {
        Value fn = field_get(th, object, c.name);
        return call_value(th, fn, std::span<Value>(args.values + 1, n));
    }
    return eval_builtin_method(th, object, c, std::span<Value>(args.values + 1, n));
}

// Channel methods (STDLIB §3.2, ASYNC.md §5.2).
static Value channel_method(Thread& th, Channel* ch, std::string_view name, std::span<Value> args) {
    if (name == "send") {
        check_arity(th, "send", 1, 1, args.size());
        return Value::from_bool(channel_send(th, ch, args[0]));
    }
    if (name == "receive_timeout") {
        check_arity(th, "receive_timeout", 1, 1, args.size());
        if (!args[0].is_int()) raise(th, Msg::BadArgument, "receive_timeout", 1, "int", type_name(args[0]));
        return channel_receive_timeout(th, ch, args[0].as_int());
    }
    check_arity(th, name, 0, 0, args.size());
    if (name == "receive") return channel_receive(th, ch);
    if (name == "try_receive") return channel_try_receive(th, ch);
    if (name == "close") {
        channel_close(th, ch);
        return Value();
    }
    raise(th, Msg::NoMethod, "channel", name);
}

// Iterator methods on arrays, strings, generators and iterators (STDLIB §3.1), composing lazily.
Value Interpreter::eval_builtin_method(Thread& th, Value& object, MethodCall const& c, std::span<Value> args) {
    auto as_iterator = [&]() -> Value {
        switch (object.tag()) {
        case TAG_ITERATOR: return object;
        case TAG_ARRAY: return make_iterator(th, IterKind::Array, object);
        case TAG_STR: return make_iterator(th, IterKind::String, object);
        case TAG_GENERATOR: return make_iterator(th, IterKind::Generator, object);
        default: raise(th, Msg::NoMethod, type_name(object), c.name);
        }
    };
    std::string_view name = c.name;
    if (object.is(TAG_CHANNEL)) return channel_method(th, object.as<Channel>(), name, args);
    if (name == "map" || name == "filter") {
        check_arity(th, name, 1, 1, args.size());
        return make_iterator(th, name == "map" ? IterKind::Map : IterKind::Filter, as_iterator(), args[0]);
    }
    if (name == "take") {
        check_arity(th, name, 1, 1, args.size());
        if (!args[0].is_int()) raise(th, Msg::BadArgument, "take", 1, "int", type_name(args[0]));
        return make_iterator(th, IterKind::Take, as_iterator(), {}, args[0].as_int());
    }
    if (name == "collect") {
        check_arity(th, name, 0, 0, args.size());
        Value it = as_iterator();
        std::vector<Value> items;
        Value item;
        while (iterator_next(th, it.as<Iterator>(), item)) items.push_back(std::move(item));
        return make_array(std::move(items));
    }
    if (name == "next" && (object.is(TAG_ITERATOR) || object.is(TAG_GENERATOR))) {
        check_arity(th, name, 0, 0, args.size());
        Value item;
        bool produced = object.is(TAG_ITERATOR) ? iterator_next(th, object.as<Iterator>(), item)
                                                : generator_next(th, object.as<Generator>(), item);
        return produced ? make_some(std::move(item)) : make_none();
    }
    raise(th, Msg::NoMethod, type_name(object), c.name);
}

Value Interpreter::eval_struct_literal(Thread& th, Frame& f, StructLit const& s) {
    Value type = eval(th, f, *s.type);
    th.set_pos(s.pos);
    if (!type.is(TAG_STRUCTDEF)) raise(th, Msg::NotAStruct, to_display(type));
    auto* def = type.as<StructDef>();
    auto* object = new Struct();
    Value result = Value::adopt(TAG_STRUCT, object);
    object->def = type;
    object->fields.resize(def->fields.size());
    for (size_t i = 0; i < s.fields.size(); ++i) {
        auto const& [name, expr] = s.fields[i];
        int index = def->field_index(name);
        if (index < 0) {
            th.set_pos(i < s.field_pos.size() ? s.field_pos[i] : s.pos);
            raise(th, Msg::NoField, def->name, name);
        }
        object->fields[index] = eval(th, f, *expr);
    }
    return result;
}

Value Interpreter::eval_tag(Thread& th, Frame& f, TagExpr const& t) {
    std::vector<Value> fields;
    fields.reserve(t.args.size());
    for (auto const& a : t.args) fields.push_back(eval(th, f, *a));
    if (t.tag_kind == TagKind::None) return make_none();
    return make_tagged(t.tag_kind, t.tag_kind == TagKind::User ? t.full_name : std::string(), std::move(fields));
}

Value Interpreter::eval_try_op(Thread& th, Frame& f, TryOp const& t) {
    Value v = eval(th, f, *t.operand);
    th.set_pos(t.pos);
    if (!v.is(TAG_TAGGED) || v.as<Tagged>()->tag_kind == TagKind::User) raise(th, Msg::BadTryOperand, type_name(v));
    auto* tagged = v.as<Tagged>();
    if (tagged->tag_kind == TagKind::Ok || tagged->tag_kind == TagKind::Some) return tagged->fields[0];
    if (f.is_top_level) {
        std::string shown = tagged->tag_kind == TagKind::None ? "None" : to_display(v);
        raise(th, Msg::UnhandledTry, shown);
    }
    throw EarlyReturn{std::move(v)};
}

}  // namespace ruff::interp
