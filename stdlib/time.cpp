// Time and dates (STDLIB.md §2.10 as settled by DECISIONS.md). Dates are UTC (no time zones);
// format_date and parse_date share one token set: YYYY, MM, DD, HH, mm, ss.
#include <chrono>
#include <cmath>
#include <cstdio>
#include <mutex>

#include "runtime/ops.h"
#include "stdlib/stdlib.h"

namespace ruff {
namespace stdlib_time {

using Clock = std::chrono::steady_clock;

// A monotonic clock that starts at its first reading (each timer has its own start).
struct LazyClock {
    std::once_flag once;
    Clock::time_point start;
    int64_t nanos_since_start() {
        std::call_once(once, [&] { start = Clock::now(); });
        return std::chrono::duration_cast<std::chrono::nanoseconds>(Clock::now() - start).count();
    }
};
LazyClock g_us_clock;
LazyClock g_ns_clock;

int64_t unix_nanos() {
    return std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::system_clock::now().time_since_epoch())
        .count();
}

Value time_now(Thread&, std::span<Value>) {
    return Value::from_float(static_cast<double>(unix_nanos() / 1000000000));
}

Value time_current_timestamp(Thread&, std::span<Value>) { return Value::from_int(unix_nanos() / 1000000); }

Value time_us(Thread&, std::span<Value>) {
    return Value::from_float(static_cast<double>(g_us_clock.nanos_since_start() / 1000));
}

Value time_ns(Thread&, std::span<Value>) { return Value::from_float(static_cast<double>(g_ns_clock.nanos_since_start())); }

// The unit is picked by magnitude first, then the value is rounded (so 999.999 gives 1000.00ms).
Value time_format_duration(Thread& th, std::span<Value> args) {
    double ms = arg_number(th, args, 0, "format_duration");
    char buf[64];
    if (ms >= 1000) std::snprintf(buf, sizeof buf, "%.2fs", ms / 1000);
    else if (ms >= 1) std::snprintf(buf, sizeof buf, "%.2fms", ms);
    else if (ms >= 0.001) std::snprintf(buf, sizeof buf, "%.2f\u03bcs", ms * 1000);
    else std::snprintf(buf, sizeof buf, "%.0fns", ms * 1000000);
    return make_string(buf);
}

Value time_elapsed(Thread& th, std::span<Value> args) {
    double start = arg_number(th, args, 0, "elapsed");
    double end = arg_number(th, args, 1, "elapsed");
    return Value::from_float(end - start);
}

// Civil date from days since 1970-01-01 (Howard Hinnant's algorithm), and back.
void civil_from_days(int64_t z, int64_t& y, int64_t& m, int64_t& d) {
    z += 719468;
    int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    int64_t doe = z - era * 146097;
    int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    y = yoe + era * 400;
    int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    int64_t mp = (5 * doy + 2) / 153;
    d = doy - (153 * mp + 2) / 5 + 1;
    m = mp < 10 ? mp + 3 : mp - 9;
    if (m <= 2) ++y;
}

int64_t days_from_civil(int64_t y, int64_t m, int64_t d) {
    y -= m <= 2;
    int64_t era = (y >= 0 ? y : y - 399) / 400;
    int64_t yoe = y - era * 400;
    int64_t doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
    int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

bool is_leap(int64_t y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }
int64_t days_in_month(int64_t y, int64_t m) {
    static constexpr int k_days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    return m == 2 && is_leap(y) ? 29 : k_days[m - 1];
}

// Timestamps are limited to chrono's range (years within ±262143).
constexpr int64_t k_max_timestamp = 8210266876799;   // +262142-12-31 23:59:59
constexpr int64_t k_min_timestamp = -8334601228800;  // -262143-01-01 00:00:00

void replace_all(std::string& s, std::string_view token, std::string_view with) {
    for (size_t pos = s.find(token); pos != std::string::npos; pos = s.find(token, pos + with.size()))
        s.replace(pos, token.size(), with);
}

std::string two_digits(int64_t v) {
    char buf[8];
    std::snprintf(buf, sizeof buf, "%02d", static_cast<int>(v));
    return buf;
}

// The tokens YYYY, MM, DD, HH, mm, ss are replaced in that order by plain text substitution;
// everything else is copied.
Value time_format_date(Thread& th, std::span<Value> args) {
    double stamp = arg_number(th, args, 0, "format_date");
    std::string format(arg_string(th, args, 1, "format_date"));
    int64_t secs = args[0].is_int() ? args[0].as_int() : trunc_to_int(stamp);
    if (secs > k_max_timestamp || secs < k_min_timestamp)
        raise(th, ErrorType::ValueError, cat("format_date(): timestamp ", to_display(args[0]), " is out of range"));
    int64_t days = secs >= 0 ? secs / 86400 : -((-secs + 86399) / 86400);
    int64_t rem = secs - days * 86400;
    int64_t y, m, d;
    civil_from_days(days, y, m, d);
    char year[32];
    if (y >= 0) std::snprintf(year, sizeof year, "%04lld", static_cast<long long>(y));
    else std::snprintf(year, sizeof year, "-%04lld", static_cast<long long>(-y));
    replace_all(format, "YYYY", year);
    replace_all(format, "MM", two_digits(m));
    replace_all(format, "DD", two_digits(d));
    replace_all(format, "HH", two_digits(rem / 3600));
    replace_all(format, "mm", two_digits(rem / 60 % 60));
    replace_all(format, "ss", two_digits(rem % 60));
    return make_string(std::move(format));
}

// The inverse of format_date: the format's tokens (YYYY, MM, DD, HH, mm, ss) match digits (two
// for all but the year), every other character matches itself. Missing fields default to
// 1970-01-01 00:00:00. Returns Unix seconds (UTC) as a Float.
Value time_parse_date(Thread& th, std::span<Value> args) {
    std::string_view text = arg_string(th, args, 0, "parse_date");
    std::string_view format = arg_string(th, args, 1, "parse_date");
    auto fail = [&](std::string_view why) {
        raise(th, ErrorType::ValueError,
              cat("parse_date(): cannot parse '", text, "' with format '", format, "': ", why));
    };
    int64_t fields[6] = {1970, 1, 1, 0, 0, 0};  // year, month, day, hour, minute, second
    static constexpr std::string_view k_tokens[6] = {"YYYY", "MM", "DD", "HH", "mm", "ss"};
    size_t pos = 0;
    for (size_t f = 0; f < format.size();) {
        int token = -1;
        for (int t = 0; t < 6; ++t)
            if (format.substr(f, k_tokens[t].size()) == k_tokens[t]) {
                token = t;
                break;
            }
        if (token < 0) {
            if (pos >= text.size() || text[pos] != format[f]) fail(cat("expected '", format.substr(f, 1), "'"));
            ++pos;
            ++f;
            continue;
        }
        f += k_tokens[token].size();
        bool negative = false;
        if (token == 0 && pos < text.size() && (text[pos] == '-' || text[pos] == '+')) {
            negative = text[pos] == '-';
            ++pos;
        }
        size_t start = pos;
        size_t max_digits = token == 0 ? 6 : 2;
        while (pos < text.size() && pos - start < max_digits && text[pos] >= '0' && text[pos] <= '9') ++pos;
        if (pos == start || (token != 0 && pos - start != 2) || (token == 0 && pos - start < 4))
            fail(cat("expected ", token == 0 ? "a 4-digit year" : "2 digits", " for ", k_tokens[token]));
        int64_t v = 0;
        for (size_t i = start; i < pos; ++i) v = v * 10 + (text[i] - '0');
        fields[token] = negative ? -v : v;
    }
    if (pos != text.size()) fail("trailing characters");
    auto [y, mo, d, h, mi, s] = fields;
    if (mo < 1 || mo > 12) fail("month out of range");
    if (d < 1 || d > days_in_month(y, mo)) fail("day out of range");
    if (h > 23 || mi > 59 || s > 59) fail("time out of range");
    int64_t secs = days_from_civil(y, mo, d) * 86400 + h * 3600 + mi * 60 + s;
    return Value::from_float(static_cast<double>(secs));
}

constexpr BuiltinEntry k_time_builtins[] = {
    // name                fn                       min max  doc
    {"now",                time_now,                0,  0,   "now(): Unix seconds, whole (Float)"},
    {"current_timestamp",  time_current_timestamp,  0,  0,   "current_timestamp(): Unix milliseconds (Int)"},
    {"time_us",            time_us,                 0,  0,   "time_us(): monotonic whole microseconds since the first call (Float)"},
    {"time_ns",            time_ns,                 0,  0,   "time_ns(): monotonic nanoseconds since the first call (Float)"},
    {"format_duration",    time_format_duration,    1,  1,   "format_duration(ms): `1.50s`, `12.35ms`, `500.00μs` or `400ns`"},
    {"elapsed",            time_elapsed,            2,  2,   "elapsed(start, end): end - start (Float)"},
    {"format_date",        time_format_date,        2,  2,   "format_date(ts, fmt): UTC date text; tokens YYYY MM DD HH mm ss"},
    {"parse_date",         time_parse_date,         2,  2,   "parse_date(text, fmt): Unix seconds (UTC, Float); tokens YYYY MM DD HH mm ss"},
};

}  // namespace stdlib_time

void register_time(Runtime& rt) { register_table(rt, stdlib_time::k_time_builtins); }

}  // namespace ruff
