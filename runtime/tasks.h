// Tasks, promises and channels: the async model of ASYNC.md Part B behind one small interface,
// so the interpreter, the JIT and the built-ins never see how a task waits.
//
// With `--sched=par` (the default) tasks run on one oneTBB task_arena on every core; `await`
// suspends the task with tbb::task::suspend and whoever settles the promise resumes it. With
// `--sched=seq` every async call runs to completion at the call (ASYNC.md §5.8): promises are
// settled when they are returned and awaits never wait. Channels never block yet.
#pragma once

#include <deque>
#include <functional>
#include <mutex>
#include <span>
#include <vector>

#include "runtime/objects.h"
#include "runtime/thread.h"

namespace ruff {

struct Channel : Obj {
    std::mutex mutex;  // Leaf lock: never held while running Ruff code.
    std::deque<Value> items;
    bool closed = false;
    Channel() : Obj(ObjKind::Channel) {}
};

struct TaskHandle : Obj {
    Value promise;
    bool consumed = false;
    bool cancelled = false;
    TaskHandle() : Obj(ObjKind::TaskHandle) {}
};

// The stack of a task (and of the threads that run tasks).
constexpr size_t k_task_stack_size = size_t(8) << 20;

// Runs `main` as the root task of a new arena (RUFF_THREADS threads, default all cores) and
// joins every task it started before returning.
void run_in_scheduler(Runtime& rt, std::function<void()> const& main);
// Waits until every task has finished (the implicit join at the end of the program).
void join_tasks(Thread& th);

Value make_promise();
// Calls an async function: returns its pending promise at once (a new task), or under
// --sched=seq runs the body to completion first.
Value start_async_call(Thread& th, Function* fn, std::span<Value> args);
// Settles a pending promise with a value (or, if `rejected`, with an ErrorObj).
void settle_promise(Thread& th, Promise* p, Value result, bool rejected);

// Starts `callee(args)` as a task and returns its promise. An error in the task rejects the
// promise; a rejection nobody awaits is reported at exit.
Value start_task(Thread& th, Value callee, std::vector<Value> args);
// `await v`: a non-promise is itself; a fulfilled promise gives its value; a rejected one
// re-raises the original error (type, message, traceback) unchanged.
Value await_value(Thread& th, Value const& v);
// `await_all(items)`: results in input order, failing fast with the lowest-index rejection.
Value await_all(Thread& th, std::span<Value const> items);

// Channels: unbounded FIFO. receive() on an empty channel returns null when nothing could ever
// send to it (always, while tasks run at the call).
Value make_channel();
bool channel_send(Thread& th, Channel* ch, Value v);
Value channel_receive(Thread& th, Channel* ch);
Value channel_try_receive(Thread& th, Channel* ch);
void channel_close(Thread& th, Channel* ch);

// Errors that escaped a task or spawn and rejections nobody awaited, in the order raised.
void note_unhandled(Thread& th, Value error_or_promise);
// Prints each unobserved one as an uncaught error (OUTPUT.md §2.1); true if there was one.
bool report_unhandled(Thread& th, std::string (*format)(Value const&));

}  // namespace ruff
