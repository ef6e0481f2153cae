// The shared Runtime (built-in table, sources, output) and the per-task stack guards.
#include "runtime/thread.h"

#include <pthread.h>
#include <unistd.h>

#include <algorithm>

#include "runtime/error.h"

namespace ruff {

Runtime::Runtime() = default;
Runtime::~Runtime() {
    // Built-ins are immortal while the runtime lives; give them back a count so they are freed.
    for (auto& [name, value] : m_builtins)
        if (value.is_heap() && value.obj()->rc.load(std::memory_order_relaxed) == 0) value.obj()->rc.store(1);
}

void Runtime::register_builtin(std::string_view name, BuiltinFn fn, int min_args, int max_args) {
    auto* b = new Builtin(std::string(name), fn, min_args, max_args);
    make_immortal(b);  // Shared by every task; never counted.
    m_builtins[std::string(name)] = Value::adopt(TAG_BUILTIN, b);
}

void Runtime::register_constant(std::string_view name, Value v) { m_builtins[std::string(name)] = std::move(v); }

Value const* Runtime::builtin(std::string_view name) const {
    auto it = m_builtins.find(absl::string_view(name.data(), name.size()));
    return it == m_builtins.end() ? nullptr : &it->second;
}

std::vector<std::string> Runtime::builtin_names() const {
    std::vector<std::string> names;
    for (auto const& [name, value] : m_builtins) names.push_back(name);
    std::sort(names.begin(), names.end());
    return names;
}

void Runtime::write_stdout(std::string_view s) {
    std::lock_guard<std::mutex> lock(m_out_mutex);
    fwrite(s.data(), 1, s.size(), stdout);
}

void Runtime::write_stderr(std::string_view s) {
    std::lock_guard<std::mutex> lock(m_out_mutex);
    fflush(stdout);
    fwrite(s.data(), 1, s.size(), stderr);
    fflush(stderr);
}

void Runtime::flush_stdout() {
    std::lock_guard<std::mutex> lock(m_out_mutex);
    fflush(stdout);
}

SourceFile const* Runtime::add_source(std::string path, std::string text) {
    m_sources.push_back(std::make_unique<SourceFile>(std::move(path), std::move(text)));
    return m_sources.back().get();
}

void Thread::raise_recursion() { raise(*this, Msg::Recursion); }

void init_stack_limit(Thread& th, size_t size) {
    char marker;
    // Keep a generous reserve for the work done between two checks (built-ins, error reporting).
    size_t reserve = std::min<size_t>(size / 4, 256 * 1024);
    th.stack_limit = &marker - (size - reserve);
}

}  // namespace ruff
