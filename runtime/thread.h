// The shared Runtime (options, built-ins, module cache, output) and the per-task Thread context:
// call depth, the stack of Ruff frames used for tracebacks, and the native stack guard.
#pragma once

#include <cstdint>
#include <cstdio>
#include <atomic>
#include <memory>
#include <mutex>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "runtime/objects.h"
#include "runtime/source.h"

namespace ruff {

enum class JitMode { Off, On, Eager, Stress };
enum class SchedMode { Par, Seq };

struct Options {
    JitMode jit = JitMode::On;
    uint32_t jit_threshold = 1000;
    SchedMode sched = SchedMode::Par;
    uint32_t max_depth = 10000;
    std::vector<std::string> program_args;  // args() of the program.
    std::string program_path;
};

// One active Ruff frame: whose it is, and where it currently is (updated at calls and raises).
struct FrameRecord {
    std::string_view name;  // "<main>", "fib", "Point.dist", "<lambda>", "<module m>".
    SourceFile const* file;
    uint32_t line = 0, col = 0;
};

class Thread;
// How a user function is called; installed by the executing tier (runtime cannot see the AST).
using CallFunctionHook = Value (*)(Thread&, Function*, std::span<Value> args);

class Runtime {
public:
    Runtime();
    ~Runtime();
    Options options;
    CallFunctionHook call_function = nullptr;
    // Runs a user function's body whatever its kind (an async function's body inside its task).
    CallFunctionHook run_body = nullptr;
    void* host = nullptr;  // The executing tier's own state (the interpreter), opaque here.

    // Built-ins by name (filled by stdlib registration).
    void register_builtin(std::string_view name, BuiltinFn fn, int min_args, int max_args);
    void register_constant(std::string_view name, Value v);
    Value const* builtin(std::string_view name) const;
    std::vector<std::string> builtin_names() const;

    uint32_t next_type_id() { return ++m_type_ids; }

    // Output: print is line-atomic; stdout is flushed before anything goes to stderr.
    void write_stdout(std::string_view s);
    void write_stderr(std::string_view s);
    void flush_stdout();

    // Set once, before the first parallel task starts; from then on shared slots (globals,
    // cells) are locked and values are shared before other tasks can see them.
    std::atomic<bool> tasks_started{false};
    // Every module's globals, shared when the first task starts (runtime/tasks.cpp).
    std::mutex modules_mutex;
    std::vector<Value> modules;
    // The task scheduler (oneTBB arena, timers, I/O pool), created when the first task starts.
    struct Scheduler* scheduler = nullptr;

    // The default number of mapper calls or file jobs in flight per call (ASYNC.md §1.1: 256;
    // set_task_pool_size).
    std::atomic<int64_t> task_pool_size{256};

    // The shared_* store (ASYNC.md §1.2 "Shared values"): one map for all tasks.
    std::mutex shared_mutex;
    absl::flat_hash_map<std::string, Value> shared_values;

    // Errors that escaped tasks or spawns and rejected promises, in order (runtime/tasks.h).
    std::mutex unhandled_mutex;
    std::vector<Value> unhandled;

    // Loaded source files live as long as the runtime (errors point into them).
    SourceFile const* add_source(std::string path, std::string text);

private:
    absl::flat_hash_map<std::string, Value> m_builtins;
    std::vector<std::unique_ptr<SourceFile>> m_sources;
    uint32_t m_type_ids = 0;
    std::mutex m_out_mutex;
};

class Thread {
public:
    explicit Thread(Runtime& rt) : rt(rt), max_depth(rt.options.max_depth) {}
    Runtime& rt;
    std::vector<FrameRecord> frames;
    uint32_t depth = 0;
    uint32_t max_depth = 10000;          // Copied from Options at thread start.
    char const* stack_limit = nullptr;  // Below this address the native stack is nearly full.
    // The task this thread context runs (null for the main program): its cancellation flag is
    // checked at waits and loop back-edges (runtime/tasks.h).
    std::shared_ptr<struct TaskControl> task;
    std::atomic<bool> const* cancel_flag = nullptr;

    void set_pos(SourcePos p) {
        auto& f = frames.back();
        f.line = p.line;
        f.col = p.col;
    }
    // Raises RecursionError if the Ruff depth limit or the native stack guard is hit.
    void check_stack() {
        char marker;
        if (depth > max_depth || &marker < stack_limit) [[unlikely]]
            raise_recursion();
    }
    [[noreturn]] void raise_recursion();
};

// Sets up the native stack guard for the calling thread, whose stack has `size` bytes.
void init_stack_limit(Thread& th, size_t size);

}  // namespace ruff
