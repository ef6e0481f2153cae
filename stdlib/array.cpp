// Array built-ins (STDLIB.md §2.4 as settled by DECISIONS.md). Arrays are values: every function
// returns a new array, but one that owns its argument uniquely (`a := push(a, x)`) reuses it in
// place, so building an array in a loop is linear. Callbacks go through call_value and their
// results are judged by the one truthiness rule.
#include <algorithm>

#include "absl/container/flat_hash_set.h"
#include "runtime/ops.h"
#include "runtime/share.h"
#include "stdlib/stdlib.h"

namespace ruff {
namespace {

Value call1(Thread& th, Value const& f, Value const& x) {
    Value arg = x;
    return call_value(th, f, std::span<Value>(&arg, 1));
}


// Elements [from, to) of `items` as a new array.
Value sub_array(std::vector<Value> const& items, size_t from, size_t to) {
    return make_array(std::vector<Value>(items.begin() + from, items.begin() + to));
}

// ---------------------------------------------------------------------------------------------
// Adding and removing

Value push_impl(Thread& th, std::span<Value> args, std::string_view name) {
    arg_array(th, args, 0, name);
    Value a = std::move(args[0]);
    Array* arr = make_unique_array(a);
    share_into(arr, args[1]);
    arr->items.push_back(std::move(args[1]));
    return a;
}
Value arr_push(Thread& th, std::span<Value> args) { return push_impl(th, args, "push"); }
Value arr_append(Thread& th, std::span<Value> args) { return push_impl(th, args, "append"); }

// [array without its last element, that element]; [[], null] for an empty array.
Value arr_pop(Thread& th, std::span<Value> args) {
    if (arg_array(th, args, 0, "pop")->items.empty()) return pair(std::move(args[0]), Value());
    Value a = std::move(args[0]);
    Array* arr = make_unique_array(a);
    Value last = std::move(arr->items.back());
    arr->items.pop_back();
    return pair(std::move(a), std::move(last));
}

// Inserts before `index` (0..len; len appends; negative counts from the end).
Value arr_insert(Thread& th, std::span<Value> args) {
    size_t length = arg_array(th, args, 0, "insert")->items.size();
    int64_t index = arg_count(th, args, 1, "insert");
    int64_t at = index < 0 ? index + static_cast<int64_t>(length) : index;
    if (at < 0 || at > static_cast<int64_t>(length)) raise(th, Msg::IndexRange, index, length);
    Value a = std::move(args[0]);
    Array* arr = make_unique_array(a);
    share_into(arr, args[2]);
    arr->items.insert(arr->items.begin() + at, std::move(args[2]));
    return a;
}

Value dict_remove(Thread& th, std::span<Value> args) {
    Value key = dict_key(th, args[1]);
    Value d = std::move(args[0]);
    if (!d.as<Dict>()->find(string_view_of(key))) return pair(std::move(d), Value());
    Value removed;
    make_unique_dict(d)->remove(string_view_of(key), &removed);
    return pair(std::move(d), std::move(removed));
}

// Array: without the first element == x. Dict: [dict without key, removed value or null].
Value arr_remove(Thread& th, std::span<Value> args) {
    if (args[0].is(TAG_DICT)) return dict_remove(th, args);
    if (!args[0].is(TAG_ARRAY)) bad_argument(th, "remove", 0, "array or dict", args[0]);
    auto const& items = args[0].as<Array>()->items;
    for (size_t i = 0; i < items.size(); ++i) {
        if (!values_equal(th, items[i], args[1])) continue;
        Value a = std::move(args[0]);
        Array* arr = make_unique_array(a);
        arr->items.erase(arr->items.begin() + i);
        return a;
    }
    return std::move(args[0]);
}

// [array without the element at index, that element].
Value arr_remove_at(Thread& th, std::span<Value> args) {
    size_t length = arg_array(th, args, 0, "remove_at")->items.size();
    size_t at = resolve_index(th, arg_count(th, args, 1, "remove_at"), length);
    Value a = std::move(args[0]);
    Array* arr = make_unique_array(a);
    Value removed = std::move(arr->items[at]);
    arr->items.erase(arr->items.begin() + at);
    return pair(std::move(a), std::move(removed));
}

// Python slicing: negative bounds count from the end, bounds clamp, start >= end gives [].
Value arr_slice(Thread& th, std::span<Value> args) {
    bool is_string = args[0].is(TAG_STR);
    if (!is_string && !args[0].is(TAG_ARRAY)) bad_argument(th, "slice", 0, "array or string", args[0]);
    int64_t n = is_string ? static_cast<int64_t>(args[0].as<String>()->chars)
                          : static_cast<int64_t>(args[0].as<Array>()->items.size());
    auto clamp = [n](int64_t i) { return std::clamp<int64_t>(i < 0 ? i + n : i, 0, n); };
    int64_t start = clamp(arg_int(th, args, 1, "slice"));
    int64_t end = clamp(arg_int(th, args, 2, "slice"));
    if (start >= end) return is_string ? make_string("") : make_array();
    if (!is_string) return sub_array(args[0].as<Array>()->items, start, end);
    auto* s = args[0].as<String>();
    size_t from = utf8_offset(s, start), to = utf8_offset(s, end);
    return make_string(s->view().substr(from, to - from));
}

Value arr_concat(Thread& th, std::span<Value> args) {
    arg_array(th, args, 0, "concat");
    Array* b = arg_array(th, args, 1, "concat");
    Value a = std::move(args[0]);
    Array* arr = make_unique_array(a);
    share_into(arr, args[1]);
    arr->items.insert(arr->items.end(), b->items.begin(), b->items.end());
    return a;
}

// ---------------------------------------------------------------------------------------------
// Callbacks

Value arr_map(Thread& th, std::span<Value> args) {
    Array* arr = arg_array(th, args, 0, "map");
    Value const& f = arg_callable(th, args, 1, "map");
    std::vector<Value> out;
    out.reserve(arr->items.size());
    for (size_t i = 0; i < arr->items.size(); ++i) out.push_back(call1(th, f, arr->items[i]));
    return make_array(std::move(out));
}

Value arr_filter(Thread& th, std::span<Value> args) {
    Array* arr = arg_array(th, args, 0, "filter");
    Value const& f = arg_callable(th, args, 1, "filter");
    std::vector<Value> out;
    for (size_t i = 0; i < arr->items.size(); ++i)
        if (truthy(call1(th, f, arr->items[i]))) out.push_back(arr->items[i]);
    return make_array(std::move(out));
}

// reduce(arr, initial, f): left fold acc = f(acc, x) (the reference's argument order).
Value arr_reduce(Thread& th, std::span<Value> args) {
    Array* arr = arg_array(th, args, 0, "reduce");
    Value const& f = arg_callable(th, args, 2, "reduce");
    Value acc = args[1];
    for (size_t i = 0; i < arr->items.size(); ++i) {
        Value pair_args[2] = {std::move(acc), arr->items[i]};
        acc = call_value(th, f, std::span<Value>(pair_args, 2));
    }
    return acc;
}

Value arr_find(Thread& th, std::span<Value> args) {
    Array* arr = arg_array(th, args, 0, "find");
    Value const& f = arg_callable(th, args, 1, "find");
    for (size_t i = 0; i < arr->items.size(); ++i)
        if (truthy(call1(th, f, arr->items[i]))) return arr->items[i];
    return Value();
}

Value arr_any(Thread& th, std::span<Value> args) {
    Array* arr = arg_array(th, args, 0, "any");
    Value const& f = arg_callable(th, args, 1, "any");
    for (size_t i = 0; i < arr->items.size(); ++i)
        if (truthy(call1(th, f, arr->items[i]))) return Value::from_bool(true);
    return Value::from_bool(false);
}

Value arr_all(Thread& th, std::span<Value> args) {
    Array* arr = arg_array(th, args, 0, "all");
    Value const& f = arg_callable(th, args, 1, "all");
    for (size_t i = 0; i < arr->items.size(); ++i)
        if (!truthy(call1(th, f, arr->items[i]))) return Value::from_bool(false);
    return Value::from_bool(true);
}

// ---------------------------------------------------------------------------------------------
// Ordering and aggregation

// Stable ascending sort of numbers or of strings (bytewise); any other mix raises TypeError.
Value arr_sort(Thread& th, std::span<Value> args) {
    auto const& items = arg_array(th, args, 0, "sort")->items;
    if (items.size() < 2) return std::move(args[0]);
    bool numbers = items[0].is_number();
    for (auto const& item : items)
        if (numbers ? !item.is_number() : !item.is(TAG_STR)) raise(th, Msg::CannotCompare, type_name(items[0]), type_name(item));
    Value a = std::move(args[0]);
    auto& out = make_unique_array(a)->items;
    if (numbers) {
        std::stable_sort(out.begin(), out.end(), [](Value const& x, Value const& y) {
            if (x.is_int() && y.is_int()) return x.as_int() < y.as_int();
            return x.as_number() < y.as_number();
        });
    } else {
        std::stable_sort(out.begin(), out.end(),
                         [](Value const& x, Value const& y) { return string_view_of(x) < string_view_of(y); });
    }
    return a;
}

Value arr_reverse(Thread& th, std::span<Value> args) {
    arg_array(th, args, 0, "reverse");
    Value a = std::move(args[0]);
    auto& items = make_unique_array(a)->items;
    std::reverse(items.begin(), items.end());
    return a;
}

// First occurrences by ==; hashing when every element is an Int or every element a String.
Value arr_unique(Thread& th, std::span<Value> args) {
    auto const& items = arg_array(th, args, 0, "unique")->items;
    bool all_ints = std::all_of(items.begin(), items.end(), [](Value const& v) { return v.is_int(); });
    bool all_strings = std::all_of(items.begin(), items.end(), [](Value const& v) { return v.is(TAG_STR); });
    std::vector<Value> out;
    absl::flat_hash_set<int64_t> ints;
    absl::flat_hash_set<std::string_view> strings;
    for (auto const& item : items) {
        bool fresh = all_ints      ? ints.insert(item.as_int()).second
                     : all_strings ? strings.insert(string_view_of(item)).second
                                   : std::none_of(out.begin(), out.end(), [&](Value const& seen) { return values_equal(th, seen, item); });
        if (fresh) out.push_back(item);
    }
    return make_array(std::move(out));
}

// Int while only Ints were seen (overflow raises), Float from the first Float on.
Value arr_sum(Thread& th, std::span<Value> args) {
    auto const& items = arg_array(th, args, 0, "sum")->items;
    Value total = Value::from_int(0);
    for (auto const& item : items) {
        if (!item.is_number()) raise(th, ErrorType::TypeError, cat("sum() elements must be numbers, got ", type_name(item)));
        if (total.is_int() && item.is_int()) total = int_add(th, total.as_int(), item.as_int());
        else total = Value::from_float(total.as_number() + item.as_number());
    }
    return total;
}

// ---------------------------------------------------------------------------------------------
// Reshaping

// Pieces of `size` elements, the last one shorter; size <= 0 gives [arr].
Value arr_chunk(Thread& th, std::span<Value> args) {
    auto const& items = arg_array(th, args, 0, "chunk")->items;
    int64_t size = arg_count(th, args, 1, "chunk");
    if (size <= 0) return make_array({args[0]});
    std::vector<Value> out;
    for (size_t i = 0; i < items.size(); i += static_cast<size_t>(size))
        out.push_back(sub_array(items, i, std::min(items.size(), i + static_cast<size_t>(size))));
    return make_array(std::move(out));
}

Value arr_flatten(Thread& th, std::span<Value> args) {
    auto const& items = arg_array(th, args, 0, "flatten")->items;
    std::vector<Value> out;
    for (auto const& item : items) {
        if (!item.is(TAG_ARRAY)) {
            out.push_back(item);
            continue;
        }
        auto const& inner = item.as<Array>()->items;
        out.insert(out.end(), inner.begin(), inner.end());
    }
    return make_array(std::move(out));
}

Value arr_zip(Thread& th, std::span<Value> args) {
    auto const& a = arg_array(th, args, 0, "zip")->items;
    auto const& b = arg_array(th, args, 1, "zip")->items;
    std::vector<Value> out;
    size_t n = std::min(a.size(), b.size());
    out.reserve(n);
    for (size_t i = 0; i < n; ++i) out.push_back(pair(a[i], b[i]));
    return make_array(std::move(out));
}

Value arr_enumerate(Thread& th, std::span<Value> args) {
    auto const& items = arg_array(th, args, 0, "enumerate")->items;
    std::vector<Value> out;
    out.reserve(items.size());
    for (size_t i = 0; i < items.size(); ++i) out.push_back(pair(Value::from_int(static_cast<int64_t>(i)), items[i]));
    return make_array(std::move(out));
}

Value arr_take(Thread& th, std::span<Value> args) {
    auto const& items = arg_array(th, args, 0, "take")->items;
    int64_t n = std::clamp<int64_t>(arg_count(th, args, 1, "take"), 0, static_cast<int64_t>(items.size()));
    return sub_array(items, 0, static_cast<size_t>(n));
}

Value arr_skip(Thread& th, std::span<Value> args) {
    auto const& items = arg_array(th, args, 0, "skip")->items;
    int64_t n = std::clamp<int64_t>(arg_count(th, args, 1, "skip"), 0, static_cast<int64_t>(items.size()));
    return sub_array(items, static_cast<size_t>(n), items.size());
}

// Every contiguous sub-array of `size` elements; [] when size <= 0 or size > len.
Value arr_windows(Thread& th, std::span<Value> args) {
    auto const& items = arg_array(th, args, 0, "windows")->items;
    int64_t size = arg_count(th, args, 1, "windows");
    std::vector<Value> out;
    if (size <= 0 || size > static_cast<int64_t>(items.size())) return make_array();
    for (size_t i = 0; i + size <= items.size(); ++i) out.push_back(sub_array(items, i, i + size));
    return make_array(std::move(out));
}

// range(stop), range(start, stop), range(start, stop, step): Ints from start while < stop
// (> stop for a negative step). Float arguments are truncated.
Value arr_range(Thread& th, std::span<Value> args) {
    int64_t start = 0, stop, step = 1;
    if (args.size() == 1) {
        stop = arg_count(th, args, 0, "range");
    } else {
        start = arg_count(th, args, 0, "range");
        stop = arg_count(th, args, 1, "range");
        if (args.size() == 3) step = arg_count(th, args, 2, "range");
    }
    if (step == 0) raise(th, ErrorType::ValueError, "range() step cannot be zero");
    if (step > 0 ? start >= stop : start <= stop) return make_array();
    // The span must fit an Int (DECISIONS: Int arithmetic inside built-ins raises on overflow).
    uint64_t span = static_cast<uint64_t>(step > 0 ? int_sub(th, stop, start).as_int() : int_sub(th, start, stop).as_int());
    uint64_t magnitude = step > 0 ? static_cast<uint64_t>(step) : 0 - static_cast<uint64_t>(step);
    uint64_t count = span / magnitude + (span % magnitude != 0);
    if (count > (uint64_t{1} << 32)) raise(th, ErrorType::OverflowError, cat("range() too large: ", count, " elements"));
    std::vector<Value> out;
    out.reserve(count);
    for (uint64_t i = 0; i < count; ++i) out.push_back(Value::from_int(start + static_cast<int64_t>(i) * step));
    return make_array(std::move(out));
}

constexpr BuiltinEntry k_array_builtins[] = {
    // name         fn              min max  doc
    {"push",        arr_push,       2,  2,   "push(arr, x): arr with x appended"},
    {"append",      arr_append,     2,  2,   "append(arr, x): arr with x appended"},
    {"pop",         arr_pop,        1,  1,   "pop(arr): [arr without its last element, that element or null]"},
    {"insert",      arr_insert,     3,  3,   "insert(arr, i, x): arr with x inserted before index i"},
    {"remove",      arr_remove,     2,  2,   "remove(arr, x): arr without the first x; remove(dict, k): [dict, value or null]"},
    {"remove_at",   arr_remove_at,  2,  2,   "remove_at(arr, i): [arr without element i, that element]"},
    {"slice",       arr_slice,      3,  3,   "slice(arr, start, end): elements [start, end); negative from the end"},
    {"concat",      arr_concat,     2,  2,   "concat(a, b): a followed by b"},
    {"map",         arr_map,        2,  2,   "map(arr, f): [f(x) for each x]"},
    {"filter",      arr_filter,     2,  2,   "filter(arr, f): the elements for which f(x) is truthy"},
    {"reduce",      arr_reduce,     3,  3,   "reduce(arr, initial, f): left fold acc = f(acc, x)"},
    {"find",        arr_find,       2,  2,   "find(arr, f): the first x with f(x) truthy, else null"},
    {"any",         arr_any,        2,  2,   "any(arr, f): some f(x) is truthy"},
    {"all",         arr_all,        2,  2,   "all(arr, f): every f(x) is truthy"},
    {"sort",        arr_sort,       1,  1,   "sort(arr): stable ascending sort of numbers or strings"},
    {"reverse",     arr_reverse,    1,  1,   "reverse(arr): the elements in reverse order"},
    {"unique",      arr_unique,     1,  1,   "unique(arr): first occurrences, compared with =="},
    {"sum",         arr_sum,        1,  1,   "sum(arr): the sum of the numbers (Int unless a Float occurs)"},
    {"chunk",       arr_chunk,      2,  2,   "chunk(arr, n): consecutive pieces of n elements"},
    {"flatten",     arr_flatten,    1,  1,   "flatten(arr): nested arrays spliced in, one level"},
    {"zip",         arr_zip,        2,  2,   "zip(a, b): [[a0, b0], ...] up to the shorter length"},
    {"enumerate",   arr_enumerate,  1,  1,   "enumerate(arr): [[0, x0], [1, x1], ...]"},
    {"take",        arr_take,       2,  2,   "take(arr, n): the first n elements"},
    {"skip",        arr_skip,       2,  2,   "skip(arr, n): all but the first n elements"},
    {"windows",     arr_windows,    2,  2,   "windows(arr, n): every contiguous sub-array of n elements"},
    {"range",       arr_range,      1,  3,   "range(stop) / range(start, stop, step?): an array of Ints"},
};

}  // namespace

void register_array(Runtime& rt) { register_table(rt, k_array_builtins); }

}  // namespace ruff
