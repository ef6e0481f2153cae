// Data formats (STDLIB.md §2.8 as settled by DECISIONS.md): JSON and CSV. Parsers keep document
// order, serialisers keep insertion order; bad input data raises ValueError naming the function
// and the position (line and column count Unicode scalars, serde_json style).
#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstdlib>

#include "runtime/ops.h"
#include "stdlib/stdlib.h"

namespace ruff {
namespace stdlib_json {

// ---------------------------------------------------------------------------------------------
// JSON parsing

constexpr int k_max_depth = 128;

// Line and column of byte offset `pos` (serde_json convention): the column is the 1-based
// scalar position of the offending character, or the number of scalars in the line at the end
// of the input.
void line_column(std::string_view text, size_t pos, size_t& line, size_t& column) {
    line = 1;
    size_t line_start = 0;
    size_t end = std::min(pos, text.size());
    for (size_t i = 0; i < end; ++i)
        if (text[i] == '\n') {
            ++line;
            line_start = i + 1;
        }
    column = 0;
    for (size_t i = line_start; i < end; ++i)
        if ((static_cast<unsigned char>(text[i]) & 0xC0) != 0x80) ++column;
    if (pos < text.size()) ++column;
}

class JsonParser {
public:
    JsonParser(Thread& th, std::string_view text) : m_th(th), m_text(text) {}

    Value parse_document() {
        skip_ws();
        Value v = parse_value(0);
        skip_ws();
        if (m_pos < m_text.size()) fail("trailing characters");
        return v;
    }

private:
    [[noreturn]] void fail(std::string_view detail) { fail_at(detail, m_pos); }
    [[noreturn]] void fail_at(std::string_view detail, size_t pos) {
        size_t line, column;
        line_column(m_text, pos, line, column);
        raise(m_th, ErrorType::ValueError,
              cat("parse_json(): JSON parse error: ", detail, " at line ", line, " column ", column));
    }

    bool at_end() const { return m_pos >= m_text.size(); }
    char peek() const { return m_text[m_pos]; }

    void skip_ws() {
        while (m_pos < m_text.size()) {
            char c = m_text[m_pos];
            if (c != ' ' && c != '\t' && c != '\n' && c != '\r') break;
            ++m_pos;
        }
    }

    Value parse_value(int depth) {
        if (at_end()) fail("EOF while parsing a value");
        char c = peek();
        switch (c) {
        case '{': return parse_object(depth + 1);
        case '[': return parse_array(depth + 1);
        case '"': return make_string(parse_string());
        case 't': expect_word("true"); return Value::from_bool(true);
        case 'f': expect_word("false"); return Value::from_bool(false);
        case 'n': expect_word("null"); return Value();
        default:
            if (c == '-' || (c >= '0' && c <= '9')) return parse_number();
            fail("expected value");
        }
    }

    void expect_word(std::string_view word) {
        for (char w : word) {
            if (at_end()) fail("EOF while parsing a value");
            if (peek() != w) fail("expected ident");
            ++m_pos;
        }
    }

    Value parse_number() {
        size_t start = m_pos;
        bool integral = true;
        if (peek() == '-') ++m_pos;
        if (at_end()) fail("EOF while parsing a value");
        if (peek() == '0') {
            ++m_pos;
        } else if (peek() >= '1' && peek() <= '9') {
            while (!at_end() && peek() >= '0' && peek() <= '9') ++m_pos;
        } else {
            fail("invalid number");
        }
        if (!at_end() && peek() == '.') {
            integral = false;
            ++m_pos;
            if (at_end()) fail("EOF while parsing a value");
            if (!(peek() >= '0' && peek() <= '9')) fail("invalid number");
            while (!at_end() && peek() >= '0' && peek() <= '9') ++m_pos;
        }
        if (!at_end() && (peek() == 'e' || peek() == 'E')) {
            integral = false;
            ++m_pos;
            if (!at_end() && (peek() == '+' || peek() == '-')) ++m_pos;
            if (at_end()) fail("EOF while parsing a value");
            if (!(peek() >= '0' && peek() <= '9')) fail("invalid number");
            while (!at_end() && peek() >= '0' && peek() <= '9') ++m_pos;
        }
        std::string_view token = m_text.substr(start, m_pos - start);
        if (integral && token != "-0") {
            int64_t n;
            auto [end, ec] = std::from_chars(token.data(), token.data() + token.size(), n);
            if (ec == std::errc() && end == token.data() + token.size()) return Value::from_int(n);
        }
        std::string copy(token);
        errno = 0;
        double d = std::strtod(copy.c_str(), nullptr);
        if (std::isinf(d)) fail_at("number out of range", start);
        return Value::from_float(d);
    }

    unsigned parse_hex4() {
        unsigned cp = 0;
        for (int i = 0; i < 4; ++i) {
            if (at_end()) fail("EOF while parsing a string");
            char c = peek();
            unsigned digit;
            if (c >= '0' && c <= '9') digit = c - '0';
            else if (c >= 'a' && c <= 'f') digit = c - 'a' + 10;
            else if (c >= 'A' && c <= 'F') digit = c - 'A' + 10;
            else fail("invalid escape");
            cp = cp * 16 + digit;
            ++m_pos;
        }
        return cp;
    }

    // At the opening quote; returns the decoded contents and leaves m_pos after the closing quote.
    std::string parse_string() {
        ++m_pos;
        std::string out;
        for (;;) {
            if (at_end()) fail("EOF while parsing a string");
            unsigned char c = static_cast<unsigned char>(peek());
            if (c == '"') {
                ++m_pos;
                return out;
            }
            if (c < 0x20) fail("control character (\\u0000-\\u001F) found while parsing a string");
            if (c != '\\') {
                out += static_cast<char>(c);
                ++m_pos;
                continue;
            }
            ++m_pos;
            if (at_end()) fail("EOF while parsing a string");
            char e = peek();
            ++m_pos;
            switch (e) {
            case '"': out += '"'; break;
            case '\\': out += '\\'; break;
            case '/': out += '/'; break;
            case 'b': out += '\b'; break;
            case 'f': out += '\f'; break;
            case 'n': out += '\n'; break;
            case 'r': out += '\r'; break;
            case 't': out += '\t'; break;
            case 'u': {
                size_t escape_start = m_pos - 2;
                unsigned cp = parse_hex4();
                if (cp >= 0xDC00 && cp <= 0xDFFF) fail_at("unpaired surrogate in hex escape", escape_start);
                if (cp >= 0xD800 && cp <= 0xDBFF) {
                    if (m_pos + 1 >= m_text.size() || m_text[m_pos] != '\\' || m_text[m_pos + 1] != 'u')
                        fail_at("unpaired surrogate in hex escape", escape_start);
                    m_pos += 2;
                    unsigned low = parse_hex4();
                    if (low < 0xDC00 || low > 0xDFFF) fail_at("unpaired surrogate in hex escape", escape_start);
                    cp = 0x10000 + ((cp - 0xD800) << 10) + (low - 0xDC00);
                }
                utf8_encode(out, static_cast<int32_t>(cp));
                break;
            }
            default: --m_pos; fail("invalid escape");
            }
        }
    }

    Value parse_array(int depth) {
        if (depth > k_max_depth) fail("recursion limit exceeded");
        ++m_pos;
        std::vector<Value> items;
        skip_ws();
        if (at_end()) fail("EOF while parsing a list");
        if (peek() == ']') {
            ++m_pos;
            return make_array(std::move(items));
        }
        for (;;) {
            skip_ws();
            items.push_back(parse_value(depth));
            skip_ws();
            if (at_end()) fail("EOF while parsing a list");
            if (peek() == ']') {
                ++m_pos;
                return make_array(std::move(items));
            }
            if (peek() != ',') fail("expected `,` or `]`");
            ++m_pos;
            skip_ws();
            if (at_end()) fail("EOF while parsing a value");
            if (peek() == ']') fail("trailing comma");
        }
    }

    Value parse_object(int depth) {
        if (depth > k_max_depth) fail("recursion limit exceeded");
        ++m_pos;
        Value result = make_dict();
        Dict* dict = result.as<Dict>();
        skip_ws();
        if (at_end()) fail("EOF while parsing an object");
        if (peek() == '}') {
            ++m_pos;
            return result;
        }
        for (;;) {
            skip_ws();
            if (at_end()) fail("EOF while parsing an object");
            if (peek() != '"') fail("key must be a string");
            std::string key = parse_string();
            skip_ws();
            if (at_end()) fail("EOF while parsing an object");
            if (peek() != ':') fail("expected `:`");
            ++m_pos;
            skip_ws();
            dict->set(std::string_view(key), parse_value(depth));
            skip_ws();
            if (at_end()) fail("EOF while parsing an object");
            if (peek() == '}') {
                ++m_pos;
                return result;
            }
            if (peek() != ',') fail("expected `,` or `}`");
            ++m_pos;
            skip_ws();
            if (at_end()) fail("EOF while parsing an object");
            if (peek() == '}') fail("trailing comma");
        }
    }

    Thread& m_th;
    std::string_view m_text;
    size_t m_pos = 0;
};

// ---------------------------------------------------------------------------------------------
// JSON serialisation

void write_json_string(std::string& out, std::string_view s) {
    static constexpr char hex[] = "0123456789abcdef";
    out += '"';
    for (char ch : s) {
        unsigned char c = static_cast<unsigned char>(ch);
        switch (c) {
        case '"': out += "\\\""; break;
        case '\\': out += "\\\\"; break;
        case '\n': out += "\\n"; break;
        case '\t': out += "\\t"; break;
        case '\r': out += "\\r"; break;
        case '\b': out += "\\b"; break;
        case '\f': out += "\\f"; break;
        default:
            if (c < 0x20) {
                out += "\\u00";
                out += hex[c >> 4];
                out += hex[c & 15];
            } else {
                out += static_cast<char>(c);
            }
        }
    }
    out += '"';
}

// serde_json's (ryu's) float form: the shortest round-trip digits, always with a fraction or an
// exponent; plain notation while the decimal point falls within the first 16 digits or up to 5
// zeros after it. NaN and the infinities have no JSON form and become 0 (STDLIB §2.8).
void write_json_float(std::string& out, double d) {
    if (!std::isfinite(d)) {
        out += '0';
        return;
    }
    if (d == 0) {
        out += std::signbit(d) ? "-0.0" : "0.0";
        return;
    }
    char buf[64];
    auto [end, ec] = std::to_chars(buf, buf + sizeof buf, d, std::chars_format::scientific);
    std::string_view sci(buf, static_cast<size_t>(end - buf));
    bool negative = sci.front() == '-';
    if (negative) sci.remove_prefix(1);
    size_t e_pos = sci.find('e');
    std::string digits;
    for (char c : sci.substr(0, e_pos))
        if (c != '.') digits += c;
    int exp10 = 0;
    std::from_chars(sci.data() + e_pos + 1 + (sci[e_pos + 1] == '+' ? 1 : 0), sci.data() + sci.size(), exp10);
    int length = static_cast<int>(digits.size());
    int k = exp10 - (length - 1);  // value = digits * 10^k
    int kk = length + k;           // position of the decimal point
    if (negative) out += '-';
    if (k >= 0 && kk <= 16) {
        out += digits;
        out.append(static_cast<size_t>(k), '0');
        out += ".0";
    } else if (kk > 0 && kk <= 16) {
        out += digits.substr(0, static_cast<size_t>(kk));
        out += '.';
        out += digits.substr(static_cast<size_t>(kk));
    } else if (kk > -5 && kk <= 0) {
        out += "0.";
        out.append(static_cast<size_t>(-kk), '0');
        out += digits;
    } else {
        out += digits[0];
        if (length > 1) {
            out += '.';
            out += digits.substr(1);
        }
        out += 'e';
        out += std::to_string(kk - 1);
    }
}

void write_json(Thread& th, std::string& out, Value const& v) {
    switch (v.tag()) {
    case TAG_NULL: out += "null"; return;
    case TAG_BOOL: out += v.as_bool() ? "true" : "false"; return;
    case TAG_INT: out += std::to_string(v.as_int()); return;
    case TAG_FLOAT: write_json_float(out, v.as_float()); return;
    case TAG_STR: write_json_string(out, string_view_of(v)); return;
    case TAG_ARRAY: {
        out += '[';
        bool first = true;
        for (Value const& item : v.as<Array>()->items) {
            if (!first) out += ',';
            first = false;
            write_json(th, out, item);
        }
        out += ']';
        return;
    }
    case TAG_DICT: {
        out += '{';
        bool first = true;
        v.as<Dict>()->for_each([&](Value const& key, Value const& value) {
            if (!first) out += ',';
            first = false;
            write_json_string(out, string_view_of(key));
            out += ':';
            write_json(th, out, value);
        });
        out += '}';
        return;
    }
    default: raise(th, ErrorType::TypeError, cat("to_json(): cannot convert ", type_name(v), " to JSON"));
    }
}

Value parse_json(Thread& th, std::span<Value> args) {
    std::string_view text = arg_string(th, args, 0, "parse_json");
    return JsonParser(th, text).parse_document();
}

Value to_json(Thread& th, std::span<Value> args) {
    std::string out;
    write_json(th, out, args[0]);
    return make_string(std::move(out));
}

// ---------------------------------------------------------------------------------------------
// CSV (RFC 4180: comma separator, `"` quoting with `""` escapes, quoted fields may span lines,
// `\n` or `\r\n` line ends, blank lines skipped).

// One field converted: an i64 literal becomes Int, else a float literal Float, else the String.
Value csv_field_value(std::string_view s) {
    if (s.empty()) return make_string(s);
    std::string_view digits = s.front() == '+' ? s.substr(1) : s;
    if (!digits.empty() && digits.front() != '+' && !(s.front() == '+' && digits.front() == '-')) {
        int64_t n;
        auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), n);
        if (ec == std::errc() && end == digits.data() + digits.size()) return Value::from_int(n);
    }
    // Rust's f64 grammar: optional sign, then inf/infinity/nan (any case) or decimal digits with
    // an optional fraction and exponent (`1.`, `.5`, `1e5`).
    std::string_view body = (s.front() == '+' || s.front() == '-') ? s.substr(1) : s;
    bool negative = s.front() == '-';
    auto iequals = [](std::string_view a, std::string_view b) {
        if (a.size() != b.size()) return false;
        for (size_t i = 0; i < a.size(); ++i)
            if ((a[i] | 0x20) != b[i]) return false;
        return true;
    };
    if (iequals(body, "inf") || iequals(body, "infinity")) return Value::from_float(negative ? -INFINITY : INFINITY);
    if (iequals(body, "nan")) return Value::from_float(NAN);
    size_t i = 0, int_digits = 0, frac_digits = 0;
    while (i < body.size() && body[i] >= '0' && body[i] <= '9') ++i, ++int_digits;
    if (i < body.size() && body[i] == '.') {
        ++i;
        while (i < body.size() && body[i] >= '0' && body[i] <= '9') ++i, ++frac_digits;
    }
    if (int_digits + frac_digits == 0) return make_string(s);
    if (i < body.size() && (body[i] == 'e' || body[i] == 'E')) {
        ++i;
        if (i < body.size() && (body[i] == '+' || body[i] == '-')) ++i;
        size_t exp_digits = 0;
        while (i < body.size() && body[i] >= '0' && body[i] <= '9') ++i, ++exp_digits;
        if (exp_digits == 0) return make_string(s);
    }
    if (i != body.size()) return make_string(s);
    std::string copy(s);
    return Value::from_float(std::strtod(copy.c_str(), nullptr));
}

Value parse_csv(Thread& th, std::span<Value> args) {
    std::string_view text = arg_string(th, args, 0, "parse_csv");
    auto fail = [&](std::string_view detail, size_t pos) -> void {
        size_t line, column;
        line_column(text, pos, line, column);
        raise(th, ErrorType::ValueError, cat("parse_csv(): ", detail, " at line ", line));
    };
    // Reads one record starting at `pos`; false at the end of the input. Blank lines are skipped.
    size_t pos = 0;
    size_t record_start = 0;
    auto read_record = [&](std::vector<std::string>& fields) -> bool {
        while (pos < text.size() && (text[pos] == '\n' || (text[pos] == '\r' && pos + 1 < text.size() && text[pos + 1] == '\n') ||
                                     (text[pos] == '\r' && pos + 1 == text.size())))
            pos += text[pos] == '\r' && pos + 1 < text.size() ? 2 : 1;
        if (pos >= text.size()) return false;
        record_start = pos;
        fields.clear();
        std::string field;
        for (;;) {
            if (pos < text.size() && text[pos] == '"') {
                size_t quote_start = pos;
                ++pos;
                for (;;) {
                    if (pos >= text.size()) fail("CSV parse error: unterminated quoted field", quote_start);
                    if (text[pos] == '"') {
                        if (pos + 1 < text.size() && text[pos + 1] == '"') {
                            field += '"';
                            pos += 2;
                            continue;
                        }
                        ++pos;
                        break;
                    }
                    field += text[pos++];
                }
            }
            // Unquoted text (or text after a closing quote) up to the separator or line end.
            while (pos < text.size() && text[pos] != ',' && text[pos] != '\n' &&
                   !(text[pos] == '\r' && (pos + 1 == text.size() || text[pos + 1] == '\n')))
                field += text[pos++];
            fields.push_back(std::move(field));
            field.clear();
            if (pos < text.size() && text[pos] == ',') {
                ++pos;
                continue;
            }
            if (pos < text.size()) pos += text[pos] == '\r' ? 2 : 1;
            return true;
        }
    };
    std::vector<Value> rows;
    std::vector<std::string> header;
    if (!read_record(header)) return make_array();
    std::vector<Value> keys;
    for (size_t i = 0; i < header.size(); ++i) {
        for (size_t j = 0; j < i; ++j)
            if (header[j] == header[i]) fail(cat("CSV header error: duplicate column '", header[i], "'"), record_start);
        keys.push_back(make_string(header[i]));
    }
    std::vector<std::string> fields;
    while (read_record(fields)) {
        if (fields.size() != header.size())
            fail(cat("CSV parse error: record has ", fields.size(), " fields, but the header has ", header.size()),
                 record_start);
        Value row = make_dict();
        Dict* dict = row.as<Dict>();
        for (size_t i = 0; i < fields.size(); ++i) dict->set(keys[i], csv_field_value(fields[i]));
        rows.push_back(std::move(row));
    }
    return make_array(std::move(rows));
}

void write_csv_field(std::string& out, std::string_view s) {
    if (s.find_first_of(",\"\r\n") == std::string_view::npos) {
        out += s;
        return;
    }
    out += '"';
    for (char c : s) {
        if (c == '"') out += '"';
        out += c;
    }
    out += '"';
}

Value to_csv(Thread& th, std::span<Value> args) {
    Array* rows = arg_array(th, args, 0, "to_csv");
    if (rows->items.empty()) raise(th, ErrorType::ValueError, "to_csv(): needs at least one row to take the header from");
    for (size_t i = 0; i < rows->items.size(); ++i)
        if (!rows->items[i].is(TAG_DICT))
            raise(th, ErrorType::TypeError,
                  cat("to_csv(): rows must be dicts, row ", i + 1, " is ", type_name(rows->items[i])));
    std::vector<Value> header;
    rows->items[0].as<Dict>()->for_each([&](Value const& key, Value const&) { header.push_back(key); });
    std::string out;
    auto end_line = [&](size_t fields_written, bool last_empty) {
        // A record made of one empty field is written as `""` so that it is not a blank line.
        if (fields_written == 1 && last_empty) out += "\"\"";
        out += '\n';
    };
    for (size_t i = 0; i < header.size(); ++i) {
        if (i) out += ',';
        write_csv_field(out, string_view_of(header[i]));
    }
    end_line(header.size(), header.size() == 1 && string_view_of(header[0]).empty());
    for (size_t r = 0; r < rows->items.size(); ++r) {
        Dict* row = rows->items[r].as<Dict>();
        bool last_empty = false;
        for (size_t i = 0; i < header.size(); ++i) {
            if (i) out += ',';
            Value const* v = row->find(string_view_of(header[i]));
            std::string text;
            if (v == nullptr || v->is_null()) {
            } else if (v->is(TAG_STR)) {
                text = std::string(string_view_of(*v));
            } else if (v->is_number() || v->is_bool()) {
                text = to_display(*v);
            } else {
                raise(th, ErrorType::TypeError,
                      cat("to_csv(): row ", r + 1, " field '", string_view_of(header[i]),
                          "' must be a string, number, bool or null, got ", type_name(*v)));
            }
            last_empty = text.empty();
            write_csv_field(out, text);
        }
        end_line(header.size(), last_empty);
    }
    return make_string(std::move(out));
}

constexpr BuiltinEntry k_format_builtins[] = {
    // name         fn           min max  doc
    {"parse_json",  parse_json,  1,  1,   "parse_json(text): the JSON document as Ruff values (dicts in document order)"},
    {"to_json",     to_json,     1,  1,   "to_json(value): compact JSON, dict keys in insertion order"},
    {"parse_csv",   parse_csv,   1,  1,   "parse_csv(text): an array of dicts keyed by the header row"},
    {"to_csv",      to_csv,      1,  1,   "to_csv(rows): CSV text with the first row's keys as header"},
};

}  // namespace stdlib_json

void register_formats(Runtime& rt) { register_table(rt, stdlib_json::k_format_builtins); }

}  // namespace ruff
