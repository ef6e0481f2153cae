// Every dynamic operation on values, defined once and called by both tiers (STYLE.md "One
// operation, two tiers"): truthiness, arithmetic, comparison, equality, display, indexing,
// fields, calls and iteration. Failures raise (runtime/error.h).
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include "runtime/error.h"
#include "runtime/objects.h"
#include "runtime/thread.h"

namespace ruff {

enum class BinOp : uint8_t { Add, Sub, Mul, Div, Mod, Eq, Ne, Lt, Le, Gt, Ge };
std::string_view binop_symbol(BinOp op);

// The one truthiness rule: false, null, 0, 0.0, "", [], {} are falsy; all else is truthy.
bool truthy(Value const& v);

// Arithmetic and comparison. `binop` dispatches to op_* methods when the left operand is a struct.
Value binop(Thread& th, BinOp op, Value const& a, Value const& b);
// `a + b` that may append in place when `a` is a unique string or array (a is left empty then).
Value binop_add_move(Thread& th, Value& a, Value const& b);
Value negate(Thread& th, Value const& v);
Value logical_not(Thread& th, Value const& v);  // op_not on structs, else !truthy.
Value int_add(Thread& th, int64_t a, int64_t b);
Value int_sub(Thread& th, int64_t a, int64_t b);
Value int_mul(Thread& th, int64_t a, int64_t b);

// Exact value equality across all kinds (op_eq for structs; dicts ignore order).
bool values_equal(Thread& th, Value const& a, Value const& b);
// Ordering for < <= > >= and sort: numbers and strings only, else TypeError.
int compare_values(Thread& th, Value const& a, Value const& b);

// Display form (print, to_string, interpolation) and debug form (debug()).
void display(std::string& out, Value const& v);
std::string to_display(Value const& v);
void debug_repr(std::string& out, Value const& v);
std::string format_float(double d);

// Indexing. Negative indexes count from the end; Int dict keys become decimal strings.
Value index_get(Thread& th, Value const& container, Value const& index);
void index_set(Thread& th, Value& container, Value const& index, Value v);
// Converts a dict key (String or Int) to its String form, else raises TypeError.
Value dict_key(Thread& th, Value const& key);
// Resolves a (possibly negative) index against a length; raises IndexError when out of range.
size_t resolve_index(Thread& th, int64_t index, size_t length);

// Fields: structs, caught errors, modules (exported names), tagged payloads.
Value field_get(Thread& th, Value const& object, std::string_view name);
void field_set(Thread& th, Value& object, std::string_view name, Value v);

// Calls. Arity is checked here for built-ins and by the tier for user functions.
Value call_value(Thread& th, Value const& callee, std::span<Value> args);
void check_arity(Thread& th, std::string_view name, uint32_t min, int64_t max, size_t got);

// Iteration protocol for `for`, iterator methods and built-ins that take any iterable.
class ValueIterator {
public:
    ValueIterator(Thread& th, Value iterable);
    bool next(Thread& th, Value& out);
private:
    Value m_source;
    size_t m_position = 0;
    int m_mode = 0;
};
// Pulls the next item from an Iterator pipeline; false when exhausted.
bool iterator_next(Thread& th, Iterator* it, Value& out);
Value make_iterator(Thread& th, IterKind kind, Value source, Value fn = {}, int64_t n = 0);
bool generator_next(Thread& th, Generator* g, Value& out);

// UTF-8 helpers (strings count Unicode scalars).
size_t utf8_length(std::string_view s);
// Byte offset of the scalar at `index` (index <= length).
size_t utf8_offset(String const* s, size_t index);
std::string_view utf8_char_at(String const* s, size_t index);

}  // namespace ruff
