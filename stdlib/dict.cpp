// Dict built-ins (STDLIB.md §2.5 as settled by DECISIONS.md): insertion order everywhere, Int
// keys converted to their decimal string as indexing does, any other key type a TypeError.
// `remove(dict, key)` lives with the array `remove` in array.cpp.
#include "runtime/ops.h"
#include "stdlib/stdlib.h"

namespace ruff {
namespace {

Value dict_keys(Thread& th, std::span<Value> args) {
    Dict* d = arg_dict(th, args, 0, "keys");
    std::vector<Value> out;
    out.reserve(d->size());
    d->for_each([&](Value const& key, Value const&) { out.push_back(key); });
    return make_array(std::move(out));
}

Value dict_values(Thread& th, std::span<Value> args) {
    Dict* d = arg_dict(th, args, 0, "values");
    std::vector<Value> out;
    out.reserve(d->size());
    d->for_each([&](Value const&, Value const& value) { out.push_back(value); });
    return make_array(std::move(out));
}

Value dict_items(Thread& th, std::span<Value> args) {
    Dict* d = arg_dict(th, args, 0, "items");
    std::vector<Value> out;
    out.reserve(d->size());
    d->for_each([&](Value const& key, Value const& value) { out.push_back(make_array({key, value})); });
    return make_array(std::move(out));
}

Value dict_has_key(Thread& th, std::span<Value> args) {
    Dict* d = arg_dict(th, args, 0, "has_key");
    Value key = dict_key(th, args[1]);
    return Value::from_bool(d->find(string_view_of(key)) != nullptr);
}

// The value under `key`, else `default` (null when omitted).
Value dict_get(Thread& th, std::span<Value> args) {
    Dict* d = arg_dict(th, args, 0, "get");
    Value key = dict_key(th, args[1]);
    if (Value const* v = d->find(string_view_of(key))) return *v;
    return args.size() > 2 ? std::move(args[2]) : Value();
}

Value dict_get_default(Thread& th, std::span<Value> args) {
    Dict* d = arg_dict(th, args, 0, "get_default");
    Value key = dict_key(th, args[1]);
    if (Value const* v = d->find(string_view_of(key))) return *v;
    return std::move(args[2]);
}

// A's entries in a's order, then b's new keys in b's order; b's values win.
Value merge_impl(Thread& th, std::span<Value> args, std::string_view name) {
    arg_dict(th, args, 0, name);
    Dict* b = arg_dict(th, args, 1, name);
    if (b->size() == 0) return std::move(args[0]);
    Value a = std::move(args[0]);
    Dict* out = make_unique_dict(a);
    b->for_each([&](Value const& key, Value const& value) { out->set(key, value); });
    return a;
}
Value dict_merge(Thread& th, std::span<Value> args) { return merge_impl(th, args, "merge"); }
Value dict_update(Thread& th, std::span<Value> args) { return merge_impl(th, args, "update"); }

// Each value's text (String, Int, Float, Bool) becomes a key mapping to the old key; entries
// with other values are left out; on a collision the later entry wins.
Value dict_invert(Thread& th, std::span<Value> args) {
    Dict* d = arg_dict(th, args, 0, "invert");
    Value out = make_dict();
    Dict* inverted = out.as<Dict>();
    d->for_each([&](Value const& key, Value const& value) {
        if (value.is(TAG_STR)) inverted->set(value, key);
        else if (value.is_number() || value.is_bool()) inverted->set(make_string(to_display(value)), key);
    });
    return out;
}

// [] for an array, {} for a dict.
Value dict_clear(Thread& th, std::span<Value> args) {
    if (args[0].is(TAG_ARRAY)) return make_array();
    if (args[0].is(TAG_DICT)) return make_dict();
    bad_argument(th, "clear", 0, "array or dict", args[0]);
}

constexpr BuiltinEntry k_dict_builtins[] = {
    // name           fn                min max  doc
    {"keys",          dict_keys,        1,  1,   "keys(d): the keys in insertion order"},
    {"values",        dict_values,      1,  1,   "values(d): the values in insertion order"},
    {"items",         dict_items,       1,  1,   "items(d): [[key, value], ...] in insertion order"},
    {"has_key",       dict_has_key,     2,  2,   "has_key(d, k): Bool"},
    {"get",           dict_get,         2,  3,   "get(d, k, default?): d[k], else default (null)"},
    {"get_default",   dict_get_default, 3,  3,   "get_default(d, k, default): d[k], else default"},
    {"merge",         dict_merge,       2,  2,   "merge(a, b): a's entries updated and extended by b's"},
    {"update",        dict_update,      2,  2,   "update(a, b): same as merge"},
    {"invert",        dict_invert,      1,  1,   "invert(d): each value's text mapped to its key"},
    {"clear",         dict_clear,       1,  1,   "clear(x): [] for an array, {} for a dict"},
};

}  // namespace

void register_dict(Runtime& rt) { register_table(rt, k_dict_builtins); }

}  // namespace ruff
