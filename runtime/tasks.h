// Tasks, promises, channels, timers and blocking I/O: the async model of ASYNC.md Part B behind
// one small interface, so the interpreter, the JIT and the built-ins never see how a task waits.
//
// With `--sched=par` (the default) async calls become tasks on one oneTBB task_arena, created
// when the first task starts (a script without tasks never pays for it). Every wait goes through
// one function, park(): a task runs on a stack of its own (a fiber) and parking switches its
// worker to other tasks; the main program (a big-stack thread outside the arena, so it never
// occupies a worker) and, in sanitizer builds, every task (a thread each: the sanitizers cannot
// follow stack switches) block on a condition variable. Promise, channel, latch, timer, I/O and deadlock code is the same for both.
//
// With `--sched=seq` every async call runs to completion at the call (ASYNC.md §5.8): promises
// are settled when they are returned, awaits never wait and receive() on an empty channel is null.
#pragma once

#include <atomic>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <span>
#include <vector>

#include "absl/functional/function_ref.h"
#include "runtime/objects.h"
#include "runtime/thread.h"

namespace ruff {

struct Waiter;  // One wait of one task or thread (runtime/tasks.cpp).
struct Fiber;   // A task's own stack (runtime/tasks.cpp).

struct Channel : Obj {
    std::mutex mutex;  // Leaf lock: never held while running Ruff code or parking.
    std::deque<Value> items;
    std::deque<std::shared_ptr<Waiter>> receivers;  // Parked in receive(), oldest first.
    bool closed = false;
    Channel() : Obj(ObjKind::Channel) {}
};

// What cancel_task() reaches of a running task: its flag, and the wait it is parked in.
struct TaskControl {
    std::atomic<bool> cancelled{false};
    std::mutex mutex;  // Guards `wait`.
    std::shared_ptr<Waiter> wait;
    Fiber* fiber = nullptr;  // The stack the task runs on (null when it is a thread of its own).
};

struct TaskHandle : Obj {
    Value promise;
    std::shared_ptr<TaskControl> control;  // Null when the task ran at the call (--sched=seq).
    bool cancelled = false;
    TaskHandle() : Obj(ObjKind::TaskHandle) {}
};

// The stack of a task (and of the threads that run tasks).
constexpr size_t k_task_stack_size = size_t(8) << 20;

// True when async calls become parallel tasks (--sched=par).
inline bool parallel_tasks(Runtime const& rt) { return rt.options.sched == SchedMode::Par; }

// Waits until every task has finished (the implicit join at the end of the program). If every
// task is stuck waiting on another, each stuck await raises DeadlockError in its task.
void join_tasks(Thread& th);

Value make_promise();
// Calls an async function: returns its pending promise at once (a new task), or under
// --sched=seq runs the body to completion first.
Value start_async_call(Thread& th, Function* fn, std::span<Value> args);
// Settles a pending promise with a value (or, if `rejected`, with an ErrorObj).
void settle_promise(Thread& th, Promise* p, Value result, bool rejected);

// Starts `callee(args)` as a task and returns its promise. An error in the task rejects the
// promise; a rejection nobody awaits is reported at exit. `control`, if given, receives the
// task's cancellation handle (null under --sched=seq).
Value start_task(Thread& th, Value callee, std::vector<Value> args, std::shared_ptr<TaskControl>* control = nullptr);
// The promise await_all(items) returns (`items` an Array): settled with every item's value in
// order once all promises among them have settled, or rejected at the first rejection with the
// lowest-index one. Settled by the inputs themselves: no task waits for them.
Value await_all_promise(Thread& th, Value items);
// A promise's state, read with acquire ordering (settling publishes the result).
PromiseState promise_state(Promise* p);
// `await v`: a non-promise is itself; a fulfilled promise gives its value; a rejected one
// re-raises the original error (type, message, traceback) unchanged. Raises DeadlockError when
// every task is waiting and nothing can settle the promise.
Value await_value(Thread& th, Value const& v);
// Waits at most `ms` milliseconds for promise `p` to settle; false on timeout.
bool wait_settled_for(Thread& th, Promise* p, int64_t ms);

// Cancels the task behind `h` (ASYNC.md §5.2): its promise rejects with CancelledError at once
// and the task stops at its next await, sleep, receive, I/O call or loop back-edge. False if
// the task had already finished.
bool cancel_task(Thread& th, TaskHandle* h);
[[noreturn]] void raise_cancelled(Thread& th);
// Raises CancelledError in a task that has been cancelled (loop back-edges call this).
inline void check_cancelled(Thread& th) {
    if (th.cancel_flag && th.cancel_flag->load(std::memory_order_relaxed)) [[unlikely]]
        raise_cancelled(th);
}

// Channels: unbounded FIFO. receive() waits for a value while something could still send one;
// it returns null on a closed, empty channel, and when every task is waiting (the deadlock rule).
Value make_channel();
bool channel_send(Thread& th, Channel* ch, Value v);
Value channel_receive(Thread& th, Channel* ch);
// As receive(), but gives up with null after `ms` milliseconds.
Value channel_receive_timeout(Thread& th, Channel* ch, int64_t ms);
Value channel_try_receive(Thread& th, Channel* ch);
void channel_close(Thread& th, Channel* ch);

// async_sleep(ms): a promise a timer fulfils with null after ms milliseconds (no task).
Value sleep_promise(Thread& th, int64_t ms);
// sleep(ms): a task is suspended (its worker runs other tasks); the main program just sleeps.
void sleep_for(Thread& th, int64_t ms);
// Runs a blocking system call (`fn` must not raise) so that it never stalls other tasks: from a
// task it runs on the I/O pool while the task is suspended; from the main program, or with no
// tasks at all, it runs inline.
void run_blocking(Thread& th, absl::FunctionRef<void()> fn);

// Errors that escaped a task or spawn and rejections nobody awaited, in the order raised.
void note_unhandled(Thread& th, Value error_or_promise);
// Prints each unobserved one as an uncaught error (OUTPUT.md §2.1); true if there was one.
bool report_unhandled(Thread& th, std::string (*format)(Value const&));

}  // namespace ruff
