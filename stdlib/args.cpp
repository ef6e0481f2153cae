// Argument checking shared by every stdlib module, UTF-8 helpers, and the registration entry
// point that installs all module tables into the runtime.
#include <cmath>
#include <cstring>

#include "stdlib/stdlib.h"

namespace ruff {

void register_table(Runtime& rt, std::span<BuiltinEntry const> table) {
    for (auto const& entry : table) rt.register_builtin(entry.name, entry.fn, entry.min_args, entry.max_args);
}

void register_stdlib(Runtime& rt) {
    register_core(rt);
    register_math(rt);
    register_string(rt);
    register_array(rt);
    register_dict(rt);
    register_testing(rt);
    register_system(rt);
    register_files(rt);
    register_async(rt);
    register_formats(rt);
    register_regex(rt);
    register_time(rt);
    register_random(rt);
    register_collections(rt);
    register_paths(rt);
    register_process(rt);
}

// ---------------------------------------------------------------------------------------------

void bad_argument(Thread& th, std::string_view fn, size_t index, std::string_view expected, Value const& got) {
    raise(th, Msg::BadArgument, fn, index + 1, expected, type_name(got));
}

String* arg_string_obj(Thread& th, std::span<Value> args, size_t index, std::string_view fn) {
    if (!args[index].is(TAG_STR)) bad_argument(th, fn, index, "string", args[index]);
    return args[index].as<String>();
}

std::string_view arg_string(Thread& th, std::span<Value> args, size_t index, std::string_view fn) {
    return arg_string_obj(th, args, index, fn)->view();
}

int64_t arg_int(Thread& th, std::span<Value> args, size_t index, std::string_view fn) {
    if (!args[index].is_int()) bad_argument(th, fn, index, "int", args[index]);
    return args[index].as_int();
}

int64_t trunc_to_int(double d) {
    if (std::isnan(d)) return 0;
    if (d >= 9223372036854775807.0) return INT64_MAX;
    if (d <= -9223372036854775808.0) return INT64_MIN;
    return static_cast<int64_t>(d);
}

int64_t arg_count(Thread& th, std::span<Value> args, size_t index, std::string_view fn) {
    Value const& v = args[index];
    if (v.is_int()) return v.as_int();
    if (v.is_float()) return trunc_to_int(v.as_float());
    bad_argument(th, fn, index, "int", v);
}

double arg_number(Thread& th, std::span<Value> args, size_t index, std::string_view fn) {
    if (!args[index].is_number()) bad_argument(th, fn, index, "number", args[index]);
    return args[index].as_number();
}

Array* arg_array(Thread& th, std::span<Value> args, size_t index, std::string_view fn) {
    if (!args[index].is(TAG_ARRAY)) bad_argument(th, fn, index, "array", args[index]);
    return args[index].as<Array>();
}

Dict* arg_dict(Thread& th, std::span<Value> args, size_t index, std::string_view fn) {
    if (!args[index].is(TAG_DICT)) bad_argument(th, fn, index, "dict", args[index]);
    return args[index].as<Dict>();
}

Value const& arg_callable(Thread& th, std::span<Value> args, size_t index, std::string_view fn) {
    if (!args[index].is(TAG_FUNCTION) && !args[index].is(TAG_BUILTIN))
        bad_argument(th, fn, index, "function", args[index]);
    return args[index];
}

// ---------------------------------------------------------------------------------------------
// UTF-8

int32_t utf8_decode(std::string_view s, size_t& pos) {
    auto byte = [&](size_t i) { return static_cast<unsigned char>(s[i]); };
    unsigned char c = byte(pos);
    if (c < 0x80) {
        ++pos;
        return c;
    }
    int extra = c >= 0xF0 ? 3 : c >= 0xE0 ? 2 : c >= 0xC0 ? 1 : -1;
    if (extra < 0 || c > 0xF4 || pos + static_cast<size_t>(extra) >= s.size()) {
        ++pos;
        return 0xFFFD;
    }
    int32_t cp = c & (0x3F >> extra);
    for (int i = 1; i <= extra; ++i) {
        unsigned char cc = byte(pos + i);
        if ((cc & 0xC0) != 0x80) {
            ++pos;
            return 0xFFFD;
        }
        cp = (cp << 6) | (cc & 0x3F);
    }
    pos += extra + 1;
    return cp;
}

void utf8_encode(std::string& out, int32_t cp) {
    if (cp < 0x80) {
        out += static_cast<char>(cp);
    } else if (cp < 0x800) {
        out += static_cast<char>(0xC0 | (cp >> 6));
        out += static_cast<char>(0x80 | (cp & 0x3F));
    } else if (cp < 0x10000) {
        out += static_cast<char>(0xE0 | (cp >> 12));
        out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
        out += static_cast<char>(0x80 | (cp & 0x3F));
    } else {
        out += static_cast<char>(0xF0 | (cp >> 18));
        out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
        out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
        out += static_cast<char>(0x80 | (cp & 0x3F));
    }
}

// Whether the scalar decoded from `len` bytes at `start` is well-formed (not a stray byte, an
// overlong form, a surrogate or beyond U+10FFFF).
static bool well_formed(std::string_view s, size_t start, size_t len, int32_t cp) {
    if (cp == 0xFFFD && len == 1 && static_cast<unsigned char>(s[start]) >= 0x80) return false;
    if ((len == 2 && cp < 0x80) || (len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000)) return false;
    return !(cp >= 0xD800 && cp <= 0xDFFF) && cp <= 0x10FFFF;
}

bool utf8_valid(std::string_view s) {
    for (size_t pos = 0; pos < s.size();) {
        // ASCII runs, eight bytes at a time (every file read is checked).
        uint64_t word;
        while (pos + 8 <= s.size() && (std::memcpy(&word, s.data() + pos, 8), (word & 0x8080808080808080ull) == 0)) pos += 8;
        if (pos >= s.size()) break;
        if (static_cast<unsigned char>(s[pos]) < 0x80) {
            ++pos;
            continue;
        }
        size_t start = pos;
        int32_t cp = utf8_decode(s, pos);
        if (!well_formed(s, start, pos - start, cp)) return false;
    }
    return true;
}

std::string utf8_sanitize(std::string_view s) {
    if (utf8_valid(s)) return std::string(s);
    std::string out;
    out.reserve(s.size());
    for (size_t pos = 0; pos < s.size();) {
        size_t start = pos;
        int32_t cp = utf8_decode(s, pos);
        utf8_encode(out, well_formed(s, start, pos - start, cp) ? cp : 0xFFFD);
    }
    return out;
}

Value pair(Value a, Value b) {
    std::vector<Value> items;
    items.reserve(2);
    items.push_back(std::move(a));
    items.push_back(std::move(b));
    return make_array(std::move(items));
}

}  // namespace ruff
