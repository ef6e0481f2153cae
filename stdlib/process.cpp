// Typed environment access, the whole environment, shell commands (STDLIB.md §2.13) and `bytes`
// (§2.1). A variable that is unset or not valid UTF-8 counts as missing: KeyError. A value that
// does not convert raises ValueError. `execute` runs `sh -c COMMAND` and returns its stdout.
#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <charconv>
#include <cstdlib>
#include <cstring>

#include "stdlib/stdlib.h"

extern char** environ;

namespace ruff {
namespace {

// The variable's value, or null when it is unset or not valid UTF-8.
char const* lookup(std::string const& name) {
    char const* value = std::getenv(name.c_str());
    return value && utf8_valid(value) ? value : nullptr;
}

// The value of a variable that must be set (KeyError otherwise).
std::string_view required(Thread& th, std::string const& name) {
    char const* value = lookup(name);
    if (!value) raise(th, ErrorType::KeyError, cat("Environment variable '", name, "' not found"));
    return value;
}

// An i64 in decimal with an optional sign; nothing else (no spaces).
bool parse_i64(std::string_view s, int64_t& out) {
    if (s.starts_with('+') && s.size() > 1 && s[1] != '-') s.remove_prefix(1);
    auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
    return ec == std::errc() && end == s.data() + s.size() && !s.empty();
}

// A decimal float (optionally with exponent), or inf / infinity / nan; no spaces, no hex.
bool parse_f64(std::string const& s, double& out) {
    if (s.empty() || std::isspace(static_cast<unsigned char>(s[0]))) return false;
    size_t digits = s[0] == '+' || s[0] == '-' ? 1 : 0;
    if (s.size() > digits + 1 && s[digits] == '0' && (s[digits + 1] == 'x' || s[digits + 1] == 'X')) return false;
    char* end = nullptr;
    out = std::strtod(s.c_str(), &end);
    return end == s.c_str() + s.size();
}

Value env_int(Thread& th, std::span<Value> args) {
    std::string name(arg_string(th, args, 0, "env_int"));
    std::string_view value = required(th, name);
    int64_t n;
    if (!parse_i64(value, n))
        raise(th, ErrorType::ValueError, cat("Environment variable '", name, "' value '", value, "' is not a valid integer"));
    return Value::from_int(n);
}

Value env_float(Thread& th, std::span<Value> args) {
    std::string name(arg_string(th, args, 0, "env_float"));
    std::string value(required(th, name));
    double d;
    if (!parse_f64(value, d))
        raise(th, ErrorType::ValueError, cat("Environment variable '", name, "' value '", value, "' is not a valid float"));
    return Value::from_float(d);
}

// true for "true", "1", "yes", "on" (any case); false for any other value.
Value env_bool(Thread& th, std::span<Value> args) {
    std::string name(arg_string(th, args, 0, "env_bool"));
    std::string value(required(th, name));
    std::transform(value.begin(), value.end(), value.begin(), [](unsigned char c) { return std::tolower(c); });
    return Value::from_bool(value == "true" || value == "1" || value == "yes" || value == "on");
}

Value env_required(Thread& th, std::span<Value> args) {
    std::string name(arg_string(th, args, 0, "env_required"));
    char const* value = lookup(name);
    if (!value) raise(th, ErrorType::KeyError, cat("Required environment variable '", name, "' is not set"));
    return make_string(value);
}

// Sets a process-wide variable (seen by later env calls and by `execute`'s children).
Value env_set(Thread& th, std::span<Value> args) {
    std::string name(arg_string(th, args, 0, "env_set"));
    std::string value(arg_string(th, args, 1, "env_set"));
    if (name.empty() || name.find('=') != std::string::npos || name.find('\0') != std::string::npos ||
        value.find('\0') != std::string::npos)
        raise(th, ErrorType::ValueError, cat("env_set() invalid variable name or value: '", name, "'"));
    if (::setenv(name.c_str(), value.c_str(), 1) != 0)
        raise(th, ErrorType::IOError, cat("cannot set environment variable '", name, "': ", std::strerror(errno)));
    return Value();
}

// Every variable (name -> value), sorted by name; entries that are not UTF-8 are skipped.
Value env_list(Thread&, std::span<Value>) {
    std::vector<std::pair<std::string_view, std::string_view>> entries;
    for (char** e = environ; e && *e; ++e) {
        std::string_view entry = *e;
        size_t eq = entry.find('=');
        if (eq == std::string_view::npos || eq == 0 || !utf8_valid(entry)) continue;
        entries.emplace_back(entry.substr(0, eq), entry.substr(eq + 1));
    }
    std::stable_sort(entries.begin(), entries.end(), [](auto const& a, auto const& b) { return a.first < b.first; });
    Value out = make_dict();
    Dict* dict = out.as<Dict>();
    for (auto const& [name, value] : entries) dict->set(name, make_string(value));
    return out;
}

// Runs `sh -c command` (stdin inherited, stderr discarded), waits, and returns its stdout with
// invalid UTF-8 replaced by U+FFFD. The exit status is ignored.
Value execute(Thread& th, std::span<Value> args) {
    std::string command(arg_string(th, args, 0, "execute"));
    auto fail = [&](int err) { raise(th, ErrorType::IOError, cat("cannot execute '", command, "': ", std::strerror(err))); };
    th.rt.flush_stdout();
    int pipe_fds[2];
    if (::pipe2(pipe_fds, O_CLOEXEC) != 0) fail(errno);
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_adddup2(&actions, pipe_fds[1], 1);
    posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0);
    char const* argv[] = {"sh", "-c", command.c_str(), nullptr};
    pid_t pid;
    int err = posix_spawn(&pid, "/bin/sh", &actions, nullptr, const_cast<char**>(argv), environ);
    posix_spawn_file_actions_destroy(&actions);
    ::close(pipe_fds[1]);
    if (err != 0) {
        ::close(pipe_fds[0]);
        fail(err);
    }
    std::string out;
    char buffer[65536];
    for (;;) {
        ssize_t n = ::read(pipe_fds[0], buffer, sizeof buffer);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) break;
        out.append(buffer, static_cast<size_t>(n));
    }
    ::close(pipe_fds[0]);
    int status;
    while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
    return make_string(utf8_sanitize(out));
}

// bytes(values): a byte string from an array of Ints 0..255.
Value make_bytes_from(Thread& th, std::span<Value> args) {
    auto const& items = arg_array(th, args, 0, "bytes")->items;
    std::string data;
    data.reserve(items.size());
    for (auto const& item : items) {
        if (!item.is_int()) raise(th, ErrorType::TypeError, cat("bytes() requires an array of integers, got ", type_name(item)));
        int64_t n = item.as_int();
        if (n < 0 || n > 255) raise(th, ErrorType::ValueError, cat("bytes() requires integers in range 0-255, got ", n));
        data += static_cast<char>(static_cast<unsigned char>(n));
    }
    auto* b = new Bytes();
    b->data = std::move(data);
    return Value::adopt(TAG_BYTES, b);
}

constexpr BuiltinEntry k_process_builtins[] = {
    // name            fn               min max  doc
    {"env_int",        env_int,         1,  1,   "env_int(name): the variable's value as an Int"},
    {"env_float",      env_float,       1,  1,   "env_float(name): the variable's value as a Float"},
    {"env_bool",       env_bool,        1,  1,   "env_bool(name): true for true/1/yes/on (any case), else false"},
    {"env_required",   env_required,    1,  1,   "env_required(name): the variable's value; KeyError when unset"},
    {"env_set",        env_set,         2,  2,   "env_set(name, value): sets a process-wide variable; null"},
    {"env_list",       env_list,        0,  0,   "env_list(): every environment variable as a dict, sorted by name"},
    {"os_environ",     env_list,        0,  0,   "os_environ(): same as env_list()"},
    {"execute",        execute,         1,  1,   "execute(command): runs sh -c command; its stdout"},
    {"bytes",          make_bytes_from, 1,  1,   "bytes(values): bytes from an array of Ints 0..255"},
};

}  // namespace

void register_process(Runtime& rt) { register_table(rt, k_process_builtins); }

}  // namespace ruff
