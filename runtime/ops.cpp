// The only definitions of Ruff's dynamic operations: truthiness, arithmetic, comparison,
// equality, indexing, fields, calls and iteration. Both tiers call these.
#include "runtime/ops.h"

#include <cmath>
#include <cstring>

#include "absl/strings/str_cat.h"
#include "runtime/share.h"

namespace ruff {

std::string_view binop_symbol(BinOp op) {
    switch (op) {
    case BinOp::Add: return "+";
    case BinOp::Sub: return "-";
    case BinOp::Mul: return "*";
    case BinOp::Div: return "/";
    case BinOp::Mod: return "%";
    case BinOp::Eq: return "==";
    case BinOp::Ne: return "!=";
    case BinOp::Lt: return "<";
    case BinOp::Le: return "<=";
    case BinOp::Gt: return ">";
    case BinOp::Ge: return ">=";
    }
    return "?";
}

static std::string_view binop_verb(BinOp op) {
    switch (op) {
    case BinOp::Add: return "add";
    case BinOp::Sub: return "subtract";
    case BinOp::Mul: return "multiply";
    case BinOp::Div: return "divide";
    case BinOp::Mod: return "modulo";
    default: return "compare";
    }
}

static std::string_view operator_method(BinOp op) {
    switch (op) {
    case BinOp::Add: return "op_add";
    case BinOp::Sub: return "op_sub";
    case BinOp::Mul: return "op_mul";
    case BinOp::Div: return "op_div";
    case BinOp::Mod: return "op_mod";
    case BinOp::Eq: return "op_eq";
    case BinOp::Ne: return "op_ne";
    case BinOp::Lt: return "op_lt";
    case BinOp::Le: return "op_le";
    case BinOp::Gt: return "op_gt";
    case BinOp::Ge: return "op_ge";
    }
    return "";
}

bool truthy(Value const& v) {
    switch (v.tag()) {
    case TAG_NULL: return false;
    case TAG_BOOL: return v.as_bool();
    case TAG_INT: return v.as_int() != 0;
    case TAG_FLOAT: return v.as_float() != 0.0;
    case TAG_STR: return !v.as<String>()->data.empty();
    case TAG_ARRAY: return !v.as<Array>()->items.empty();
    case TAG_DICT: return v.as<Dict>()->size() != 0;
    default: return true;
    }
}

// ---------------------------------------------------------------------------------------------
// Arithmetic

Value int_add(Thread& th, int64_t a, int64_t b) {
    int64_t r;
    if (__builtin_add_overflow(a, b, &r)) raise(th, Msg::IntOverflow, a, "+", b);
    return Value::from_int(r);
}

Value int_sub(Thread& th, int64_t a, int64_t b) {
    int64_t r;
    if (__builtin_sub_overflow(a, b, &r)) raise(th, Msg::IntOverflow, a, "-", b);
    return Value::from_int(r);
}

Value int_mul(Thread& th, int64_t a, int64_t b) {
    int64_t r;
    if (__builtin_mul_overflow(a, b, &r)) raise(th, Msg::IntOverflow, a, "*", b);
    return Value::from_int(r);
}

static Value int_arith(Thread& th, BinOp op, int64_t a, int64_t b) {
    switch (op) {
    case BinOp::Add: return int_add(th, a, b);
    case BinOp::Sub: return int_sub(th, a, b);
    case BinOp::Mul: return int_mul(th, a, b);
    case BinOp::Div:
        if (b == 0) raise(th, Msg::DivisionByZero);
        if (a == INT64_MIN && b == -1) raise(th, Msg::IntOverflow, a, "/", b);
        return Value::from_int(a / b);
    case BinOp::Mod:
        if (b == 0) raise(th, Msg::ModuloByZero);
        if (b == -1) return Value::from_int(0);
        return Value::from_int(a % b);
    default: return Value();
    }
}

static Value float_arith(Thread& th, BinOp op, double a, double b) {
    switch (op) {
    case BinOp::Add: return Value::from_float(a + b);
    case BinOp::Sub: return Value::from_float(a - b);
    case BinOp::Mul: return Value::from_float(a * b);
    case BinOp::Div:
        if (b == 0.0) raise(th, Msg::DivisionByZero);
        return Value::from_float(a / b);
    case BinOp::Mod:
        if (b == 0.0) raise(th, Msg::ModuloByZero);
        return Value::from_float(std::fmod(a, b));
    default: return Value();
    }
}

[[noreturn]] static void raise_bad_operands(Thread& th, BinOp op, Value const& a, Value const& b) {
    if (op >= BinOp::Lt) raise(th, Msg::CannotCompare, type_name(a), type_name(b));
    bool hint = op == BinOp::Add && (a.is(TAG_STR) || b.is(TAG_STR));
    raise(th, Msg::BadOperands, binop_verb(op), type_name(a), type_name(b), hint ? " (use to_string())" : "");
}

// Calls `left.op_xxx(right)` if the left operand is a struct defining it; false if it does not.
static bool call_operator_method(Thread& th, std::string_view name, Value const& left, Value const* right, Value& out) {
    if (!left.is(TAG_STRUCT)) return false;
    Value const* method = left.as<Struct>()->definition()->method(name);
    if (!method) return false;
    Value args[2] = {left, right ? *right : Value()};
    out = call_value(th, *method, std::span<Value>(args, right ? 2 : 1));
    return true;
}

static Value concat_arrays(Value const& a, Value const& b) {
    std::vector<Value> items = a.as<Array>()->items;
    auto const& more = b.as<Array>()->items;
    items.insert(items.end(), more.begin(), more.end());
    return make_array(std::move(items));
}

Value binop(Thread& th, BinOp op, Value const& a, Value const& b) {
    if (a.is_int() && b.is_int()) {
        int64_t x = a.as_int(), y = b.as_int();
        switch (op) {
        case BinOp::Eq: return Value::from_bool(x == y);
        case BinOp::Ne: return Value::from_bool(x != y);
        case BinOp::Lt: return Value::from_bool(x < y);
        case BinOp::Le: return Value::from_bool(x <= y);
        case BinOp::Gt: return Value::from_bool(x > y);
        case BinOp::Ge: return Value::from_bool(x >= y);
        default: return int_arith(th, op, x, y);
        }
    }
    if (a.is_number() && b.is_number() && op <= BinOp::Mod) return float_arith(th, op, a.as_number(), b.as_number());
    Value result;
    if (call_operator_method(th, operator_method(op), a, &b, result)) return result;
    switch (op) {
    case BinOp::Eq: return Value::from_bool(values_equal(th, a, b));
    case BinOp::Ne: return Value::from_bool(!values_equal(th, a, b));
    case BinOp::Lt: return Value::from_bool(compare_values(th, a, b) < 0);
    case BinOp::Le: return Value::from_bool(compare_values(th, a, b) <= 0);
    case BinOp::Gt: return Value::from_bool(compare_values(th, a, b) > 0);
    case BinOp::Ge: return Value::from_bool(compare_values(th, a, b) >= 0);
    case BinOp::Add:
        if (a.is(TAG_STR) && b.is(TAG_STR)) {
            std::string s;
            s.reserve(string_view_of(a).size() + string_view_of(b).size());
            s.append(string_view_of(a)).append(string_view_of(b));
            return make_string(std::move(s));
        }
        if (a.is(TAG_ARRAY) && b.is(TAG_ARRAY)) return concat_arrays(a, b);
        break;
    default: break;
    }
    raise_bad_operands(th, op, a, b);
}

Value binop_add_move(Thread& th, Value& a, Value const& b) {
    if (a.is(TAG_STR) && b.is(TAG_STR) && is_unique(a.obj())) {
        a.as<String>()->append(string_view_of(b));
        return a.take();
    }
    if (a.is(TAG_ARRAY) && b.is(TAG_ARRAY) && is_unique(a.obj())) {
        share_into(a.obj(), b);
        auto& items = a.as<Array>()->items;
        auto const& more = b.as<Array>()->items;
        items.insert(items.end(), more.begin(), more.end());
        return a.take();
    }
    return binop(th, BinOp::Add, a, b);
}

Value negate(Thread& th, Value const& v) {
    if (v.is_int()) {
        if (v.as_int() == INT64_MIN) raise(th, Msg::NegOverflow, v.as_int());
        return Value::from_int(-v.as_int());
    }
    if (v.is_float()) return Value::from_float(-v.as_float());
    Value result;
    if (call_operator_method(th, "op_neg", v, nullptr, result)) return result;
    raise(th, Msg::BadUnary, type_name(v));
}

Value logical_not(Thread& th, Value const& v) {
    Value result;
    if (call_operator_method(th, "op_not", v, nullptr, result)) return result;
    return Value::from_bool(!truthy(v));
}

// ---------------------------------------------------------------------------------------------
// Equality and ordering

static bool items_equal(Thread& th, std::vector<Value> const& a, std::vector<Value> const& b) {
    if (a.size() != b.size()) return false;
    for (size_t i = 0; i < a.size(); ++i)
        if (!values_equal(th, a[i], b[i])) return false;
    return true;
}

static bool dicts_equal(Thread& th, Dict const& a, Dict const& b) {
    if (a.size() != b.size()) return false;
    bool equal = true;
    a.for_each([&](Value const& key, Value const& value) {
        if (!equal) return;
        Value const* other = b.find(string_view_of(key));
        equal = other && values_equal(th, value, *other);
    });
    return equal;
}

// Sets are equal when they have the same members, in any order (members are distinct).
static bool sets_equal(Thread& th, std::vector<Value> const& a, std::vector<Value> const& b) {
    if (a.size() != b.size()) return false;
    for (auto const& x : a) {
        bool found = false;
        for (auto const& y : b)
            if (values_equal(th, x, y)) {
                found = true;
                break;
            }
        if (!found) return false;
    }
    return true;
}

bool values_equal(Thread& th, Value const& a, Value const& b) {
    if (a.is_number() && b.is_number()) {
        if (a.is_int() && b.is_int()) return a.as_int() == b.as_int();
        return a.as_number() == b.as_number();
    }
    if (a.tag() != b.tag()) return false;
    switch (a.tag()) {
    case TAG_NULL: return true;
    case TAG_BOOL: return a.as_bool() == b.as_bool();
    case TAG_STR: return a.obj() == b.obj() || string_view_of(a) == string_view_of(b);
    case TAG_ARRAY: return a.obj() == b.obj() || items_equal(th, a.as<Array>()->items, b.as<Array>()->items);
    case TAG_DICT: return a.obj() == b.obj() || dicts_equal(th, *a.as<Dict>(), *b.as<Dict>());
    case TAG_STRUCT: {
        Value result;
        if (call_operator_method(th, "op_eq", a, &b, result)) return truthy(result);
        auto *x = a.as<Struct>(), *y = b.as<Struct>();
        return x->def.obj() == y->def.obj() && items_equal(th, x->fields, y->fields);
    }
    case TAG_TAGGED: {
        auto *x = a.as<Tagged>(), *y = b.as<Tagged>();
        return x->tag_kind == y->tag_kind && x->name == y->name && items_equal(th, x->fields, y->fields);
    }
    case TAG_BYTES: return a.as<Bytes>()->data == b.as<Bytes>()->data;
    case TAG_SET: return a.obj() == b.obj() || sets_equal(th, a.as<Set>()->items, b.as<Set>()->items);
    case TAG_QUEUE: return a.obj() == b.obj() || items_equal(th, a.as<Queue>()->items, b.as<Queue>()->items);
    case TAG_STACK: return a.obj() == b.obj() || items_equal(th, a.as<Stack>()->items, b.as<Stack>()->items);
    default: return a.obj() == b.obj();  // Functions and handles compare by identity.
    }
}

int compare_values(Thread& th, Value const& a, Value const& b) {
    if (a.is_int() && b.is_int()) return a.as_int() < b.as_int() ? -1 : a.as_int() > b.as_int() ? 1 : 0;
    if (a.is_number() && b.is_number()) {
        double x = a.as_number(), y = b.as_number();
        return x < y ? -1 : x > y ? 1 : 0;  // NaN compares "equal" here; < and > are both false.
    }
    if (a.is(TAG_STR) && b.is(TAG_STR)) {
        int c = string_view_of(a).compare(string_view_of(b));
        return c < 0 ? -1 : c > 0 ? 1 : 0;
    }
    raise(th, Msg::CannotCompare, type_name(a), type_name(b));
}

// ---------------------------------------------------------------------------------------------
// Indexing

size_t resolve_index(Thread& th, int64_t index, size_t length) {
    int64_t n = static_cast<int64_t>(length);
    int64_t i = index < 0 ? index + n : index;
    if (i < 0 || i >= n) raise(th, Msg::IndexRange, index, length);
    return static_cast<size_t>(i);
}

Value dict_key(Thread& th, Value const& key) {
    if (key.is(TAG_STR)) return key;
    if (key.is_int()) return make_string(absl::StrCat(key.as_int()));
    raise(th, Msg::DictKeyType, type_name(key));
}

static int64_t int_index(Thread& th, Value const& container, Value const& index) {
    if (!index.is_int()) raise(th, Msg::BadIndexType, type_name(container), type_name(index));
    return index.as_int();
}

Value index_get(Thread& th, Value const& container, Value const& index) {
    switch (container.tag()) {
    case TAG_ARRAY: {
        auto const& items = container.as<Array>()->items;
        return items[resolve_index(th, int_index(th, container, index), items.size())];
    }
    case TAG_STR: {
        auto* s = container.as<String>();
        size_t i = resolve_index(th, int_index(th, container, index), s->chars);
        return make_string(utf8_char_at(s, i));
    }
    case TAG_DICT: {
        Value key = dict_key(th, index);
        Value const* v = container.as<Dict>()->find(string_view_of(key));
        if (!v) raise(th, Msg::MissingKey, string_view_of(key));
        return *v;
    }
    case TAG_BYTES: {
        auto const& data = container.as<Bytes>()->data;
        size_t i = resolve_index(th, int_index(th, container, index), data.size());
        return Value::from_int(static_cast<unsigned char>(data[i]));
    }
    default: raise(th, Msg::NotIndexable, type_name(container));
    }
}

void index_set(Thread& th, Value& container, Value const& index, Value v) {
    switch (container.tag()) {
    case TAG_ARRAY: {
        int64_t i = int_index(th, container, index);
        size_t at = resolve_index(th, i, container.as<Array>()->items.size());
        Array* array = make_unique_array(container);
        share_into(array, v);
        array->items[at] = std::move(v);
        return;
    }
    case TAG_DICT: {
        Value key = dict_key(th, index);
        make_unique_dict(container)->set(std::move(key), std::move(v));
        return;
    }
    default: raise(th, Msg::NotIndexable, type_name(container));
    }
}

// ---------------------------------------------------------------------------------------------
// Fields

static Value error_field(Thread& th, ErrorObj* e, std::string_view name) {
    if (name == "type") return make_string(e->type);
    if (name == "message") return make_string(e->message);
    if (name == "line") return Value::from_int(e->line());
    if (name == "stack") {
        std::vector<Value> frames;
        for (auto const& f : e->trace)
            frames.push_back(make_string(absl::StrCat(f.function, " (", f.file ? f.file->path : "?", ":", f.line, ":", f.col, ")")));
        return make_array(std::move(frames));
    }
    if (e->thrown.is(TAG_STRUCT)) {
        auto* s = e->thrown.as<Struct>();
        int i = s->definition()->field_index(name);
        if (i >= 0) return s->fields[i];
    }
    raise(th, Msg::NoField, "error", name);
}

Value field_get(Thread& th, Value const& object, std::string_view name) {
    switch (object.tag()) {
    case TAG_STRUCT: {
        auto* s = object.as<Struct>();
        int i = s->definition()->field_index(name);
        if (i >= 0) return s->fields[i];
        if (Value const* m = s->definition()->method(name)) return *m;
        raise(th, Msg::NoField, s->definition()->name, name);
    }
    case TAG_ERROR: return error_field(th, object.as<ErrorObj>(), name);
    case TAG_MODULE: {
        auto* m = object.as<Module>();
        Value const* v = m->export_slot(name);
        if (!v || v->is_unbound()) raise(th, Msg::NoField, absl::StrCat("module ", m->name), name);
        return *v;
    }
    case TAG_STRUCTDEF: {
        if (Value const* m = object.as<StructDef>()->method(name)) return *m;
        raise(th, Msg::NoField, object.as<StructDef>()->name, name);
    }
    default: raise(th, Msg::NoField, type_name(object), name);
    }
}

void field_set(Thread& th, Value& object, std::string_view name, Value v) {
    if (!object.is(TAG_STRUCT)) raise(th, Msg::NoField, type_name(object), name);
    int i = object.as<Struct>()->definition()->field_index(name);
    if (i < 0) raise(th, Msg::NoField, object.as<Struct>()->definition()->name, name);
    Struct* s = make_unique_struct(object);
    share_into(s, v);
    s->fields[i] = std::move(v);
}

// ---------------------------------------------------------------------------------------------
// Calls

void check_arity(Thread& th, std::string_view name, uint32_t min, int64_t max, size_t got) {
    if (got >= min && (max < 0 || got <= static_cast<size_t>(max))) return;
    if (max < 0) raise(th, Msg::ArityAtLeast, name, min, got);
    if (min == max) raise(th, Msg::Arity, name, min, got);
    raise(th, Msg::ArityRange, name, min, max, got);
}

Value call_value(Thread& th, Value const& callee, std::span<Value> args) {
    if (callee.is(TAG_BUILTIN)) {
        auto* b = callee.as<Builtin>();
        check_arity(th, b->name, b->min_args, b->max_args, args.size());
        return b->fn(th, args);
    }
    if (callee.is(TAG_FUNCTION)) return th.rt.call_function(th, callee.as<Function>(), args);
    raise(th, Msg::NotCallable, type_name(callee));
}

// ---------------------------------------------------------------------------------------------
// Iteration

bool generator_next(Thread& th, Generator* g, Value& out) {
    if (g->exhausted) return false;
    if (g->running) raise(th, Msg::GeneratorRunning);
    g->running = true;
    bool produced;
    try {
        produced = g->body->resume(th, out);
    } catch (...) {
        g->running = false;
        g->exhausted = true;
        throw;
    }
    g->running = false;
    if (!produced) g->exhausted = true;
    return produced;
}

static bool next_char(String const* s, size_t& position, Value& out) {
    if (position >= s->data.size()) return false;
    size_t start = position++;
    while (position < s->data.size() && (static_cast<unsigned char>(s->data[position]) & 0xC0) == 0x80) ++position;
    out = make_string(std::string_view(s->data).substr(start, position - start));
    return true;
}

bool iterator_next(Thread& th, Iterator* it, Value& out) {
    if (it->done) return false;
    bool produced = false;
    switch (it->iter_kind) {
    case IterKind::Array: {
        auto const& items = it->source.as<Array>()->items;
        if (it->position < items.size()) {
            out = items[it->position++];
            produced = true;
        }
        break;
    }
    case IterKind::String: produced = next_char(it->source.as<String>(), it->position, out); break;
    case IterKind::Generator: produced = generator_next(th, it->source.as<Generator>(), out); break;
    case IterKind::Map: {
        Value item;
        if (iterator_next(th, it->source.as<Iterator>(), item)) {
            out = call_value(th, it->fn, std::span<Value>(&item, 1));
            produced = true;
        }
        break;
    }
    case IterKind::Filter: {
        Value item;
        while (iterator_next(th, it->source.as<Iterator>(), item)) {
            Value arg = item;
            if (truthy(call_value(th, it->fn, std::span<Value>(&arg, 1)))) {
                out = std::move(item);
                produced = true;
                break;
            }
        }
        break;
    }
    case IterKind::Take:
        if (it->remaining > 0 && iterator_next(th, it->source.as<Iterator>(), out)) {
            --it->remaining;
            produced = true;
        }
        break;
    }
    if (!produced) it->done = true;
    return produced;
}

Value make_iterator(Thread& th, IterKind kind, Value source, Value fn, int64_t n) {
    auto* it = new Iterator(kind);
    it->source = std::move(source);
    it->fn = std::move(fn);
    it->remaining = n;
    return Value::adopt(TAG_ITERATOR, it);
}

ValueIterator::ValueIterator(Thread& th, Value iterable) : m_source(std::move(iterable)) {
    switch (m_source.tag()) {
    case TAG_ARRAY: m_mode = 1; break;
    case TAG_DICT: m_mode = 2; break;
    case TAG_STR: m_mode = 3; break;
    case TAG_GENERATOR: m_mode = 4; break;
    case TAG_ITERATOR: m_mode = 5; break;
    default: raise(th, Msg::NotIterable, type_name(m_source));
    }
}

bool ValueIterator::next(Thread& th, Value& out) {
    switch (m_mode) {
    case 1: {
        auto const& items = m_source.as<Array>()->items;
        if (m_position >= items.size()) return false;
        out = items[m_position++];
        return true;
    }
    case 2: {
        auto const& entries = m_source.as<Dict>()->raw_entries();
        while (m_position < entries.size() && entries[m_position].key.is_unbound()) ++m_position;
        if (m_position >= entries.size()) return false;
        out = entries[m_position++].key;
        return true;
    }
    case 3: return next_char(m_source.as<String>(), m_position, out);
    case 4: return generator_next(th, m_source.as<Generator>(), out);
    case 5: return iterator_next(th, m_source.as<Iterator>(), out);
    default: return false;
    }
}

// ---------------------------------------------------------------------------------------------
// UTF-8

size_t utf8_length(std::string_view s) {
    size_t n = 0;
    for (unsigned char c : s)
        if ((c & 0xC0) != 0x80) ++n;
    return n;
}

size_t utf8_offset(String const* s, size_t index) {
    if (s->ascii) return index;
    size_t seen = 0;
    for (size_t i = 0; i < s->data.size(); ++i) {
        if ((static_cast<unsigned char>(s->data[i]) & 0xC0) == 0x80) continue;
        if (seen == index) return i;
        ++seen;
    }
    return s->data.size();
}

std::string_view utf8_char_at(String const* s, size_t index) {
    size_t start = utf8_offset(s, index);
    size_t end = start + 1;
    while (end < s->data.size() && (static_cast<unsigned char>(s->data[end]) & 0xC0) == 0x80) ++end;
    return std::string_view(s->data).substr(start, end - start);
}

}  // namespace ruff
