// Int fast paths of the tree-walker, shared by expression evaluation and the statements that
// inline them (conditions, local assignments). Each falls back to the generic path, which
// computes the same result or raises, whenever an operand is not an Int or an operation would
// overflow or divide by zero or a negative number.
#pragma once

#include "interp/interpreter.h"

// The helpers below are a few instructions each and sit on every hot path. A unity build puts
// the whole interpreter in one translation unit, where GCC's inlining budget runs out and would
// leave them as calls, so they are forced inline.
#define RUFF_HOT_INLINE [[gnu::always_inline]] inline

namespace ruff::interp {

RUFF_HOT_INLINE bool int_compare(BinOp op, int64_t x, int64_t y, bool& out) {
    switch (op) {
    case BinOp::Lt: out = x < y; return true;
    case BinOp::Le: out = x <= y; return true;
    case BinOp::Gt: out = x > y; return true;
    case BinOp::Ge: out = x >= y; return true;
    case BinOp::Eq: out = x == y; return true;
    case BinOp::Ne: out = x != y; return true;
    default: return false;
    }
}

// Int (op) Int without raising: false when the generic path must decide (overflow, a zero or
// negative divisor), which then raises or computes the exact result. The result is an Int or a
// Bool, so a RawValue: no reference count for the compiler to track.
RUFF_HOT_INLINE bool int_binop(BinOp op, int64_t x, int64_t y, RawValue& out) {
    int64_t r;
    bool cmp;
    switch (op) {
    case BinOp::Add:
        if (__builtin_add_overflow(x, y, &r)) return false;
        break;
    case BinOp::Sub:
        if (__builtin_sub_overflow(x, y, &r)) return false;
        break;
    case BinOp::Mul:
        if (__builtin_mul_overflow(x, y, &r)) return false;
        break;
    case BinOp::Mod:
        if (y <= 0) return false;
        r = x % y;
        break;
    case BinOp::Div:
        if (y <= 0) return false;
        r = x / y;
        break;
    default:
        if (!int_compare(op, x, y, cmp)) return false;
        out = RawValue{TAG_BOOL, cmp ? 1u : 0u};
        return true;
    }
    out = RawValue{TAG_INT, static_cast<uint64_t>(r)};
    return true;
}

// Arithmetic over literals and plain locals only: evaluating it has no side effects.
bool is_pure_arith(ast::Expr const& e);

RUFF_HOT_INLINE bool has_pure_operands(ast::Binary const& b) {
    uint8_t state = b.pure_operands.load(std::memory_order_relaxed);
    if (state == 0) [[unlikely]] {
        state = is_pure_arith(*b.lhs) && is_pure_arith(*b.rhs) ? 1 : 2;
        b.pure_operands.store(state, std::memory_order_relaxed);
    }
    return state == 1;
}

// A machine int, or ok == false: returned in two registers rather than through memory.
struct IntResult {
    int64_t value;
    bool ok;
};

// Evaluates a side-effect-free int expression with machine ints. Not ok when any operand is not
// an Int or an operation would raise: the caller then takes the generic path, which raises.
IntResult try_eval_int(Frame& f, ast::Expr const& e);

// try_eval_int with its leaves (a plain local, a literal) inline: most operands are leaves.
RUFF_HOT_INLINE IntResult int_operand(Frame& f, ast::Expr const& e) {
    using namespace ast;
    if (e.kind == NodeKind::Identifier) {
        Value const& v = f.slots[as<Identifier>(e).ref.index];
        return {v.as_int(), v.is_int()};
    }
    if (e.kind == NodeKind::Literal) {
        Value const& v = as<Literal>(e).value;
        return {v.as_int(), v.is_int()};
    }
    return try_eval_int(f, e);
}

// `b` over pure Int operands, as a Value; false sends the caller to eval_binary_values.
RUFF_HOT_INLINE bool pure_int_binary(Frame& f, ast::Binary const& b, RawValue& out) {
    if (!has_pure_operands(b)) return false;
    IntResult x = int_operand(f, *b.lhs);
    if (!x.ok) return false;
    IntResult y = int_operand(f, *b.rhs);
    if (!y.ok) return false;
    b.feedback.record(ast::FB_INT_INT);
    return int_binop(b.op, x.value, y.value, out);
}

// A comparison of pure Int operands as a bool; false when the condition needs eval + truthy.
RUFF_HOT_INLINE bool int_condition(Frame& f, ast::Expr const& e, bool& out) {
    using namespace ast;
    if (e.kind != NodeKind::Binary) return false;
    auto const& b = as<Binary>(e);
    if (!has_pure_operands(b)) return false;
    IntResult x = int_operand(f, *b.lhs);
    if (!x.ok) return false;
    IntResult y = int_operand(f, *b.rhs);
    if (!y.ok || !int_compare(b.op, x.value, y.value, out)) return false;
    b.feedback.record(FB_INT_INT);
    return true;
}

// eval with the commonest nodes handled before the dispatch: a bound plain local (copied), pure
// int arithmetic, and a call (which dispatches on its own).
RUFF_HOT_INLINE Value Interpreter::eval_inline(Thread& th, Frame& f, ast::Expr const& e) {
    using namespace ast;
    if (e.kind == NodeKind::Identifier) {
        auto const& id = as<Identifier>(e);
        if (id.ref.kind == VarKind::Local && !id.is_move) {
            Value const& slot = f.slots[id.ref.index];
            if (!slot.is_unbound()) return slot;
        }
    } else if (e.kind == NodeKind::Binary) {
        RawValue result;
        if (pure_int_binary(f, as<Binary>(e), result)) return Value::from_raw_owned(result);
        return eval_binary_values(th, f, as<Binary>(e));
    } else if (e.kind == NodeKind::Call) {
        return eval_call(th, f, as<Call>(e));
    }
    return eval(th, f, e);
}

}  // namespace ruff::interp
