// Assertions (STDLIB.md §2.7 as settled by DECISIONS.md): `assert` uses the one truthiness rule,
// equality is `==`, each returns true on success and raises AssertionError on failure with the
// reference's message, values in its Rust-debug form (`Assertion failed: expected Int(3), got
// Int(2)`).
#include "runtime/ops.h"
#include "stdlib/stdlib.h"

namespace ruff {
namespace {

[[noreturn]] void fail(Thread& th, std::string message) { raise(th, Msg::AssertFailed, message); }

// Rust's string debug quoting: \" \\ \n \t \r \0 escaped, other control characters as \u{1b}.
void debug_quote(std::string& out, std::string_view s) {
    out += '"';
    for (char c : s) {
        switch (c) {
        case '"': out += "\\\""; break;
        case '\\': out += "\\\\"; break;
        case '\n': out += "\\n"; break;
        case '\t': out += "\\t"; break;
        case '\r': out += "\\r"; break;
        case '\0': out += "\\0"; break;
        default:
            if (static_cast<unsigned char>(c) < 0x20 || c == 0x7F) out += cat("\\u{", absl::Hex(static_cast<unsigned char>(c)), "}");
            else out += c;
        }
    }
    out += '"';
}

// The reference's Rust-debug rendering used in assertion messages (STDLIB.md §1.9 a): scalars
// tagged with their kind, containers by size only.
std::string rust_debug(Value const& v) {
    std::string out;
    switch (v.tag()) {
    case TAG_NULL: return "Null";
    case TAG_BOOL: return v.as_bool() ? "Bool(true)" : "Bool(false)";
    case TAG_INT: return cat("Int(", v.as_int(), ")");
    case TAG_FLOAT: return cat("Float(", format_float(v.as_float()), ")");
    case TAG_STR:
        out = "Str(";
        debug_quote(out, string_view_of(v));
        return out + ")";
    case TAG_ARRAY: return cat("Array[", v.as<Array>()->items.size(), "]");
    case TAG_DICT: return cat("Dict{", v.as<Dict>()->size(), " keys}");
    case TAG_BYTES: return cat("Bytes(", v.as<Bytes>()->data.size(), " bytes)");
    case TAG_ERROR: return cat("Error(", v.as<ErrorObj>()->message, ")");
    case TAG_BUILTIN: return cat("NativeFunction(", v.as<Builtin>()->name, ")");
    case TAG_FUNCTION: return cat("Function(", v.as<Function>()->info->name, ")");
    case TAG_TAGGED: {
        auto* t = v.as<Tagged>();
        switch (t->tag_kind) {
        case TagKind::None: return "None";
        case TagKind::Ok: return cat("Ok(", rust_debug(t->fields[0]), ")");
        case TagKind::Err: return cat("Err(", rust_debug(t->fields[0]), ")");
        case TagKind::Some: return cat("Some(", rust_debug(t->fields[0]), ")");
        case TagKind::User: break;
        }
        out = cat("Tagged { tag: \"", t->name, "\", fields: {");
        for (size_t i = 0; i < t->fields.size(); ++i) out += cat(i ? ", " : "", "\"$", i, "\": ", rust_debug(t->fields[i]));
        return out + "} }";
    }
    case TAG_STRUCT: {
        auto* st = v.as<Struct>();
        auto const& names = st->definition()->fields;
        out = cat("Struct { name: \"", st->definition()->name, "\", fields: {");
        for (size_t i = 0; i < st->fields.size(); ++i) out += cat(i ? ", " : "", "\"", names[i], "\": ", rust_debug(st->fields[i]));
        return out + "} }";
    }
    default: return to_display(v);
    }
}

// Fails unless cond is truthy; the message, when given, must be a String.
Value test_assert(Thread& th, std::span<Value> args) {
    std::string_view message = args.size() > 1 ? arg_string(th, args, 1, "assert") : "Assertion failed";
    if (truthy(args[0])) return Value::from_bool(true);
    fail(th, std::string(message));
}

Value test_assert_equal(Thread& th, std::span<Value> args) {
    if (values_equal(th, args[0], args[1])) return Value::from_bool(true);
    fail(th, cat("Assertion failed: expected ", rust_debug(args[1]), ", got ", rust_debug(args[0])));
}

bool arg_bool(Thread& th, std::span<Value> args, std::string_view name) {
    if (!args[0].is_bool()) bad_argument(th, name, 0, "bool", args[0]);
    return args[0].as_bool();
}

Value test_assert_true(Thread& th, std::span<Value> args) {
    if (arg_bool(th, args, "assert_true")) return Value::from_bool(true);
    fail(th, "Assertion failed: expected true, got false");
}

Value test_assert_false(Thread& th, std::span<Value> args) {
    if (!arg_bool(th, args, "assert_false")) return Value::from_bool(true);
    fail(th, "Assertion failed: expected false, got true");
}

// Array: some element == item. String: item is a substring. Dict: item is a key.
Value test_assert_contains(Thread& th, std::span<Value> args) {
    Value const& coll = args[0];
    bool found = false;
    switch (coll.tag()) {
    case TAG_ARRAY:
        for (auto const& item : coll.as<Array>()->items)
            if ((found = values_equal(th, item, args[1]))) break;
        break;
    case TAG_STR:
        found = string_view_of(coll).find(arg_string(th, args, 1, "assert_contains")) != std::string_view::npos;
        break;
    case TAG_DICT: found = coll.as<Dict>()->find(string_view_of(dict_key(th, args[1]))) != nullptr; break;
    default: bad_argument(th, "assert_contains", 0, "array, string or dict", coll);
    }
    if (found) return Value::from_bool(true);
    fail(th, cat("Assertion failed: ", rust_debug(coll), " does not contain ", rust_debug(args[1])));
}

constexpr BuiltinEntry k_testing_builtins[] = {
    // name              fn                    min max  doc
    {"assert",           test_assert,          1,  2,   "assert(cond, message?): raises AssertionError unless cond is truthy"},
    {"assert_equal",     test_assert_equal,    2,  2,   "assert_equal(actual, expected): raises unless actual == expected"},
    {"assert_true",      test_assert_true,     1,  1,   "assert_true(b): raises unless b is true"},
    {"assert_false",     test_assert_false,    1,  1,   "assert_false(b): raises unless b is false"},
    {"assert_contains",  test_assert_contains, 2,  2,   "assert_contains(coll, x): raises unless coll contains x"},
};

}  // namespace

void register_testing(Runtime& rt) { register_table(rt, k_testing_builtins); }

}  // namespace ruff
