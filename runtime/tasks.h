// Tasks, promises and channels: the async model of ASYNC.md Part B behind one small interface,
// so the interpreter, the JIT and the built-ins never see how a task waits.
//
// Today every async call runs eagerly to completion at the call (the `--sched=seq` semantics,
// ASYNC.md §5.8), which is also what `--sched=par` does until the oneTBB scheduler lands:
// promises are settled when they are returned, awaits never wait, channels never block.
#pragma once

#include <deque>
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

Value make_promise();
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
