// String built-ins (STDLIB.md §2.3 as settled by DECISIONS.md): offsets and lengths count Unicode
// scalars, negative indexes count from the end, case mapping is full Unicode (utf8proc plus the
// unconditional SpecialCasing expansions, so "straße" upper-cases to "STRASSE").
#include <utf8proc.h>

#include <algorithm>
#include <vector>

#include "runtime/ops.h"
#include "stdlib/stdlib.h"

namespace ruff {

bool is_unicode_space(int32_t cp) {
    if (cp <= 0x20) return cp == 0x20 || (cp >= 0x09 && cp <= 0x0D);
    switch (cp) {
    case 0x85: case 0xA0: case 0x1680: case 0x2028: case 0x2029: case 0x202F: case 0x205F: case 0x3000:
        return true;
    default: return cp >= 0x2000 && cp <= 0x200A;
    }
}

std::string_view unicode_trim(std::string_view s, bool start, bool end) {
    size_t first = 0, last = s.size();
    if (start) {
        while (first < last) {
            size_t pos = first;
            if (!is_unicode_space(utf8_decode(s, pos))) break;
            first = pos;
        }
    }
    if (end) {
        while (last > first) {
            size_t begin = last - 1;
            while (begin > first && (static_cast<unsigned char>(s[begin]) & 0xC0) == 0x80) --begin;
            size_t pos = begin;
            if (!is_unicode_space(utf8_decode(s, pos))) break;
            last = begin;
        }
    }
    return s.substr(first, last - first);
}

namespace {

// ---------------------------------------------------------------------------------------------
// Unicode helpers

// Unconditional multi-scalar upper-case mappings from SpecialCasing.txt (Unicode 15), sorted.
struct SpecialUpper {
    int32_t from;
    int32_t to[3];
};
constexpr SpecialUpper k_special_upper[] = {
    {0x00DF, {0x0053, 0x0053, 0x0000}},
    {0x0149, {0x02BC, 0x004E, 0x0000}},
    {0x01F0, {0x004A, 0x030C, 0x0000}},
    {0x0390, {0x0399, 0x0308, 0x0301}},
    {0x03B0, {0x03A5, 0x0308, 0x0301}},
    {0x0587, {0x0535, 0x0552, 0x0000}},
    {0x1E96, {0x0048, 0x0331, 0x0000}},
    {0x1E97, {0x0054, 0x0308, 0x0000}},
    {0x1E98, {0x0057, 0x030A, 0x0000}},
    {0x1E99, {0x0059, 0x030A, 0x0000}},
    {0x1E9A, {0x0041, 0x02BE, 0x0000}},
    {0x1F50, {0x03A5, 0x0313, 0x0000}},
    {0x1F52, {0x03A5, 0x0313, 0x0300}},
    {0x1F54, {0x03A5, 0x0313, 0x0301}},
    {0x1F56, {0x03A5, 0x0313, 0x0342}},
    {0x1F80, {0x1F08, 0x0399, 0x0000}},
    {0x1F81, {0x1F09, 0x0399, 0x0000}},
    {0x1F82, {0x1F0A, 0x0399, 0x0000}},
    {0x1F83, {0x1F0B, 0x0399, 0x0000}},
    {0x1F84, {0x1F0C, 0x0399, 0x0000}},
    {0x1F85, {0x1F0D, 0x0399, 0x0000}},
    {0x1F86, {0x1F0E, 0x0399, 0x0000}},
    {0x1F87, {0x1F0F, 0x0399, 0x0000}},
    {0x1F88, {0x1F08, 0x0399, 0x0000}},
    {0x1F89, {0x1F09, 0x0399, 0x0000}},
    {0x1F8A, {0x1F0A, 0x0399, 0x0000}},
    {0x1F8B, {0x1F0B, 0x0399, 0x0000}},
    {0x1F8C, {0x1F0C, 0x0399, 0x0000}},
    {0x1F8D, {0x1F0D, 0x0399, 0x0000}},
    {0x1F8E, {0x1F0E, 0x0399, 0x0000}},
    {0x1F8F, {0x1F0F, 0x0399, 0x0000}},
    {0x1F90, {0x1F28, 0x0399, 0x0000}},
    {0x1F91, {0x1F29, 0x0399, 0x0000}},
    {0x1F92, {0x1F2A, 0x0399, 0x0000}},
    {0x1F93, {0x1F2B, 0x0399, 0x0000}},
    {0x1F94, {0x1F2C, 0x0399, 0x0000}},
    {0x1F95, {0x1F2D, 0x0399, 0x0000}},
    {0x1F96, {0x1F2E, 0x0399, 0x0000}},
    {0x1F97, {0x1F2F, 0x0399, 0x0000}},
    {0x1F98, {0x1F28, 0x0399, 0x0000}},
    {0x1F99, {0x1F29, 0x0399, 0x0000}},
    {0x1F9A, {0x1F2A, 0x0399, 0x0000}},
    {0x1F9B, {0x1F2B, 0x0399, 0x0000}},
    {0x1F9C, {0x1F2C, 0x0399, 0x0000}},
    {0x1F9D, {0x1F2D, 0x0399, 0x0000}},
    {0x1F9E, {0x1F2E, 0x0399, 0x0000}},
    {0x1F9F, {0x1F2F, 0x0399, 0x0000}},
    {0x1FA0, {0x1F68, 0x0399, 0x0000}},
    {0x1FA1, {0x1F69, 0x0399, 0x0000}},
    {0x1FA2, {0x1F6A, 0x0399, 0x0000}},
    {0x1FA3, {0x1F6B, 0x0399, 0x0000}},
    {0x1FA4, {0x1F6C, 0x0399, 0x0000}},
    {0x1FA5, {0x1F6D, 0x0399, 0x0000}},
    {0x1FA6, {0x1F6E, 0x0399, 0x0000}},
    {0x1FA7, {0x1F6F, 0x0399, 0x0000}},
    {0x1FA8, {0x1F68, 0x0399, 0x0000}},
    {0x1FA9, {0x1F69, 0x0399, 0x0000}},
    {0x1FAA, {0x1F6A, 0x0399, 0x0000}},
    {0x1FAB, {0x1F6B, 0x0399, 0x0000}},
    {0x1FAC, {0x1F6C, 0x0399, 0x0000}},
    {0x1FAD, {0x1F6D, 0x0399, 0x0000}},
    {0x1FAE, {0x1F6E, 0x0399, 0x0000}},
    {0x1FAF, {0x1F6F, 0x0399, 0x0000}},
    {0x1FB2, {0x1FBA, 0x0399, 0x0000}},
    {0x1FB3, {0x0391, 0x0399, 0x0000}},
    {0x1FB4, {0x0386, 0x0399, 0x0000}},
    {0x1FB6, {0x0391, 0x0342, 0x0000}},
    {0x1FB7, {0x0391, 0x0342, 0x0399}},
    {0x1FBC, {0x0391, 0x0399, 0x0000}},
    {0x1FC2, {0x1FCA, 0x0399, 0x0000}},
    {0x1FC3, {0x0397, 0x0399, 0x0000}},
    {0x1FC4, {0x0389, 0x0399, 0x0000}},
    {0x1FC6, {0x0397, 0x0342, 0x0000}},
    {0x1FC7, {0x0397, 0x0342, 0x0399}},
    {0x1FCC, {0x0397, 0x0399, 0x0000}},
    {0x1FD2, {0x0399, 0x0308, 0x0300}},
    {0x1FD3, {0x0399, 0x0308, 0x0301}},
    {0x1FD6, {0x0399, 0x0342, 0x0000}},
    {0x1FD7, {0x0399, 0x0308, 0x0342}},
    {0x1FE2, {0x03A5, 0x0308, 0x0300}},
    {0x1FE3, {0x03A5, 0x0308, 0x0301}},
    {0x1FE4, {0x03A1, 0x0313, 0x0000}},
    {0x1FE6, {0x03A5, 0x0342, 0x0000}},
    {0x1FE7, {0x03A5, 0x0308, 0x0342}},
    {0x1FF2, {0x1FFA, 0x0399, 0x0000}},
    {0x1FF3, {0x03A9, 0x0399, 0x0000}},
    {0x1FF4, {0x038F, 0x0399, 0x0000}},
    {0x1FF6, {0x03A9, 0x0342, 0x0000}},
    {0x1FF7, {0x03A9, 0x0342, 0x0399}},
    {0x1FFC, {0x03A9, 0x0399, 0x0000}},
    {0xFB00, {0x0046, 0x0046, 0x0000}},
    {0xFB01, {0x0046, 0x0049, 0x0000}},
    {0xFB02, {0x0046, 0x004C, 0x0000}},
    {0xFB03, {0x0046, 0x0046, 0x0049}},
    {0xFB04, {0x0046, 0x0046, 0x004C}},
    {0xFB05, {0x0053, 0x0054, 0x0000}},
    {0xFB06, {0x0053, 0x0054, 0x0000}},
    {0xFB13, {0x0544, 0x0546, 0x0000}},
    {0xFB14, {0x0544, 0x0535, 0x0000}},
    {0xFB15, {0x0544, 0x053B, 0x0000}},
    {0xFB16, {0x054E, 0x0546, 0x0000}},
    {0xFB17, {0x0544, 0x053D, 0x0000}},
};

std::vector<int32_t> decode_all(std::string_view s) {
    std::vector<int32_t> out;
    out.reserve(s.size());
    for (size_t pos = 0; pos < s.size();) out.push_back(utf8_decode(s, pos));
    return out;
}

void append_upper(std::string& out, int32_t cp) {
    if (cp < 0x80) {
        out += static_cast<char>(cp >= 'a' && cp <= 'z' ? cp - 32 : cp);
        return;
    }
    auto it = std::lower_bound(std::begin(k_special_upper), std::end(k_special_upper), cp,
                               [](SpecialUpper const& e, int32_t c) { return e.from < c; });
    if (it != std::end(k_special_upper) && it->from == cp) {
        for (int32_t c : it->to)
            if (c) utf8_encode(out, c);
        return;
    }
    utf8_encode(out, utf8proc_toupper(cp));
}

bool is_letter(int32_t cp) {
    auto cat = utf8proc_category(cp);
    return cat >= UTF8PROC_CATEGORY_LU && cat <= UTF8PROC_CATEGORY_LO;
}

// Lower-cases the scalar at `i` of `cps`; handles U+0130 and the final form of sigma.
void append_lower(std::string& out, std::vector<int32_t> const& cps, size_t i) {
    int32_t cp = cps[i];
    if (cp < 0x80) {
        out += static_cast<char>(cp >= 'A' && cp <= 'Z' ? cp + 32 : cp);
    } else if (cp == 0x130) {
        out += "i\xCC\x87";  // i + COMBINING DOT ABOVE
    } else if (cp == 0x3A3) {
        bool after_letter = i > 0 && is_letter(cps[i - 1]);
        bool before_letter = i + 1 < cps.size() && is_letter(cps[i + 1]);
        utf8_encode(out, after_letter && !before_letter ? 0x3C2 : 0x3C3);
    } else {
        utf8_encode(out, utf8proc_tolower(cp));
    }
}

std::string unicode_upper(String const* s) {
    std::string out;
    out.reserve(s->data.size());
    if (s->ascii) {
        for (char c : s->data) out += c >= 'a' && c <= 'z' ? static_cast<char>(c - 32) : c;
        return out;
    }
    for (size_t pos = 0; pos < s->data.size();) append_upper(out, utf8_decode(s->data, pos));
    return out;
}

std::string unicode_lower(std::string_view s) {
    std::string out;
    out.reserve(s.size());
    std::vector<int32_t> cps = decode_all(s);
    for (size_t i = 0; i < cps.size(); ++i) append_lower(out, cps, i);
    return out;
}

// Unicode Alphabetic or Numeric (approximated by the general categories L*, Nd, Nl, No).
bool is_alphanumeric(int32_t cp) {
    if (cp < 0x80) return (cp >= 'a' && cp <= 'z') || (cp >= 'A' && cp <= 'Z') || (cp >= '0' && cp <= '9');
    auto cat = utf8proc_category(cp);
    return (cat >= UTF8PROC_CATEGORY_LU && cat <= UTF8PROC_CATEGORY_LO) ||
           (cat >= UTF8PROC_CATEGORY_ND && cat <= UTF8PROC_CATEGORY_NO);
}

bool is_uppercase(int32_t cp) {
    if (cp < 0x80) return cp >= 'A' && cp <= 'Z';
    return utf8proc_isupper(cp) || utf8proc_category(cp) == UTF8PROC_CATEGORY_LU;
}

// Scalar-index arguments: negative counts from the end, then clamped to [0, length].
size_t clamp_index(int64_t index, size_t length) {
    int64_t n = static_cast<int64_t>(length);
    if (index < 0) index += n;
    return static_cast<size_t>(std::clamp<int64_t>(index, 0, n));
}

std::string_view scalar_range(String const* s, size_t start, size_t end) {
    size_t from = utf8_offset(s, start);
    size_t to = utf8_offset(s, end);
    return std::string_view(s->data).substr(from, to - from);
}

Value make_string_array(std::vector<std::string_view> const& parts) {
    std::vector<Value> items;
    items.reserve(parts.size());
    for (auto part : parts) items.push_back(make_string(part));
    return make_array(std::move(items));
}

// ---------------------------------------------------------------------------------------------
// Case and whitespace

Value str_upper(Thread& th, std::span<Value> args) {
    return make_string(unicode_upper(arg_string_obj(th, args, 0, "upper")));
}
Value str_to_upper(Thread& th, std::span<Value> args) {
    return make_string(unicode_upper(arg_string_obj(th, args, 0, "to_upper")));
}
Value str_lower(Thread& th, std::span<Value> args) { return make_string(unicode_lower(arg_string(th, args, 0, "lower"))); }
Value str_to_lower(Thread& th, std::span<Value> args) {
    return make_string(unicode_lower(arg_string(th, args, 0, "to_lower")));
}

// First scalar upper-cased (full mapping), the rest lower-cased.
Value str_capitalize(Thread& th, std::span<Value> args) {
    std::string_view s = arg_string(th, args, 0, "capitalize");
    if (s.empty()) return make_string("");
    size_t pos = 0;
    std::string out;
    append_upper(out, utf8_decode(s, pos));
    out += unicode_lower(s.substr(pos));
    return make_string(std::move(out));
}

Value str_trim(Thread& th, std::span<Value> args) { return make_string(unicode_trim(arg_string(th, args, 0, "trim"), true, true)); }
Value str_trim_start(Thread& th, std::span<Value> args) {
    return make_string(unicode_trim(arg_string(th, args, 0, "trim_start"), true, false));
}
Value str_trim_end(Thread& th, std::span<Value> args) {
    return make_string(unicode_trim(arg_string(th, args, 0, "trim_end"), false, true));
}

// ---------------------------------------------------------------------------------------------
// Searching

// contains(string, substring), contains(array, value) by ==, contains(dict, key).
Value str_contains(Thread& th, std::span<Value> args) {
    Value const& hay = args[0];
    switch (hay.tag()) {
    case TAG_STR: return Value::from_bool(string_view_of(hay).find(arg_string(th, args, 1, "contains")) != std::string_view::npos);
    case TAG_ARRAY:
        for (auto const& item : hay.as<Array>()->items)
            if (values_equal(th, item, args[1])) return Value::from_bool(true);
        return Value::from_bool(false);
    case TAG_DICT: {
        Value key = dict_key(th, args[1]);
        return Value::from_bool(hay.as<Dict>()->find(string_view_of(key)) != nullptr);
    }
    default: bad_argument(th, "contains", 0, "string, array or dict", hay);
    }
}

// Scalar index of the first occurrence (string) or first == element (array), else -1.
Value str_index_of(Thread& th, std::span<Value> args) {
    Value const& hay = args[0];
    if (hay.is(TAG_STR)) {
        std::string_view s = string_view_of(hay);
        size_t at = s.find(arg_string(th, args, 1, "index_of"));
        if (at == std::string_view::npos) return Value::from_int(-1);
        return Value::from_int(static_cast<int64_t>(hay.as<String>()->ascii ? at : utf8_length(s.substr(0, at))));
    }
    if (!hay.is(TAG_ARRAY)) bad_argument(th, "index_of", 0, "string or array", hay);
    auto const& items = hay.as<Array>()->items;
    for (size_t i = 0; i < items.size(); ++i)
        if (values_equal(th, items[i], args[1])) return Value::from_int(static_cast<int64_t>(i));
    return Value::from_int(-1);
}

Value str_starts_with(Thread& th, std::span<Value> args) {
    std::string_view s = arg_string(th, args, 0, "starts_with");
    return Value::from_bool(s.starts_with(arg_string(th, args, 1, "starts_with")));
}

Value str_ends_with(Thread& th, std::span<Value> args) {
    std::string_view s = arg_string(th, args, 0, "ends_with");
    return Value::from_bool(s.ends_with(arg_string(th, args, 1, "ends_with")));
}

// ---------------------------------------------------------------------------------------------
// Building and splitting

// Every non-overlapping occurrence, left to right; an empty `old` inserts `new` around every scalar.
std::string replace_all(std::string_view s, std::string_view old, std::string_view with) {
    std::string out;
    if (old.empty()) {
        for (size_t pos = 0; pos < s.size();) {
            out += with;
            size_t start = pos;
            utf8_decode(s, pos);
            out += s.substr(start, pos - start);
        }
        out += with;
        return out;
    }
    size_t pos = 0;
    for (size_t at; (at = s.find(old, pos)) != std::string_view::npos; pos = at + old.size()) {
        out += s.substr(pos, at - pos);
        out += with;
    }
    out += s.substr(pos);
    return out;
}

Value replace_impl(Thread& th, std::span<Value> args, std::string_view name) {
    std::string_view s = arg_string(th, args, 0, name);
    std::string_view old = arg_string(th, args, 1, name);
    std::string_view with = arg_string(th, args, 2, name);
    return make_string(replace_all(s, old, with));
}
Value str_replace(Thread& th, std::span<Value> args) { return replace_impl(th, args, "replace"); }
Value str_replace_str(Thread& th, std::span<Value> args) { return replace_impl(th, args, "replace_str"); }

// Pieces between separators, empty ones kept; an empty separator splits around every scalar.
Value str_split(Thread& th, std::span<Value> args) {
    std::string_view s = arg_string(th, args, 0, "split");
    std::string_view sep = arg_string(th, args, 1, "split");
    std::vector<std::string_view> parts;
    if (sep.empty()) {
        parts.push_back({});
        for (size_t pos = 0; pos < s.size();) {
            size_t start = pos;
            utf8_decode(s, pos);
            parts.push_back(s.substr(start, pos - start));
        }
        parts.push_back({});
        return make_string_array(parts);
    }
    size_t pos = 0;
    for (size_t at; (at = s.find(sep, pos)) != std::string_view::npos; pos = at + sep.size())
        parts.push_back(s.substr(pos, at - pos));
    parts.push_back(s.substr(pos));
    return make_string_array(parts);
}

// Elements in display form joined by `sep`.
Value str_join(Thread& th, std::span<Value> args) {
    Array* items = arg_array(th, args, 0, "join");
    std::string_view sep = arg_string(th, args, 1, "join");
    std::string out;
    for (size_t i = 0; i < items->items.size(); ++i) {
        if (i) out += sep;
        display(out, items->items[i]);
    }
    return make_string(std::move(out));
}

Value str_repeat(Thread& th, std::span<Value> args) {
    std::string_view s = arg_string(th, args, 0, "repeat");
    int64_t n = arg_count(th, args, 1, "repeat");
    if (n <= 0 || s.empty()) return make_string("");
    if (static_cast<uint64_t>(n) > (uint64_t{1} << 32) / s.size())
        raise(th, ErrorType::OverflowError, cat("repeat() result too large: ", n, " copies"));
    std::string out;
    out.reserve(s.size() * n);
    for (int64_t i = 0; i < n; ++i) out += s;
    return make_string(std::move(out));
}

// Scalars [start, end): negative bounds count from the end, bounds clamp, start >= end gives "".
Value str_substring(Thread& th, std::span<Value> args) {
    String* s = arg_string_obj(th, args, 0, "substring");
    size_t start = clamp_index(arg_count(th, args, 1, "substring"), s->chars);
    size_t end = clamp_index(arg_count(th, args, 2, "substring"), s->chars);
    if (start >= end) return make_string("");
    return make_string(scalar_range(s, start, end));
}

Value str_char_at(Thread& th, std::span<Value> args) {
    String* s = arg_string_obj(th, args, 0, "char_at");
    size_t i = resolve_index(th, arg_count(th, args, 1, "char_at"), s->chars);
    return make_string(utf8_char_at(s, i));
}

Value str_is_empty(Thread& th, std::span<Value> args) {
    Value const& v = args[0];
    switch (v.tag()) {
    case TAG_STR: return Value::from_bool(string_view_of(v).empty());
    case TAG_ARRAY: return Value::from_bool(v.as<Array>()->items.empty());
    case TAG_DICT: return Value::from_bool(v.as<Dict>()->size() == 0);
    default: bad_argument(th, "is_empty", 0, "string, array or dict", v);
    }
}

Value str_count_chars(Thread& th, std::span<Value> args) {
    return Value::from_int(static_cast<int64_t>(arg_string_obj(th, args, 0, "count_chars")->chars));
}

// Pads with the first scalar of `pad` (a space when empty) to `width` scalars.
Value pad_impl(Thread& th, std::span<Value> args, std::string_view name, bool left) {
    String* s = arg_string_obj(th, args, 0, name);
    int64_t width = arg_count(th, args, 1, name);
    std::string_view pad = arg_string(th, args, 2, name);
    if (width <= static_cast<int64_t>(s->chars)) return args[0];
    if (width > (int64_t{1} << 30)) raise(th, ErrorType::OverflowError, cat(name, "() width too large: ", width));
    size_t pos = 0;
    std::string_view fill = pad.empty() ? std::string_view(" ") : pad.substr(0, (utf8_decode(pad, pos), pos));
    std::string padding;
    for (int64_t i = static_cast<int64_t>(s->chars); i < width; ++i) padding += fill;
    return make_string(left ? cat(padding, s->view()) : cat(s->view(), padding));
}
Value str_pad_left(Thread& th, std::span<Value> args) { return pad_impl(th, args, "pad_left", true); }
Value str_pad_right(Thread& th, std::span<Value> args) { return pad_impl(th, args, "pad_right", false); }

// Split at "\n" (a "\r" right before it is dropped); no final empty line; "" gives [].
Value str_lines(Thread& th, std::span<Value> args) {
    std::string_view s = arg_string(th, args, 0, "lines");
    std::vector<std::string_view> parts;
    size_t pos = 0;
    while (pos < s.size()) {
        size_t at = s.find('\n', pos);
        if (at == std::string_view::npos) {
            parts.push_back(s.substr(pos));
            break;
        }
        size_t end = at > pos && s[at - 1] == '\r' ? at - 1 : at;
        parts.push_back(s.substr(pos, end - pos));
        pos = at + 1;
    }
    return make_string_array(parts);
}

Value str_words(Thread& th, std::span<Value> args) {
    std::string_view s = arg_string(th, args, 0, "words");
    std::vector<std::string_view> parts;
    size_t word_start = std::string_view::npos;
    for (size_t pos = 0; pos < s.size();) {
        size_t start = pos;
        bool space = is_unicode_space(utf8_decode(s, pos));
        if (space && word_start != std::string_view::npos) {
            parts.push_back(s.substr(word_start, start - word_start));
            word_start = std::string_view::npos;
        } else if (!space && word_start == std::string_view::npos) {
            word_start = start;
        }
    }
    if (word_start != std::string_view::npos) parts.push_back(s.substr(word_start));
    return make_string_array(parts);
}

Value str_reverse(Thread& th, std::span<Value> args) {
    std::vector<int32_t> cps = decode_all(arg_string(th, args, 0, "str_reverse"));
    std::string out;
    for (auto it = cps.rbegin(); it != cps.rend(); ++it) utf8_encode(out, *it);
    return make_string(std::move(out));
}

// If longer than `max` scalars: the first max - len(suffix) scalars (at least 0), then suffix.
Value str_truncate(Thread& th, std::span<Value> args) {
    String* s = arg_string_obj(th, args, 0, "truncate");
    int64_t max = arg_count(th, args, 1, "truncate");
    String* suffix = arg_string_obj(th, args, 2, "truncate");
    if (max < 0 || static_cast<int64_t>(s->chars) <= max) return args[0];
    int64_t keep = std::max<int64_t>(0, max - static_cast<int64_t>(suffix->chars));
    return make_string(cat(scalar_range(s, 0, static_cast<size_t>(keep)), suffix->view()));
}

// ---------------------------------------------------------------------------------------------
// Slugs and identifier cases (the reference's exact steps, STDLIB.md §2.3)

Value str_slugify(Thread& th, std::span<Value> args) {
    std::string lower = unicode_lower(arg_string(th, args, 0, "slugify"));
    std::string mapped;
    for (size_t pos = 0; pos < lower.size();) {
        int32_t cp = utf8_decode(lower, pos);
        if (is_alphanumeric(cp)) utf8_encode(mapped, cp);
        else if (is_unicode_space(cp) || cp == '_') mapped += '-';
        // Every other scalar, '-' included, becomes whitespace and is then deleted.
    }
    std::string out = replace_all(mapped, "--", "-");
    size_t first = out.find_first_not_of('-');
    if (first == std::string::npos) return make_string("");
    size_t last = out.find_last_not_of('-');
    return make_string(out.substr(first, last - first + 1));
}

Value str_to_camel_case(Thread& th, std::span<Value> args) {
    std::vector<int32_t> cps = decode_all(arg_string(th, args, 0, "to_camel_case"));
    std::string out;
    bool first_word = true;
    for (size_t i = 0; i < cps.size();) {
        if (!is_alphanumeric(cps[i])) {
            ++i;
            continue;
        }
        size_t end = i;
        while (end < cps.size() && is_alphanumeric(cps[end])) ++end;
        for (size_t k = i; k < end; ++k) {
            if (k == i && !first_word) append_upper(out, cps[k]);
            else append_lower(out, cps, k);
        }
        first_word = false;
        i = end;
    }
    return make_string(std::move(out));
}

std::string snake_case(std::string_view s) {
    std::vector<int32_t> cps = decode_all(s);
    std::string out;
    bool prev_upper = false;
    for (size_t i = 0; i < cps.size(); ++i) {
        int32_t cp = cps[i];
        if (is_uppercase(cp)) {
            if (i > 0 && !prev_upper) out += '_';
            std::string lower;
            append_lower(lower, cps, i);
            size_t pos = 0;
            utf8_encode(out, utf8_decode(lower, pos));  // First scalar of the mapping.
            prev_upper = true;
            continue;
        }
        if (is_alphanumeric(cp)) utf8_encode(out, cp);
        else if ((is_unicode_space(cp) || cp == '_' || cp == '-') && i > 0 && (out.empty() || out.back() != '_')) out += '_';
        prev_upper = false;
    }
    size_t first = out.find_first_not_of('_');
    if (first == std::string::npos) return "";
    return out.substr(first, out.find_last_not_of('_') - first + 1);
}

Value str_to_snake_case(Thread& th, std::span<Value> args) {
    return make_string(snake_case(arg_string(th, args, 0, "to_snake_case")));
}

Value str_to_kebab_case(Thread& th, std::span<Value> args) {
    std::string out = snake_case(arg_string(th, args, 0, "to_kebab_case"));
    std::replace(out.begin(), out.end(), '_', '-');
    return make_string(std::move(out));
}

constexpr BuiltinEntry k_string_builtins[] = {
    // name            fn                  min max  doc
    {"substring",      str_substring,      3,  3,   "substring(s, start, end): scalars [start, end); negative from the end"},
    {"to_upper",       str_to_upper,       1,  1,   "to_upper(s): s upper-cased (full Unicode)"},
    {"upper",          str_upper,          1,  1,   "upper(s): s upper-cased (full Unicode)"},
    {"to_lower",       str_to_lower,       1,  1,   "to_lower(s): s lower-cased (full Unicode)"},
    {"lower",          str_lower,          1,  1,   "lower(s): s lower-cased (full Unicode)"},
    {"capitalize",     str_capitalize,     1,  1,   "capitalize(s): first scalar upper-cased, the rest lower-cased"},
    {"trim",           str_trim,           1,  1,   "trim(s): s without surrounding whitespace"},
    {"trim_start",     str_trim_start,     1,  1,   "trim_start(s): s without leading whitespace"},
    {"trim_end",       str_trim_end,       1,  1,   "trim_end(s): s without trailing whitespace"},
    {"contains",       str_contains,       2,  2,   "contains(s|arr|dict, x): substring, element (==) or key present"},
    {"replace_str",    str_replace_str,    3,  3,   "replace_str(s, old, new): every occurrence replaced"},
    {"replace",        str_replace,        3,  3,   "replace(s, old, new): every occurrence replaced"},
    {"split",          str_split,          2,  2,   "split(s, sep): pieces between separators, empty ones kept"},
    {"join",           str_join,           2,  2,   "join(arr, sep): display forms joined by sep"},
    {"starts_with",    str_starts_with,    2,  2,   "starts_with(s, prefix): Bool"},
    {"ends_with",      str_ends_with,      2,  2,   "ends_with(s, suffix): Bool"},
    {"index_of",       str_index_of,       2,  2,   "index_of(s|arr, x): scalar offset or index of the first match, else -1"},
    {"repeat",         str_repeat,         2,  2,   "repeat(s, n): n copies of s"},
    {"char_at",        str_char_at,        2,  2,   "char_at(s, i): the scalar at i; negative from the end"},
    {"is_empty",       str_is_empty,       1,  1,   "is_empty(s|arr|dict): Bool"},
    {"count_chars",    str_count_chars,    1,  1,   "count_chars(s): number of Unicode scalars"},
    {"pad_left",       str_pad_left,       3,  3,   "pad_left(s, width, pad): s right-aligned to width scalars"},
    {"pad_right",      str_pad_right,      3,  3,   "pad_right(s, width, pad): s left-aligned to width scalars"},
    {"lines",          str_lines,          1,  1,   "lines(s): lines without their line ends"},
    {"words",          str_words,          1,  1,   "words(s): pieces between runs of whitespace"},
    {"str_reverse",    str_reverse,        1,  1,   "str_reverse(s): the scalars of s in reverse order"},
    {"slugify",        str_slugify,        1,  1,   "slugify(s): lower-case words joined by '-'"},
    {"truncate",       str_truncate,       3,  3,   "truncate(s, max, suffix): s cut to max scalars ending in suffix"},
    {"to_camel_case",  str_to_camel_case,  1,  1,   "to_camel_case(s): helloWorld"},
    {"to_snake_case",  str_to_snake_case,  1,  1,   "to_snake_case(s): hello_world"},
    {"to_kebab_case",  str_to_kebab_case,  1,  1,   "to_kebab_case(s): hello-world"},
};

}  // namespace

void register_string(Runtime& rt) { register_table(rt, k_string_builtins); }

}  // namespace ruff
