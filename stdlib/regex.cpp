// Regular expressions (STDLIB.md §2.9 as settled by DECISIONS.md) on RE2, the closest match to
// Rust's regex crate: same syntax family, leftmost-first, linear time. An invalid pattern raises
// ValueError. Match iteration follows the regex crate: an empty match advances by one scalar and
// an empty match right after the previous match is skipped.
#include <memory>
#include <string>
#include <unordered_map>

#include <re2/re2.h>

#include "runtime/ops.h"
#include "stdlib/stdlib.h"

namespace ruff {
namespace stdlib_regex {

// Compiled patterns, cached per thread (patterns are usually literals used in loops).
RE2 const& compile(Thread& th, std::string_view pattern, std::string_view fn) {
    thread_local std::unordered_map<std::string, std::unique_ptr<RE2>> cache;
    std::string key(pattern);
    auto it = cache.find(key);
    if (it != cache.end()) return *it->second;
    RE2::Options options;
    options.set_log_errors(false);
    options.set_encoding(RE2::Options::EncodingUTF8);
    auto re = std::make_unique<RE2>(re2::StringPiece(pattern.data(), pattern.size()), options);
    if (!re->ok()) raise(th, ErrorType::ValueError, cat(fn, "(): invalid regex '", pattern, "': ", re->error()));
    if (cache.size() >= 256) cache.clear();
    return *cache.emplace(std::move(key), std::move(re)).first->second;
}

// Calls `on_match(groups)` for each match in order; groups[0] is the whole match, and there are
// `ngroups` + 1 entries (an unmatched group has a null data pointer).
template <class F>
void for_each_match(RE2 const& re, std::string_view text, int ngroups, F&& on_match) {
    re2::StringPiece input(text.data(), text.size());
    std::vector<re2::StringPiece> groups(static_cast<size_t>(ngroups) + 1);
    size_t search_from = 0;
    size_t last_match_end = std::string_view::npos;
    while (search_from <= text.size()) {
        if (!re.Match(input, search_from, text.size(), RE2::UNANCHORED, groups.data(), ngroups + 1)) return;
        size_t start = static_cast<size_t>(groups[0].data() - text.data());
        size_t end = start + groups[0].size();
        if (start == end) {
            // Advance by one scalar past an empty match.
            size_t next = end;
            if (next < text.size()) {
                ++next;
                while (next < text.size() && (static_cast<unsigned char>(text[next]) & 0xC0) == 0x80) ++next;
            } else {
                next = text.size() + 1;
            }
            search_from = next;
            if (end == last_match_end) continue;
        } else {
            search_from = end;
        }
        last_match_end = end;
        on_match(groups);
    }
}

Value regex_match(Thread& th, std::span<Value> args) {
    std::string_view text = arg_string(th, args, 0, "regex_match");
    std::string_view pattern = arg_string(th, args, 1, "regex_match");
    RE2 const& re = compile(th, pattern, "regex_match");
    return Value::from_bool(RE2::PartialMatch(re2::StringPiece(text.data(), text.size()), re));
}

Value regex_find_all(Thread& th, std::span<Value> args) {
    std::string_view text = arg_string(th, args, 0, "regex_find_all");
    std::string_view pattern = arg_string(th, args, 1, "regex_find_all");
    RE2 const& re = compile(th, pattern, "regex_find_all");
    std::vector<Value> out;
    for_each_match(re, text, 0, [&](std::vector<re2::StringPiece> const& g) {
        out.push_back(make_string(std::string_view(g[0].data(), g[0].size())));
    });
    return make_array(std::move(out));
}

Value regex_split(Thread& th, std::span<Value> args) {
    std::string_view text = arg_string(th, args, 0, "regex_split");
    std::string_view pattern = arg_string(th, args, 1, "regex_split");
    RE2 const& re = compile(th, pattern, "regex_split");
    std::vector<Value> out;
    size_t last = 0;
    for_each_match(re, text, 0, [&](std::vector<re2::StringPiece> const& g) {
        size_t start = static_cast<size_t>(g[0].data() - text.data());
        out.push_back(make_string(text.substr(last, start - last)));
        last = start + g[0].size();
    });
    out.push_back(make_string(text.substr(last)));
    return make_array(std::move(out));
}

bool is_name_char(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
}

// Expands `$1`, `${1}`, `$name`, `${name}` and `$$` (Rust regex replacement syntax). `$name`
// takes the longest run of letters, digits and `_`; unknown groups expand to nothing; a `$` that
// starts no reference is literal.
void expand(std::string& out, std::string_view repl, RE2 const& re, std::vector<re2::StringPiece> const& groups) {
    auto const& names = re.NamedCapturingGroups();
    auto append_group = [&](std::string_view ref) {
        int index = -1;
        bool numeric = !ref.empty();
        for (char c : ref) numeric = numeric && c >= '0' && c <= '9';
        if (numeric) {
            if (ref.size() <= 9) index = std::stoi(std::string(ref));
        } else {
            auto it = names.find(std::string(ref));
            if (it != names.end()) index = it->second;
        }
        if (index >= 0 && static_cast<size_t>(index) < groups.size() && groups[index].data() != nullptr)
            out.append(groups[index].data(), groups[index].size());
    };
    for (size_t i = 0; i < repl.size();) {
        char c = repl[i];
        if (c != '$' || i + 1 >= repl.size()) {
            out += c;
            ++i;
            continue;
        }
        char next = repl[i + 1];
        if (next == '$') {
            out += '$';
            i += 2;
        } else if (next == '{') {
            size_t close = repl.find('}', i + 2);
            if (close == std::string_view::npos) {
                out += '$';
                ++i;
                continue;
            }
            append_group(repl.substr(i + 2, close - i - 2));
            i = close + 1;
        } else if (is_name_char(next)) {
            size_t j = i + 1;
            while (j < repl.size() && is_name_char(repl[j])) ++j;
            append_group(repl.substr(i + 1, j - i - 1));
            i = j;
        } else {
            out += '$';
            ++i;
        }
    }
}

Value regex_replace(Thread& th, std::span<Value> args) {
    std::string_view text = arg_string(th, args, 0, "regex_replace");
    std::string_view pattern = arg_string(th, args, 1, "regex_replace");
    std::string_view repl = arg_string(th, args, 2, "regex_replace");
    RE2 const& re = compile(th, pattern, "regex_replace");
    std::string out;
    size_t last = 0;
    for_each_match(re, text, re.NumberOfCapturingGroups(), [&](std::vector<re2::StringPiece> const& g) {
        size_t start = static_cast<size_t>(g[0].data() - text.data());
        out.append(text.substr(last, start - last));
        expand(out, repl, re, g);
        last = start + g[0].size();
    });
    out.append(text.substr(last));
    return make_string(std::move(out));
}

constexpr BuiltinEntry k_regex_builtins[] = {
    // name             fn               min max  doc
    {"regex_match",     regex_match,     2,  2,   "regex_match(text, pattern): whether the pattern matches anywhere"},
    {"regex_find_all",  regex_find_all,  2,  2,   "regex_find_all(text, pattern): every non-overlapping match, in order"},
    {"regex_replace",   regex_replace,   3,  3,   "regex_replace(text, pattern, repl): every match replaced ($1, ${name}, $$)"},
    {"regex_split",     regex_split,     2,  2,   "regex_split(text, pattern): the pieces between matches"},
};

}  // namespace stdlib_regex

void register_regex(Runtime& rt) { register_table(rt, stdlib_regex::k_regex_builtins); }

}  // namespace ruff
