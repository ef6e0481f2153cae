// Async and concurrency built-ins (STDLIB.md §2.14, §2.15, §4.1; ASYNC.md §1.2 and §5.2 as settled
// by DECISIONS.md "Async"): await_all/promise_all, par_map/parallel_map, par_each, spawn,
// spawn_task/await_task/cancel_task, channel, the shared_* store, async_sleep, sleep,
// async_timeout, async_read_file(s), async_write_file(s), get/set_task_pool_size.
//
// Everything here is built on runtime/tasks.h alone: work that must not hold up the caller is
// started with start_task() as a task whose body is one of the internal built-ins below, and
// results are collected with await_value()/await_all_promise(). These functions therefore keep
// their meaning unchanged when tasks stop running at the call and run in parallel.
#include <atomic>
#include <deque>
#include <iterator>
#include <utility>

#include "runtime/ops.h"
#include "runtime/tasks.h"
#include "stdlib/stdlib.h"

namespace ruff {
namespace {

// A built-in that is no global: the body of a task started by one of the functions here.
Value internal_builtin(char const* name, BuiltinFn fn, int min_args, int max_args) {
    auto* b = new Builtin(name, fn, min_args, max_args);
    make_immortal(b);
    return Value::adopt(TAG_BUILTIN, b);
}

bool is_callable(Value const& v) { return v.is(TAG_FUNCTION) || v.is(TAG_BUILTIN); }

// A task's outcome; a result that is itself a promise (a mapper that is an async function) is
// awaited in turn.
Value await_result(Thread& th, Value v) {
    while (v.is(TAG_PROMISE)) v = await_value(th, v);
    return v;
}

// The optional concurrency limit at args[index]: an Int > 0; by default the task pool size.
int64_t arg_limit(Thread& th, std::span<Value> args, size_t index, std::string_view fn) {
    if (args.size() <= index) return th.rt.task_pool_size.load(std::memory_order_relaxed);
    if (!args[index].is_int()) raise(th, ErrorType::TypeError, cat(fn, "() optional concurrency_limit must be an integer"));
    int64_t n = args[index].as_int();
    if (n <= 0) raise(th, ErrorType::ValueError, cat(fn, "() concurrency_limit must be > 0, got ", n));
    return n;
}

// Starts tasks 0..n-1 with `start(i)`, never more than `limit` started and not yet awaited, and
// awaits them in index order. Every started task is awaited (no rejection is left to be reported
// at exit); the lowest-index error is re-raised, unchanged, once all of them have finished. With
// `stop_on_error` no further task starts after an error has been seen.
template <class Start>
std::vector<Value> run_windowed(Thread& th, size_t n, int64_t limit, bool stop_on_error, Start&& start) {
    std::vector<Value> results(n);
    std::deque<std::pair<size_t, Value>> in_flight;
    Value error;
    bool failed = false;
    auto finish_oldest = [&] {
        auto [index, promise] = std::move(in_flight.front());
        in_flight.pop_front();
        try {
            results[index] = await_result(th, std::move(promise));
        } catch (RuffException& e) {
            if (!failed) {
                error = std::move(e.error);
                failed = true;
            }
        }
    };
    for (size_t i = 0; i < n && !(stop_on_error && failed); ++i) {
        while (in_flight.size() >= static_cast<uint64_t>(limit)) finish_oldest();
        in_flight.emplace_back(i, start(i));
    }
    while (!in_flight.empty()) finish_oldest();
    if (failed) reraise(std::move(error));
    return results;
}

// ---------------------------------------------------------------------------------------------
// Task bodies (internal built-ins, always called with checked arguments).

// (promise, ms): the promise's outcome if it settles within ms, else a timeout error.
Value task_timeout(Thread& th, std::span<Value> args) {
    int64_t ms = args[1].as_int();
    if (!wait_settled_for(th, args[0].as<Promise>(), ms)) raise(th, ErrorType::Error, cat("Timeout after ", ms, "ms"));
    return await_value(th, args[0]);  // The original value or error; the promise stays awaitable.
}

// " (index I)" for the bulk variants, which pass the index as the last argument.
std::string index_note(std::span<Value> args, size_t at) {
    return args.size() > at ? cat(" (index ", args[at].as_int(), ")") : std::string();
}

// (path, index?): the file's text.
Value task_read_file(Thread& th, std::span<Value> args) {
    std::string path(string_view_of(args[0]));
    std::string text;
    std::string reason = read_text_file(th, path, text);
    if (!reason.empty())
        raise(th, ErrorType::IOError, cat("Failed to read file '", path, "'", index_note(args, 1), ": ", reason));
    return make_string(std::move(text));
}

// (path, content, index?): true.
Value task_write_file(Thread& th, std::span<Value> args) {
    std::string path(string_view_of(args[0]));
    std::string reason = write_text_file(th, path, string_view_of(args[1]));
    if (!reason.empty())
        raise(th, ErrorType::IOError, cat("Failed to write file '", path, "'", index_note(args, 2), ": ", reason));
    return Value::from_bool(true);
}

Value const& read_file_body() {
    static Value const body = internal_builtin("async_read_file", task_read_file, 1, 2);
    return body;
}

Value const& write_file_body() {
    static Value const body = internal_builtin("async_write_file", task_write_file, 2, 3);
    return body;
}

// (paths, limit): the texts in order; the first failure (lowest index) rejects.
Value task_read_files(Thread& th, std::span<Value> args) {
    auto const& paths = args[0].as<Array>()->items;
    return make_array(run_windowed(th, paths.size(), args[1].as_int(), true, [&](size_t i) {
        return start_task(th, read_file_body(), {paths[i], Value::from_int(static_cast<int64_t>(i))});
    }));
}

// (paths, contents, limit): [true, ...]; the first failure (lowest index) rejects.
Value task_write_files(Thread& th, std::span<Value> args) {
    auto const& paths = args[0].as<Array>()->items;
    auto const& contents = args[1].as<Array>()->items;
    return make_array(run_windowed(th, paths.size(), args[2].as_int(), true, [&](size_t i) {
        return start_task(th, write_file_body(), {paths[i], contents[i], Value::from_int(static_cast<int64_t>(i))});
    }));
}

// ---------------------------------------------------------------------------------------------
// Aggregation and mapping

Value aggregate(Thread& th, std::span<Value> args, std::string_view fn) {
    if (!args[0].is(TAG_ARRAY)) raise(th, ErrorType::TypeError, cat(fn, "() requires an array of promises"));
    arg_limit(th, args, 1, fn);  // Checked only: the work behind the promises has already started.
    return await_all_promise(th, args[0]);
}

Value async_await_all(Thread& th, std::span<Value> args) { return aggregate(th, args, "await_all"); }
Value async_promise_all(Thread& th, std::span<Value> args) { return aggregate(th, args, "promise_all"); }

// f(x) for every x as a task, at most `limit` in flight; results in order, each awaited if it is
// a promise; the lowest-index error is raised after all items have finished.
Value map_items(Thread& th, std::span<Value> args, std::string_view fn, bool keep) {
    if (!args[0].is(TAG_ARRAY)) raise(th, ErrorType::TypeError, cat(fn, "() first argument must be an array"));
    if (!is_callable(args[1]))
        raise(th, ErrorType::TypeError, cat(fn, "() second argument must be a callable function"));
    int64_t limit = arg_limit(th, args, 2, fn);
    Value items_value = args[0];
    Value f = args[1];
    auto const& items = items_value.as<Array>()->items;
    auto results = run_windowed(th, items.size(), limit, false, [&](size_t i) { return start_task(th, f, {items[i]}); });
    return keep ? make_array(std::move(results)) : Value();
}

Value async_par_map(Thread& th, std::span<Value> args) { return map_items(th, args, "par_map", true); }
Value async_parallel_map(Thread& th, std::span<Value> args) { return map_items(th, args, "parallel_map", true); }
Value async_par_each(Thread& th, std::span<Value> args) { return map_items(th, args, "par_each", false); }

// ---------------------------------------------------------------------------------------------
// Tasks

std::vector<Value> rest_of(std::span<Value> args) {
    return std::vector<Value>(std::make_move_iterator(args.begin() + 1), std::make_move_iterator(args.end()));
}

Value async_spawn(Thread& th, std::span<Value> args) {
    if (!is_callable(args[0])) bad_argument(th, "spawn", 0, "function", args[0]);
    Value f = args[0];
    return start_task(th, f, rest_of(args));
}

Value async_spawn_task(Thread& th, std::span<Value> args) {
    if (!is_callable(args[0])) raise(th, ErrorType::TypeError, "spawn_task() requires an async function argument");
    Value f = args[0];
    auto* handle = new TaskHandle();
    Value result = Value::adopt(TAG_TASKHANDLE, handle);
    handle->promise = start_task(th, f, rest_of(args), &handle->control);
    return result;
}

TaskHandle* arg_task(Thread& th, std::span<Value> args, std::string_view fn) {
    if (!args[0].is(TAG_TASKHANDLE)) raise(th, ErrorType::TypeError, cat(fn, "() requires a TaskHandle argument"));
    return args[0].as<TaskHandle>();
}

// The task's promise, as often as asked (ASYNC.md §5.2).
Value async_await_task(Thread& th, std::span<Value> args) { return arg_task(th, args, "await_task")->promise; }

// A task that has not finished is cancelled (runtime/tasks.h: its promise rejects with
// CancelledError at once, and the task stops at its next wait or loop back-edge); true if so.
Value async_cancel_task(Thread& th, std::span<Value> args) {
    return Value::from_bool(cancel_task(th, arg_task(th, args, "cancel_task")));
}

Value async_channel(Thread&, std::span<Value>) { return make_channel(); }

// ---------------------------------------------------------------------------------------------
// The shared_* store: one map for all tasks under Runtime::shared_mutex (a leaf lock: no Ruff
// code runs and no error is raised while it is held; replaced values are released after).

Value shared_set(Thread& th, std::span<Value> args) {
    std::string key(arg_string(th, args, 0, "shared_set"));
    Value old;
    {
        std::lock_guard<std::mutex> lock(th.rt.shared_mutex);
        Value& slot = th.rt.shared_values[key];
        old = std::move(slot);
        slot = args[1];
    }
    return Value::from_bool(true);
}

Value shared_get(Thread& th, std::span<Value> args) {
    std::string key(arg_string(th, args, 0, "shared_get"));
    {
        std::lock_guard<std::mutex> lock(th.rt.shared_mutex);
        auto it = th.rt.shared_values.find(key);
        if (it != th.rt.shared_values.end()) return it->second;
    }
    raise(th, ErrorType::KeyError, cat("shared_get key '", key, "' not found"));
}

Value shared_has(Thread& th, std::span<Value> args) {
    std::string key(arg_string(th, args, 0, "shared_has"));
    std::lock_guard<std::mutex> lock(th.rt.shared_mutex);
    return Value::from_bool(th.rt.shared_values.contains(key));
}

Value shared_delete(Thread& th, std::span<Value> args) {
    std::string key(arg_string(th, args, 0, "shared_delete"));
    Value old;
    {
        std::lock_guard<std::mutex> lock(th.rt.shared_mutex);
        auto it = th.rt.shared_values.find(key);
        if (it == th.rt.shared_values.end()) return Value::from_bool(false);
        old = std::move(it->second);
        th.rt.shared_values.erase(it);
    }
    return Value::from_bool(true);
}

// Adds delta to the Int under key atomically and returns the new value.
Value shared_add_int(Thread& th, std::span<Value> args) {
    std::string key(arg_string(th, args, 0, "shared_add_int"));
    int64_t delta = arg_int(th, args, 1, "shared_add_int");
    enum { Ok, Missing, NotInt, Overflow } outcome = Ok;
    int64_t before = 0, after = 0;
    {
        std::lock_guard<std::mutex> lock(th.rt.shared_mutex);
        auto it = th.rt.shared_values.find(key);
        if (it == th.rt.shared_values.end()) {
            outcome = Missing;
        } else if (!it->second.is_int()) {
            outcome = NotInt;
        } else {
            before = it->second.as_int();
            if (__builtin_add_overflow(before, delta, &after)) outcome = Overflow;
            else it->second = Value::from_int(after);
        }
    }
    switch (outcome) {
    case Ok: return Value::from_int(after);
    case Missing:
    case NotInt:
        raise(th, outcome == Missing ? ErrorType::KeyError : ErrorType::TypeError,
              cat("shared_add_int requires key '", key, "' to reference an int"));
    case Overflow: raise(th, Msg::IntOverflow, before, "+", delta);
    }
    return Value();
}

// ---------------------------------------------------------------------------------------------
// Time

Value async_sleep(Thread& th, std::span<Value> args) {
    if (!args[0].is_int()) raise(th, ErrorType::TypeError, "async_sleep() requires an integer milliseconds argument");
    int64_t ms = args[0].as_int();
    if (ms < 0) raise(th, ErrorType::ValueError, cat("async_sleep() requires non-negative milliseconds, got ", ms));
    return sleep_promise(th, ms);
}

// sleep(ms): waits ms milliseconds (a Float is truncated, a negative count is 0); a task is
// suspended meanwhile, so its worker runs other tasks.
Value sys_sleep(Thread& th, std::span<Value> args) {
    sleep_for(th, trunc_to_int(arg_number(th, args, 0, "sleep")));
    return Value();
}

Value async_timeout(Thread& th, std::span<Value> args) {
    if (!args[0].is(TAG_PROMISE)) raise(th, ErrorType::TypeError, "async_timeout() requires a Promise as first argument");
    if (!args[1].is_int()) raise(th, ErrorType::TypeError, "async_timeout() requires an integer timeout_ms argument");
    int64_t ms = args[1].as_int();
    if (ms <= 0) raise(th, ErrorType::ValueError, cat("async_timeout() requires positive timeout_ms, got ", ms));
    static Value const body = internal_builtin("async_timeout", task_timeout, 2, 2);
    return start_task(th, body, {args[0], args[1]});
}

// ---------------------------------------------------------------------------------------------
// Files

Value async_read_file(Thread& th, std::span<Value> args) {
    if (!args[0].is(TAG_STR)) raise(th, ErrorType::TypeError, "async_read_file() requires a string path argument");
    return start_task(th, read_file_body(), {args[0]});
}

Value async_write_file(Thread& th, std::span<Value> args) {
    if (!args[0].is(TAG_STR)) raise(th, ErrorType::TypeError, "async_write_file() requires a string path argument");
    if (!args[1].is(TAG_STR)) raise(th, ErrorType::TypeError, "async_write_file() requires a string content argument");
    return start_task(th, write_file_body(), {args[0], args[1]});
}

// An Array of Strings at args[index].
void check_string_array(Thread& th, std::span<Value> args, size_t index, std::string_view fn) {
    Array* a = arg_array(th, args, index, fn);
    for (size_t i = 0; i < a->items.size(); ++i) {
        if (!a->items[i].is(TAG_STR))
            raise(th, ErrorType::TypeError,
                  cat(fn, "() argument ", index + 1, " element ", i, " must be string, got ", type_name(a->items[i])));
    }
}

Value async_read_files(Thread& th, std::span<Value> args) {
    check_string_array(th, args, 0, "async_read_files");
    int64_t limit = arg_limit(th, args, 1, "async_read_files");
    static Value const body = internal_builtin("async_read_files", task_read_files, 2, 2);
    return start_task(th, body, {args[0], Value::from_int(limit)});
}

Value async_write_files(Thread& th, std::span<Value> args) {
    check_string_array(th, args, 0, "async_write_files");
    check_string_array(th, args, 1, "async_write_files");
    size_t paths = args[0].as<Array>()->items.size(), contents = args[1].as<Array>()->items.size();
    if (paths != contents)
        raise(th, ErrorType::ValueError,
              cat("async_write_files() paths and contents must have the same length, got ", paths, " and ", contents));
    int64_t limit = arg_limit(th, args, 2, "async_write_files");
    static Value const body = internal_builtin("async_write_files", task_write_files, 3, 3);
    return start_task(th, body, {args[0], args[1], Value::from_int(limit)});
}

// ---------------------------------------------------------------------------------------------

Value async_get_task_pool_size(Thread& th, std::span<Value>) {
    return Value::from_int(th.rt.task_pool_size.load(std::memory_order_relaxed));
}

// Sets the default in-flight bound of par_map, par_each and the bulk file calls; returns the old one.
Value async_set_task_pool_size(Thread& th, std::span<Value> args) {
    int64_t n = arg_int(th, args, 0, "set_task_pool_size");
    if (n <= 0) raise(th, ErrorType::ValueError, cat("set_task_pool_size() size must be > 0, got ", n));
    return Value::from_int(th.rt.task_pool_size.exchange(n));
}

constexpr BuiltinEntry k_async_builtins[] = {
    // name                 fn                        min max  doc
    {"await_all",           async_await_all,          1,  2,   "await_all(ps, limit?): a promise of ps's results in order; fails fast with the lowest-index rejection"},
    {"promise_all",         async_promise_all,        1,  2,   "promise_all(ps, limit?): alias of await_all"},
    {"par_map",             async_par_map,            2,  3,   "par_map(xs, f, limit?): [f(x) for x in xs] run as tasks, at most limit at once; results in order"},
    {"parallel_map",        async_parallel_map,       2,  3,   "parallel_map(xs, f, limit?): alias of par_map"},
    {"par_each",            async_par_each,           2,  3,   "par_each(xs, f, limit?): f(x) for every x as tasks; null"},
    {"spawn",               async_spawn,              1, -1,   "spawn(f, args...): runs f(args...) as a task; its promise"},
    {"spawn_task",          async_spawn_task,         1, -1,   "spawn_task(f, args...): runs f(args...) as a task; a task handle"},
    {"await_task",          async_await_task,         1,  1,   "await_task(h): the promise of the task behind handle h"},
    {"cancel_task",         async_cancel_task,        1,  1,   "cancel_task(h): cancels an unfinished task (its promise rejects); true if it was unfinished"},
    {"channel",             async_channel,            0,  0,   "channel(): a new unbounded FIFO channel (send, receive, try_receive, close)"},
    {"shared_set",          shared_set,               2,  2,   "shared_set(key, v): stores v in the process-wide shared store; true"},
    {"shared_get",          shared_get,               1,  1,   "shared_get(key): the shared value stored under key"},
    {"shared_has",          shared_has,               1,  1,   "shared_has(key): a shared value is stored under key"},
    {"shared_delete",       shared_delete,            1,  1,   "shared_delete(key): removes the shared value; true if it existed"},
    {"shared_add_int",      shared_add_int,           2,  2,   "shared_add_int(key, n): atomically adds n to the shared Int; the new value"},
    {"async_sleep",         async_sleep,              1,  1,   "async_sleep(ms): a promise that is fulfilled with null after ms milliseconds"},
    {"sleep",               sys_sleep,                1,  1,   "sleep(ms): waits ms milliseconds; null"},
    {"async_timeout",       async_timeout,            2,  2,   "async_timeout(p, ms): p's outcome if p settles within ms, else a rejection"},
    {"async_read_file",     async_read_file,          1,  1,   "async_read_file(path): a promise of the file's text"},
    {"async_write_file",    async_write_file,         2,  2,   "async_write_file(path, text): a promise of true once the file is written"},
    {"async_read_files",    async_read_files,         1,  2,   "async_read_files(paths, limit?): a promise of the files' texts in order"},
    {"async_write_files",   async_write_files,        2,  3,   "async_write_files(paths, texts, limit?): a promise of [true, ...]"},
    {"get_task_pool_size",  async_get_task_pool_size, 0,  0,   "get_task_pool_size(): the default limit of par_map and the bulk file calls"},
    {"set_task_pool_size",  async_set_task_pool_size, 1,  1,   "set_task_pool_size(n): sets that default; the previous one"},
};

}  // namespace

void register_async(Runtime& rt) { register_table(rt, k_async_builtins); }

}  // namespace ruff
