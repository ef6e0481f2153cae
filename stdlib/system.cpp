// Environment, program arguments, process exit and the monotonic clock (STDLIB.md §2.13 and
// performance_now from §2.10).
#include <chrono>
#include <cstdlib>

#include "stdlib/stdlib.h"

namespace ruff {
namespace {

// The variable's value; null when it is unset or not valid UTF-8.
char const* getenv_utf8(std::string const& name) {
    char const* value = std::getenv(name.c_str());
    return value && utf8_valid(value) ? value : nullptr;
}

Value sys_env(Thread& th, std::span<Value> args) {
    char const* value = getenv_utf8(std::string(arg_string(th, args, 0, "env")));
    return make_string(value ? value : "");  // STDLIB §2.13: "" when unset.
}

Value sys_env_or(Thread& th, std::span<Value> args) {
    std::string name(arg_string(th, args, 0, "env_or"));
    arg_string(th, args, 1, "env_or");
    char const* value = getenv_utf8(name);
    return value ? make_string(value) : std::move(args[1]);
}

// The words after the script path on the command line.
Value sys_args(Thread& th, std::span<Value>) {
    std::vector<Value> out;
    for (auto const& arg : th.rt.options.program_args) out.push_back(make_string(utf8_sanitize(arg)));
    return make_array(std::move(out));
}

// Unwinds every frame (no except catches it); the driver flushes output and exits with the code.
Value sys_exit(Thread& th, std::span<Value> args) {
    int64_t code = args.empty() ? 0 : arg_int(th, args, 0, "exit");
    throw ExitRequest{static_cast<int>(code)};
}

// Milliseconds (Float) from a monotonic clock; only differences are meaningful.
Value sys_performance_now(Thread&, std::span<Value>) {
    auto since = std::chrono::steady_clock::now().time_since_epoch();
    return Value::from_float(std::chrono::duration<double, std::milli>(since).count());
}

constexpr BuiltinEntry k_system_builtins[] = {
    // name              fn                   min max  doc
    {"env",              sys_env,             1,  1,   "env(name): the environment variable's value, or \"\" when unset"},
    {"env_or",           sys_env_or,          2,  2,   "env_or(name, default): the variable's value, or default"},
    {"args",             sys_args,            0,  0,   "args(): the program's command-line arguments"},
    {"exit",             sys_exit,            0,  1,   "exit(code?): ends the program with code (default 0)"},
    {"performance_now",  sys_performance_now, 0,  0,   "performance_now(): monotonic milliseconds (Float)"},
};

}  // namespace

void register_system(Runtime& rt) { register_table(rt, k_system_builtins); }

}  // namespace ruff
