// Promises, tasks and channels with run-at-the-call scheduling (ASYNC.md §5.8 `--sched=seq`).
#include "runtime/tasks.h"

#include "absl/strings/str_cat.h"
#include "runtime/error.h"
#include "runtime/ops.h"
#include "runtime/share.h"

#include <cstdlib>
#include <memory>

#include <oneapi/tbb/global_control.h>
#include <oneapi/tbb/info.h>
#include <oneapi/tbb/task.h>
#include <oneapi/tbb/task_arena.h>
#include <oneapi/tbb/task_group.h>

namespace ruff {

namespace {

PromiseState state_of(Promise* p) { return std::atomic_ref<PromiseState>(p->state).load(std::memory_order_acquire); }

bool parallel(Thread& th) { return th.rt.scheduler != nullptr; }

}  // namespace

// The oneTBB side: one arena for every task, one task group for the final join.
struct Scheduler {
    size_t threads;
    size_t stack_size;
    tbb::global_control parallelism;
    tbb::global_control stack;
    tbb::task_arena arena;
    tbb::task_group group;
    Scheduler(size_t n, size_t stack_bytes)
        : threads(n), stack_size(stack_bytes), parallelism(tbb::global_control::max_allowed_parallelism, n),
          stack(tbb::global_control::thread_stack_size, stack_bytes), arena(static_cast<int>(n)) {}
};

void run_in_scheduler(Runtime& rt, std::function<void()> const& main) {
    size_t threads = tbb::info::default_concurrency();
    if (char const* env = std::getenv("RUFF_THREADS")) {
        long n = std::strtol(env, nullptr, 10);
        if (n > 0) threads = static_cast<size_t>(n);
    }
    Scheduler scheduler(threads, k_task_stack_size);
    rt.scheduler = &scheduler;
    scheduler.arena.execute([&] {
        main();
        scheduler.group.wait();
    });
    rt.scheduler = nullptr;
}

void join_tasks(Thread& th) {
    if (parallel(th)) th.rt.scheduler->group.wait();
}

Value make_promise() { return Value::adopt(TAG_PROMISE, new Promise()); }

void settle_promise(Thread& th, Promise* p, Value result, bool rejected) {
    if (th.rt.tasks_started.load(std::memory_order_relaxed)) share(result);
    std::vector<std::function<void()>> waiters;
    {
        std::lock_guard<std::mutex> lock(p->mutex);
        if (p->state != PromiseState::Pending) return;
        p->result = std::move(result);
        std::atomic_ref<PromiseState>(p->state).store(rejected ? PromiseState::Rejected : PromiseState::Fulfilled,
                                                      std::memory_order_release);
        waiters.swap(p->waiters);
    }
    for (auto& wake : waiters) wake();
}

// Runs `fn` once `p` settles (at once, on this thread, if it already has).
static void on_settled(Promise* p, std::function<void()> fn) {
    {
        std::lock_guard<std::mutex> lock(p->mutex);
        if (p->state == PromiseState::Pending) {
            p->waiters.push_back(std::move(fn));
            return;
        }
    }
    fn();
}

// Before the first task: every global of every module becomes shared, so tasks may read them.
static void start_sharing(Thread& th) {
    if (th.rt.tasks_started.load(std::memory_order_acquire)) return;
    std::lock_guard<std::mutex> lock(th.rt.modules_mutex);
    for (auto const& value : th.rt.modules) {
        share(value);
        // Declared-once globals (functions, structs, consts) become immortal: every task reads
        // them without a lock and without touching their counts (no shared cache line writes).
        auto* m = value.as<Module>();
        m->frozen_ready.assign(m->globals.size(), 0);
        for (size_t i = 0; i < m->globals.size() && i < m->frozen.size(); ++i) {
            if (!m->frozen[i] || !m->globals[i].is_heap()) continue;
            make_immortal(m->globals[i].obj());
            m->frozen_ready[i] = 1;
        }
    }
    th.rt.tasks_started.store(true, std::memory_order_release);
}

// The body of a task: its own Thread (frames, depth, stack guard), the call, the settlement.
static void run_task(Runtime& rt, Value callee, std::vector<Value> args, Value promise, bool body_only) {
    Thread th(rt);
    init_stack_limit(th, k_task_stack_size / 2);
    auto* p = promise.as<Promise>();
    try {
        Value result = body_only ? rt.run_body(th, callee.as<Function>(), args) : call_value(th, callee, args);
        // A callee that is itself async returns a promise: this task settles with its outcome.
        while (result.is(TAG_PROMISE)) result = await_value(th, result);
        settle_promise(th, p, std::move(result), false);
    } catch (RuffException& e) {
        settle_promise(th, p, std::move(e.error), true);
        note_unhandled(th, promise);
    } catch (ExitRequest& e) {
        rt.flush_stdout();
        std::_Exit(e.code);
    }
}

static Value start(Thread& th, Value callee, std::vector<Value> args, bool body_only) {
    Value promise = make_promise();
    start_sharing(th);
    share(callee);
    for (auto const& a : args) share(a);
    share(promise);
    struct Job {
        Value callee;
        std::vector<Value> args;
        Value promise;
        bool body_only;
    };
    auto job = std::make_shared<Job>(Job{std::move(callee), std::move(args), promise, body_only});
    Runtime& rt = th.rt;
    rt.scheduler->group.run([&rt, job] {
        run_task(rt, std::move(job->callee), std::move(job->args), std::move(job->promise), job->body_only);
    });
    return promise;
}

Value start_async_call(Thread& th, Function* fn, std::span<Value> args) {
    if (parallel(th)) return start(th, Value::borrow(TAG_FUNCTION, fn), std::vector<Value>(args.begin(), args.end()), true);
    // --sched=seq: the body runs to completion at the call (ASYNC.md §5.8).
    Value promise = make_promise();
    auto* p = promise.as<Promise>();
    try {
        settle_promise(th, p, th.rt.run_body(th, fn, args), false);
    } catch (RuffException& e) {
        settle_promise(th, p, std::move(e.error), true);
        note_unhandled(th, promise);
    }
    return promise;
}

Value start_task(Thread& th, Value callee, std::vector<Value> args) {
    if (parallel(th)) return start(th, std::move(callee), std::move(args), false);
    Value promise = make_promise();
    auto* p = promise.as<Promise>();
    try {
        Value result = call_value(th, callee, args);
        // An async function called from a task returns its own promise: adopt its outcome.
        if (result.is(TAG_PROMISE) && state_of(result.as<Promise>()) != PromiseState::Pending) {
            auto* inner = result.as<Promise>();
            inner->observed = true;
            settle_promise(th, p, inner->result, state_of(inner) == PromiseState::Rejected);
        } else {
            settle_promise(th, p, std::move(result), false);
        }
    } catch (RuffException& e) {
        settle_promise(th, p, std::move(e.error), true);
    }
    if (state_of(p) == PromiseState::Rejected) note_unhandled(th, promise);
    return promise;
}

// Suspends the calling task until `p` settles; the settling thread resumes it.
static void wait_for(Thread& th, Promise* p) {
    // `th` lives on the task's own stack, so it travels with the task if it resumes elsewhere.
    while (state_of(p) == PromiseState::Pending)
        tbb::task::suspend([p](tbb::task::suspend_point sp) { on_settled(p, [sp] { tbb::task::resume(sp); }); });
}

Value await_value(Thread& th, Value const& v) {
    if (!v.is(TAG_PROMISE)) return v;
    auto* p = v.as<Promise>();
    if (state_of(p) == PromiseState::Pending) wait_for(th, p);
    if (state_of(p) == PromiseState::Rejected) {
        p->observed = true;
        reraise(p->result);
    }
    return p->result;
}

// Re-raises the lowest-index rejection among settled promises; returns if there is none.
static void raise_first_rejection(Thread& th, std::span<Value const> items) {
    for (auto const& item : items)
        if (item.is(TAG_PROMISE) && state_of(item.as<Promise>()) == PromiseState::Rejected) await_value(th, item);
}

Value await_all(Thread& th, std::span<Value const> items) {
    raise_first_rejection(th, items);
    if (parallel(th)) {
        // One suspension on a latch: it fires when every promise has settled, or at the first
        // rejection (fail fast).
        struct Latch {
            std::atomic<size_t> remaining;
            std::atomic<bool> fired{false};
            tbb::task::suspend_point sp{};
            std::atomic<bool> armed{false};
        };
        auto latch = std::make_shared<Latch>();
        std::vector<Promise*> pending;
        for (auto const& item : items)
            if (item.is(TAG_PROMISE) && state_of(item.as<Promise>()) == PromiseState::Pending) pending.push_back(item.as<Promise>());
        if (!pending.empty()) {
            latch->remaining = pending.size();
            tbb::task::suspend([&](tbb::task::suspend_point sp) {
                latch->sp = sp;
                latch->armed.store(true, std::memory_order_release);
                for (Promise* p : pending) {
                    on_settled(p, [latch, p] {
                        bool last = latch->remaining.fetch_sub(1) == 1;
                        if ((last || state_of(p) == PromiseState::Rejected) && !latch->fired.exchange(true))
                            tbb::task::resume(latch->sp);
                    });
                }
            });
        }
        raise_first_rejection(th, items);
    }
    std::vector<Value> results;
    results.reserve(items.size());
    for (auto const& item : items) results.push_back(await_value(th, item));
    return make_array(std::move(results));
}

Value make_channel() { return Value::adopt(TAG_CHANNEL, new Channel()); }

bool channel_send(Thread& th, Channel* ch, Value v) {
    std::lock_guard<std::mutex> lock(ch->mutex);
    if (ch->closed) raise(th, ErrorType::ValueError, "Channel is closed");
    ch->items.push_back(std::move(v));
    return true;
}

Value channel_try_receive(Thread& th, Channel* ch) {
    std::lock_guard<std::mutex> lock(ch->mutex);
    if (ch->items.empty()) return Value();
    Value v = std::move(ch->items.front());
    ch->items.pop_front();
    return v;
}

Value channel_receive(Thread& th, Channel* ch) { return channel_try_receive(th, ch); }

void channel_close(Thread& th, Channel* ch) {
    std::lock_guard<std::mutex> lock(ch->mutex);
    ch->closed = true;
}

void note_unhandled(Thread& th, Value error_or_promise) {
    std::lock_guard<std::mutex> lock(th.rt.unhandled_mutex);
    th.rt.unhandled.push_back(std::move(error_or_promise));
}

bool report_unhandled(Thread& th, std::string (*format)(Value const&)) {
    std::vector<Value> items;
    {
        std::lock_guard<std::mutex> lock(th.rt.unhandled_mutex);
        items.swap(th.rt.unhandled);
    }
    bool any = false;
    for (auto const& v : items) {
        if (v.is(TAG_PROMISE)) {
            auto* p = v.as<Promise>();
            if (p->observed) continue;
            th.rt.write_stderr(format(p->result));
        } else {
            th.rt.write_stderr(format(v));
        }
        any = true;
    }
    return any;
}

}  // namespace ruff
