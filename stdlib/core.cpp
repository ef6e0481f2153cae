// Core built-ins: output (print, debug), type inspection, conversions, format and len
// (STDLIB.md §2.1 as settled by DECISIONS.md: scalar-counting len, truthiness to_bool, errors raise).
#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstdlib>

#include "runtime/ops.h"
#include "stdlib/stdlib.h"

namespace ruff {
namespace {

// A decimal i64 with an optional sign, after trimming whitespace; false if not exactly that.
bool parse_int_text(std::string_view text, int64_t& out) {
    std::string_view s = unicode_trim(text, true, true);
    bool plus = !s.empty() && s.front() == '+';
    if (plus) s.remove_prefix(1);
    if (s.empty() || s.front() == '+' || (plus && s.front() == '-')) return false;
    auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
    return ec == std::errc() && end == s.data() + s.size();
}

bool ascii_iequals(std::string_view a, std::string_view b) {
    if (a.size() != b.size()) return false;
    for (size_t i = 0; i < a.size(); ++i)
        if ((a[i] | 0x20) != b[i]) return false;
    return true;
}

// Decimal float syntax: digits with optional fraction (`.5`, `5.`), optional exponent, or
// inf/infinity/nan in any letter case, each with an optional sign.
bool parse_float_text(std::string_view text, double& out) {
    std::string_view s = unicode_trim(text, true, true);
    bool negative = !s.empty() && s.front() == '-';
    if (!s.empty() && (s.front() == '+' || s.front() == '-')) s.remove_prefix(1);
    if (ascii_iequals(s, "inf") || ascii_iequals(s, "infinity")) {
        out = negative ? -INFINITY : INFINITY;
        return true;
    }
    if (ascii_iequals(s, "nan")) {
        out = NAN;
        return true;
    }
    size_t i = 0, digits = 0;
    while (i < s.size() && s[i] >= '0' && s[i] <= '9') ++i, ++digits;
    if (i < s.size() && s[i] == '.') {
        ++i;
        while (i < s.size() && s[i] >= '0' && s[i] <= '9') ++i, ++digits;
    }
    if (digits == 0) return false;
    if (i < s.size() && (s[i] == 'e' || s[i] == 'E')) {
        ++i;
        if (i < s.size() && (s[i] == '+' || s[i] == '-')) ++i;
        size_t exp_digits = 0;
        while (i < s.size() && s[i] >= '0' && s[i] <= '9') ++i, ++exp_digits;
        if (exp_digits == 0) return false;
    }
    if (i != s.size()) return false;
    auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
    if (ec == std::errc::result_out_of_range) out = std::strtod(std::string(s).c_str(), nullptr);
    else if (ec != std::errc() || end != s.data() + s.size()) return false;
    if (negative) out = -out;
    return true;
}

Value core_print(Thread& th, std::span<Value> args) {
    std::string line;
    for (size_t i = 0; i < args.size(); ++i) {
        if (i) line += ' ';
        display(line, args[i]);
    }
    line += '\n';
    th.rt.write_stdout(line);  // One write: a line is never interleaved with another task's.
    return Value();
}

Value core_debug(Thread& th, std::span<Value> args) {
    std::string line = "[DEBUG] ";
    for (size_t i = 0; i < args.size(); ++i) {
        if (i) line += ' ';
        debug_repr(line, args[i]);
    }
    line += '\n';
    th.rt.write_stdout(line);
    return Value();
}

Value core_input(Thread& th, std::span<Value> args) {
    if (!args.empty()) th.rt.write_stdout(arg_string(th, args, 0, "input"));
    th.rt.flush_stdout();
    char* buffer = nullptr;
    size_t capacity = 0;
    ssize_t n = getline(&buffer, &capacity, stdin);
    std::string line = n > 0 ? std::string(buffer, static_cast<size_t>(n)) : std::string();
    free(buffer);
    while (!line.empty() && (line.back() == '\r' || line.back() == '\n')) line.pop_back();
    return make_string(utf8_sanitize(line));
}

Value core_type(Thread& th, std::span<Value> args) { return make_string(type_name(args[0])); }

// A struct's, struct definition's or enum's own name; type() for everything else.
Value core_type_name(Thread& th, std::span<Value> args) {
    Value const& v = args[0];
    switch (v.tag()) {
    case TAG_STRUCT: return make_string(v.as<Struct>()->definition()->name);
    case TAG_STRUCTDEF: return make_string(v.as<StructDef>()->name);
    case TAG_ENUMDEF: return make_string(v.as<EnumDef>()->name);
    case TAG_TAGGED: {
        auto* t = v.as<Tagged>();
        if (t->tag_kind != TagKind::User) break;
        size_t sep = t->name.find("::");
        return make_string(sep == std::string::npos ? t->name : t->name.substr(0, sep));
    }
    default: break;
    }
    return make_string(type_name(v));
}

Value core_is_int(Thread&, std::span<Value> args) { return Value::from_bool(args[0].is_int()); }
Value core_is_float(Thread&, std::span<Value> args) { return Value::from_bool(args[0].is_float()); }
Value core_is_string(Thread&, std::span<Value> args) { return Value::from_bool(args[0].is(TAG_STR)); }
Value core_is_bool(Thread&, std::span<Value> args) { return Value::from_bool(args[0].is_bool()); }
Value core_is_array(Thread&, std::span<Value> args) { return Value::from_bool(args[0].is(TAG_ARRAY)); }
Value core_is_dict(Thread&, std::span<Value> args) { return Value::from_bool(args[0].is(TAG_DICT)); }
Value core_is_null(Thread&, std::span<Value> args) { return Value::from_bool(args[0].is_null()); }

// User functions (named, lambdas, methods) and built-ins; not async or generator definitions.
Value core_is_function(Thread&, std::span<Value> args) {
    Value const& v = args[0];
    if (v.is(TAG_BUILTIN)) return Value::from_bool(true);
    return Value::from_bool(v.is(TAG_FUNCTION) && v.as<Function>()->info->kind == FunctionKind::Normal);
}

Value core_to_string(Thread&, std::span<Value> args) {
    if (args[0].is(TAG_STR)) return std::move(args[0]);
    return make_string(to_display(args[0]));
}

Value core_to_int(Thread& th, std::span<Value> args) {
    Value const& v = args[0];
    switch (v.tag()) {
    case TAG_INT: return v;
    case TAG_FLOAT: return Value::from_int(trunc_to_int(v.as_float()));
    case TAG_BOOL: return Value::from_int(v.as_bool() ? 1 : 0);
    case TAG_STR: {
        int64_t n;
        if (!parse_int_text(string_view_of(v), n))
            raise(th, ErrorType::ValueError, cat("Cannot convert '", string_view_of(v), "' to int"));
        return Value::from_int(n);
    }
    default: raise(th, ErrorType::ValueError, cat("Cannot convert ", type_name(v), " to int"));
    }
}

Value core_to_float(Thread& th, std::span<Value> args) {
    Value const& v = args[0];
    switch (v.tag()) {
    case TAG_INT: return Value::from_float(static_cast<double>(v.as_int()));
    case TAG_FLOAT: return v;
    case TAG_BOOL: return Value::from_float(v.as_bool() ? 1.0 : 0.0);
    case TAG_STR: {
        double d;
        if (!parse_float_text(string_view_of(v), d))
            raise(th, ErrorType::ValueError, cat("Cannot convert '", string_view_of(v), "' to float"));
        return Value::from_float(d);
    }
    default: raise(th, ErrorType::ValueError, cat("Cannot convert ", type_name(v), " to float"));
    }
}

Value core_to_bool(Thread&, std::span<Value> args) { return Value::from_bool(truthy(args[0])); }

Value core_parse_int(Thread& th, std::span<Value> args) {
    std::string_view s = arg_string(th, args, 0, "parse_int");
    int64_t n;
    if (!parse_int_text(s, n)) raise(th, ErrorType::ValueError, cat("Cannot parse '", s, "' as integer"));
    return Value::from_int(n);
}

Value core_parse_float(Thread& th, std::span<Value> args) {
    std::string_view s = arg_string(th, args, 0, "parse_float");
    double d;
    if (!parse_float_text(s, d)) raise(th, ErrorType::ValueError, cat("Cannot parse '", s, "' as float"));
    return Value::from_float(d);
}

// One `%d` / `%f` / `%s` conversion of `v` appended to `out`.
void format_one(Thread& th, std::string& out, char spec, Value const& v) {
    if (spec == 's') return display(out, v);
    if (spec == 'd' && v.is_int()) { out += cat(v.as_int()); return; }
    if (spec == 'd' && v.is_float()) { out += cat(trunc_to_int(v.as_float())); return; }
    if (spec == 'd' && v.is_bool()) { out += cat(v.as_bool() ? 1 : 0); return; }
    if (spec == 'f' && v.is_number()) return display(out, v);
    raise(th, ErrorType::TypeError, cat("format() %", std::string(1, spec), " requires numeric argument, got ", type_name(v)));
}

// `%s` display form, `%d` integer, `%f` number in display form, `%%` a percent sign; any other
// `%x` is copied as is. Extra arguments are ignored.
Value core_format(Thread& th, std::span<Value> args) {
    std::string_view t = arg_string(th, args, 0, "format");
    std::string out;
    size_t next = 1;
    for (size_t i = 0; i < t.size(); ++i) {
        char c = t[i];
        char spec = i + 1 < t.size() ? t[i + 1] : 0;
        if (c != '%' || (spec != 's' && spec != 'd' && spec != 'f' && spec != '%')) {
            out += c;
            continue;
        }
        ++i;
        if (spec == '%') {
            out += '%';
            continue;
        }
        if (next >= args.size())
            raise(th, ErrorType::TypeError, cat("format() missing argument for placeholder %", std::string(1, spec)));
        format_one(th, out, spec, args[next++]);
    }
    return make_string(std::move(out));
}

Value core_len(Thread& th, std::span<Value> args) {
    Value const& v = args[0];
    switch (v.tag()) {
    case TAG_STR: return Value::from_int(static_cast<int64_t>(v.as<String>()->chars));
    case TAG_ARRAY: return Value::from_int(static_cast<int64_t>(v.as<Array>()->items.size()));
    case TAG_DICT: return Value::from_int(static_cast<int64_t>(v.as<Dict>()->size()));
    case TAG_BYTES: return Value::from_int(static_cast<int64_t>(v.as<Bytes>()->data.size()));
    case TAG_SET: return Value::from_int(static_cast<int64_t>(v.as<Set>()->items.size()));
    case TAG_QUEUE: return Value::from_int(static_cast<int64_t>(v.as<Queue>()->items.size()));
    case TAG_STACK: return Value::from_int(static_cast<int64_t>(v.as<Stack>()->items.size()));
    default: bad_argument(th, "len", 0, "string, array, dict, bytes, set, queue or stack", v);
    }
}

constexpr BuiltinEntry k_core_builtins[] = {
    // name          fn                min max  doc
    {"print",        core_print,       0, -1, "print(...): display forms joined by a space, then a newline"},
    {"debug",        core_debug,       0, -1, "debug(...): [DEBUG] and the debug forms of the arguments"},
    {"input",        core_input,       0,  1, "input(prompt?): one line from stdin without its line end"},
    {"type",         core_type,        1,  1, "type(x): the kind of x as a string (int, string, struct, ...)"},
    {"type_name",    core_type_name,   1,  1, "type_name(x): a struct's or enum's own name, else type(x)"},
    {"is_int",       core_is_int,      1,  1, "is_int(x): x is an Int"},
    {"is_float",     core_is_float,    1,  1, "is_float(x): x is a Float"},
    {"is_string",    core_is_string,   1,  1, "is_string(x): x is a String"},
    {"is_bool",      core_is_bool,     1,  1, "is_bool(x): x is a Bool"},
    {"is_array",     core_is_array,    1,  1, "is_array(x): x is an Array"},
    {"is_dict",      core_is_dict,     1,  1, "is_dict(x): x is a Dict"},
    {"is_null",      core_is_null,     1,  1, "is_null(x): x is null"},
    {"is_function",  core_is_function, 1,  1, "is_function(x): x is a function or built-in (not async/generator)"},
    {"to_string",    core_to_string,   1,  1, "to_string(x): the display form of x"},
    {"to_int",       core_to_int,      1,  1, "to_int(x): Int from Int, Float (truncated), Bool or decimal String"},
    {"to_float",     core_to_float,    1,  1, "to_float(x): Float from Int, Float, Bool or String"},
    {"to_bool",      core_to_bool,     1,  1, "to_bool(x): the truthiness of x"},
    {"parse_int",    core_parse_int,   1,  1, "parse_int(s): s (trimmed) as a decimal Int"},
    {"parse_float",  core_parse_float, 1,  1, "parse_float(s): s (trimmed) as a Float"},
    {"format",       core_format,      1, -1, "format(t, ...): t with %s, %d, %f replaced by the arguments"},
    {"len",          core_len,         1,  1, "len(x): scalars of a string, elements of an array or dict, bytes"},
};

}  // namespace

void register_core(Runtime& rt) { register_table(rt, k_core_builtins); }

}  // namespace ruff
