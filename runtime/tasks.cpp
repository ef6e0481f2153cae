// Promises, tasks, channels, timers and the I/O pool (ASYNC.md Part B; runtime/tasks.h has the
// model). The parts, in the order a wait goes through them:
//   Fiber      a task's own stack. A TBB task runs a slice of it; parking switches back to the
//              worker, and waking submits a new TBB task that switches into it again. (Not
//              tbb::task::suspend: oneTBB 2021.8 stops resuming beyond about 8,000 suspended
//              tasks, and 10,000 must work.)
//   Waiter     one wait: how it parks (fiber or condition variable), who may wake it (claim():
//              exactly one waker wins), and why it was woken.
//   park()     the only place a task or thread waits.
//   Scheduler  the arena, the live/running counts and the registry of blocked waits that
//              deadlock detection reads, the timer thread and the I/O pool.
//   post()     how a task starts: on a worker's own deque, or (from the main program) through
//              an inbox that one TBB task at a time drains onto a worker's deque; woken tasks
//              likewise go onto a worker's deque, or (woken from outside) onto a ready list.
#include "runtime/tasks.h"

#include <malloc.h>
#include <pthread.h>

#include <chrono>
#include <condition_variable>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <queue>
#include <stdexcept>
#include <thread>

#include "absl/container/inlined_vector.h"
#include "absl/strings/str_cat.h"
#include "runtime/error.h"
#include "runtime/ops.h"
#include "runtime/share.h"
#include "runtime/task_memory.h"

#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
// The sanitizers cannot follow libtbb's stack switches (TOOLCHAIN.md pitfall 9): each task is a
// thread of its own, and every wait blocks on a condition variable.
#define RUFF_THREAD_TASKS 1
#else
#define RUFF_THREAD_TASKS 0
#include <sys/mman.h>

#include <oneapi/tbb/global_control.h>
#include <oneapi/tbb/info.h>
#include <oneapi/tbb/task_arena.h>
#include <oneapi/tbb/task_group.h>
#endif

namespace ruff {

using Clock = std::chrono::steady_clock;

PromiseState promise_state(Promise* p) { return std::atomic_ref<PromiseState>(p->state).load(std::memory_order_acquire); }

namespace {

bool parallel(Thread& th) { return parallel_tasks(th.rt); }

int64_t env_int(char const* name, int64_t fallback) {
    char const* text = std::getenv(name);
    if (!text) return fallback;
    long long n = std::strtoll(text, nullptr, 10);
    return n > 0 ? n : fallback;
}

size_t hardware_threads() {
#if RUFF_THREAD_TASKS
    return std::max(1u, std::thread::hardware_concurrency());
#else
    return static_cast<size_t>(tbb::info::default_concurrency());
#endif
}

}  // namespace

#if !RUFF_THREAD_TASKS
// ---------------------------------------------------------------------------------------------
// Fiber: a task's stack, switched to and from a worker by ruff_fiber_switch (x86-64 SysV: the
// callee-saved registers, MXCSR and the x87 control word; no system call, unlike swapcontext).

extern "C" void ruff_fiber_switch(void** save_sp, void* new_sp);
extern "C" void ruff_fiber_start();
asm(R"(
    .text
    .globl ruff_fiber_switch
    .type ruff_fiber_switch, @function
ruff_fiber_switch:
    pushq %rbp
    pushq %rbx
    pushq %r12
    pushq %r13
    pushq %r14
    pushq %r15
    subq $16, %rsp
    stmxcsr 8(%rsp)
    fnstcw (%rsp)
    movq %rsp, (%rdi)
    movq %rsi, %rsp
    ldmxcsr 8(%rsp)
    fldcw (%rsp)
    addq $16, %rsp
    popq %r15
    popq %r14
    popq %r13
    popq %r12
    popq %rbx
    popq %rbp
    ret
    .size ruff_fiber_switch, .-ruff_fiber_switch

    .globl ruff_fiber_start
    .type ruff_fiber_start, @function
ruff_fiber_start:
    movq %r12, %rdi
    call *%r13
    ud2
    .size ruff_fiber_start, .-ruff_fiber_start
)");

struct Fiber {
    void* sp = nullptr;         // The fiber's saved stack pointer while it does not run.
    void* worker_sp = nullptr;  // The worker running it now (set at each slice).
    char* stack = nullptr;
    std::function<void()> on_park;  // Run by the worker once the fiber has switched away.
    std::function<void(Fiber*)> body;
    bool finished = false;
    struct Scheduler* sched = nullptr;
    Fiber* next_ready = nullptr;  // In Scheduler::ready.
};

namespace {

// Stacks with a guard page below, kept for reuse (mmap and the first touches are not free).
class StackPool {
public:
    explicit StackPool(size_t size) : m_size(size) {}
    char* take() {
        // The stack this worker released last: most tasks never park, so a worker runs task
        // after task on one stack, without the lock (StackPools live as long as the process).
        if (char* stack = t_spare.stack; stack && t_spare.pool == this) {
            t_spare.stack = nullptr;
            return stack;
        }
        {
            std::lock_guard<std::mutex> lock(m_mutex);
            if (!m_free.empty()) {
                char* stack = m_free.back();
                m_free.pop_back();
                return stack;
            }
        }
        void* mem = ::mmap(nullptr, m_size + k_guard, PROT_READ | PROT_WRITE,
                           MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE | MAP_STACK, -1, 0);
        if (mem == MAP_FAILED) throw std::bad_alloc();
        ::mprotect(mem, k_guard, PROT_NONE);
        return static_cast<char*>(mem);
    }
    void give(char* stack) {
        if (!t_spare.stack) {
            t_spare = {this, stack};
            return;
        }
        {
            std::lock_guard<std::mutex> lock(m_mutex);
            if (m_free.size() < 4096) {
                m_free.push_back(stack);
                return;
            }
        }
        ::munmap(stack, m_size + k_guard);
    }
    size_t size() const { return m_size; }

private:
    static constexpr size_t k_guard = 4096;
    struct Spare {
        StackPool* pool;
        char* stack;
    };
    static thread_local Spare t_spare;
    size_t const m_size;
    std::mutex m_mutex;
    std::vector<char*> m_free;
};

thread_local StackPool::Spare StackPool::t_spare = {nullptr, nullptr};

extern "C" void ruff_fiber_main(Fiber* f) {
    try {
        f->body(f);
    } catch (...) {
        std::terminate();  // run_task catches every Ruff error; nothing may unwind past here.
    }
    f->body = nullptr;
    f->finished = true;
    ruff_fiber_switch(&f->sp, f->worker_sp);
    __builtin_unreachable();
}

// A new fiber that will run `body` on a stack of the pool.
Fiber* new_fiber(StackPool& pool, std::function<void(Fiber*)> body) {
    // The Fiber lives at the top of its own stack (no allocation per task); the stack grows
    // down from just below it.
    char* stack = pool.take();
    uintptr_t top = reinterpret_cast<uintptr_t>(stack + 4096 + pool.size());
    char* home = reinterpret_cast<char*>((top - sizeof(Fiber)) & ~uintptr_t(63));
    auto* f = new (home) Fiber();
    f->stack = stack;
    f->body = std::move(body);
    // The first switch "returns" into ruff_fiber_start with r12 = f and r13 = ruff_fiber_main.
    auto* frame = reinterpret_cast<uint64_t*>(home - 88);
    uint32_t mxcsr;
    uint16_t fpucw;
    asm volatile("stmxcsr %0" : "=m"(mxcsr));
    asm volatile("fnstcw %0" : "=m"(fpucw));
    std::memset(frame, 0, 88);
    std::memcpy(frame, &fpucw, sizeof fpucw);
    std::memcpy(reinterpret_cast<char*>(frame) + 8, &mxcsr, sizeof mxcsr);
    frame[4] = reinterpret_cast<uint64_t>(&ruff_fiber_main);  // r13
    frame[5] = reinterpret_cast<uint64_t>(f);                 // r12
    frame[8] = reinterpret_cast<uint64_t>(&ruff_fiber_start);  // return address
    f->sp = frame;
    return f;
}

// Runs `f` on this worker until it parks or finishes.
void run_slice(StackPool& pool, Fiber* f) {
    ruff_fiber_switch(&f->worker_sp, f->sp);
    if (f->finished) {
        char* stack = f->stack;
        f->~Fiber();
        pool.give(stack);
        return;
    }
    std::function<void()> on_park = std::move(f->on_park);
    f->on_park = nullptr;
    on_park();  // From here on a waker may resume `f` on any worker.
}

}  // namespace
#endif

// ---------------------------------------------------------------------------------------------
// Waiter

struct Waiter {
    // Await, Receive and Join waits are "blocked": only another task can end them, so they
    // count for deadlock detection. Timed and Io waits end by themselves.
    enum class Kind : uint8_t { Await, Receive, Join, Timed, Io };
    enum class Why : uint8_t { Woken, Deadlock, Cancelled, Timeout };

    Waiter(Kind kind, bool blocking, bool main) : kind(kind), blocking(blocking), main(main) {}
    Kind const kind;
    bool const blocking;  // Parks on the condition variable rather than switching fibers.
    bool const main;      // The main program's wait.
    std::atomic<bool> claimed{false};
    Why why = Why::Woken;  // Written by the one waker that claimed the wait.
    Value value;           // receive(): the value handed over.
#if !RUFF_THREAD_TASKS
    Fiber* fiber = nullptr;  // The parked task, unless `blocking`.
#endif
    std::mutex mutex;
    std::condition_variable cv;
    std::atomic<bool> woken{false};  // Set under `mutex`.
    // The registry of blocked waits (under Scheduler::mutex).
    bool registered = false;
    Waiter* prev = nullptr;
    Waiter* next = nullptr;

    bool counts_as_blocked() const { return kind == Kind::Await || kind == Kind::Receive || kind == Kind::Join; }
    bool cancellable() const { return kind != Kind::Io; }  // The I/O pool still uses the task's buffers.
};

namespace {

// True for exactly one caller: the one that may wake `w`.
bool claim(Waiter& w) { return !w.claimed.exchange(true, std::memory_order_acq_rel); }

// A one-shot min-heap timer on its own thread: wakes Timed waits at their deadline, or runs a
// callback (async_sleep's promise).
class TimerThread {
public:
    // At `deadline`, wakes `w` (Why::Timeout) or runs `fire`.
    void add(Clock::time_point deadline, std::shared_ptr<Waiter> w, struct Scheduler* s, std::function<void()> fire = {});

private:
    struct Entry {
        Clock::time_point deadline;
        uint64_t seq;
        std::shared_ptr<Waiter> waiter;
        std::function<void()> fire;
        bool operator>(Entry const& o) const { return deadline != o.deadline ? deadline > o.deadline : seq > o.seq; }
    };
    void run(struct Scheduler* s);
    std::mutex m_mutex;
    std::condition_variable m_cv;
    std::priority_queue<Entry, std::vector<Entry>, std::greater<Entry>> m_heap;
    uint64_t m_seq = 0;
    bool m_started = false;
};

// Threads that run blocking system calls for suspended tasks (ASYNC.md §5.6).
class IoPool {
public:
    void post(absl::FunctionRef<void()> fn, std::shared_ptr<Waiter> w, struct Scheduler* s);

private:
    struct Job {
        absl::FunctionRef<void()> fn;
        std::shared_ptr<Waiter> waiter;
    };
    void run(struct Scheduler* s);
    std::mutex m_mutex;
    std::condition_variable m_cv;
    std::deque<Job> m_jobs;
    size_t m_threads = 0, m_idle = 0, m_max_threads = 0;
};

// Starts a detached thread with its own stack size.
void start_thread(size_t stack_size, std::function<void()> body) {
    pthread_attr_t attr;
    pthread_attr_init(&attr);
    pthread_attr_setstacksize(&attr, stack_size);
    pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
    auto* heap_body = new std::function<void()>(std::move(body));
    pthread_t thread;
    int rc = pthread_create(
        &thread, &attr,
        [](void* arg) -> void* {
            std::unique_ptr<std::function<void()>> fn(static_cast<std::function<void()>*>(arg));
            (*fn)();
            return nullptr;
        },
        heap_body);
    pthread_attr_destroy(&attr);
    if (rc != 0) {
        delete heap_body;
        throw std::runtime_error(absl::StrCat("cannot start a thread: ", std::strerror(rc)));
    }
}

}  // namespace

// ---------------------------------------------------------------------------------------------
// Scheduler

namespace {
struct Job;
}

struct Scheduler {
    Scheduler(Runtime& rt, size_t n)
        : rt(&rt), threads(n),
          stack_size(static_cast<size_t>(env_int("RUFF_TASK_STACK_KB", k_task_stack_size >> 10)) << 10),
          max_suspended(env_int("RUFF_MAX_SUSPENDED", 8192))
#if !RUFF_THREAD_TASKS
          // The main program waits outside the arena, so the arena gets every core: n workers,
          // none reserved for a master, and a parallelism limit that allows them (n + main).
          ,
          parallelism(tbb::global_control::max_allowed_parallelism, n + 1),
          arena(static_cast<int>(n), 0),
          stacks(stack_size)
#endif
    {
    }
    Runtime* const rt;
    size_t const threads;
    size_t const stack_size;      // Of every task's stack (a fiber, or a thread of its own).
    int64_t const max_suspended;  // Admission control: beyond this, timers and I/O run inline.
    std::atomic<int64_t> suspended{0};

    // Tasks started and not finished, and entities (main + live tasks + pending timers) not
    // blocked: running == 0 means a deadlock. They rise without `mutex` (only a running entity
    // starts work, so a rise never races with a fall to zero); whoever brings either to zero
    // takes `mutex` to act on it. `mutex` also guards the registry of blocked waits.
    // Both live in one word (live in the high half), so that starting or finishing a task is one
    // atomic operation on a line every worker writes.
    std::mutex mutex;
    std::atomic<uint64_t> counts{1};
    static constexpr uint64_t k_running = 1, k_live = uint64_t(1) << 32;
    static uint64_t running(uint64_t c) { return c & 0xFFFFFFFFu; }
    static uint64_t live(uint64_t c) { return c >> 32; }
    Waiter* blocked = nullptr;
    Waiter* joiner = nullptr;  // The main program waiting in join_tasks().
#if !RUFF_THREAD_TASKS
    // Tasks the main program started, not yet on a worker (post()).
    alignas(64) std::atomic<Job*> inbox{nullptr};
    std::atomic<bool> draining{false};
    // Parked tasks that threads outside the arena woke (resume_fiber()), last first.
    alignas(64) std::atomic<Fiber*> ready{nullptr};
#endif

    TimerThread timer;
    IoPool io;
#if !RUFF_THREAD_TASKS
    tbb::global_control parallelism;
    tbb::task_arena arena;
    tbb::task_group group;
    StackPool stacks;
#endif
};

namespace {

Scheduler& scheduler_of(Runtime& rt) {
    // The first task starts from the main program, before any other thread exists.
    if (!rt.scheduler) {
        // Tasks allocate on one thread and free on another: let the heaps grow in large steps
        // and not trim them back at every free (spawn benchmark: 0.32-0.43 s -> 0.28 s).
        mallopt(M_TOP_PAD, 64 << 20);
        mallopt(M_TRIM_THRESHOLD, 256 << 20);
        rt.scheduler = new Scheduler(rt, static_cast<size_t>(env_int("RUFF_THREADS", hardware_threads())));
    }
    return *rt.scheduler;  // Never destroyed: detached timer and I/O threads outlive main().
}

#if !RUFF_THREAD_TASKS
// True on the arena's workers (set by every task body they run). Not
// tbb::this_task_arena::current_thread_index(): once the arena is initialized it reports slot 0
// for the main thread too, and group.run() from there put tasks where no second worker took
// them (par_map ran on one core).
thread_local bool t_arena_worker = false;

// The lock-free lists below: any thread pushes onto the front; the consumer takes the whole list
// (never one item, so no ABA). Returns the previous front (null: the list was empty). Sequentially
// consistent, as post() needs against its drain's check of the list.
template <class T>
T* push_front(std::atomic<T*>& list, T* item, T* T::*next) {
    T* head = list.load(std::memory_order_relaxed);
    do item->*next = head;
    while (!list.compare_exchange_weak(head, item, std::memory_order_seq_cst, std::memory_order_relaxed));
    return head;
}

// A list taken whole from one of the lock-free lists below (pushed newest first), in push order.
template <class T>
T* in_push_order(T* list, T* T::*next) {
    T* ordered = nullptr;
    while (list) {
        T* rest = list->*next;
        list->*next = ordered;
        ordered = list;
        list = rest;
    }
    return ordered;
}

// Runs the woken tasks of Scheduler::ready, in the order they were woken.
void run_ready(Scheduler& s) {
    Fiber* ordered = in_push_order(s.ready.exchange(nullptr, std::memory_order_acquire), &Fiber::next_ready);
    while (ordered) {
        Fiber* next = ordered->next_ready;
        run_slice(s.stacks, ordered);
        ordered = next;
    }
}

// Continues a parked fiber on some worker. A worker puts it on its own deque. Another thread
// (the I/O pool, the timer, the main program) adds it to the ready list, and only the wake that
// finds the list empty enqueues a TBB task to run it (an enqueue from outside the arena is a
// locked push onto the arena's shared queue); a worker about to start a new task runs the ready
// list first (see submit()), so that woken tasks finish before more tasks start and park.
void resume_fiber(Fiber* f) {
    Scheduler* s = f->sched;
    if (t_arena_worker) {
        s->group.run([s, f] {
            t_arena_worker = true;
            run_slice(s->stacks, f);
        });
        return;
    }
    if (!push_front(s->ready, f, &Fiber::next_ready)) {
        // Every wake since the last take is in the list: the task enqueued by the wake that found
        // it empty has not taken it yet, and will.
        s->arena.enqueue(s->group.defer([s] {
            t_arena_worker = true;
            run_ready(*s);
        }));
    }
}
#endif

void link(Scheduler& s, Waiter& w) {
    w.registered = true;
    w.prev = nullptr;
    w.next = s.blocked;
    if (s.blocked) s.blocked->prev = &w;
    s.blocked = &w;
}

// A claimed waiter leaves the registry of blocked waits and counts as running again (under
// s.mutex). One that never got registered (woken while arming) was never counted out.
void release(Scheduler& s, Waiter& w) {
    if (!w.registered) return;
    w.registered = false;
    if (w.prev) w.prev->next = w.next;
    else s.blocked = w.next;
    if (w.next) w.next->prev = w.prev;
    s.counts.fetch_add(Scheduler::k_running);
}

// Lets a claimed waiter continue, knowing why. The caller must not touch `w` afterwards.
void finish_wake(Waiter& w, Waiter::Why why) {
    w.why = why;
    if (w.blocking) {
        std::lock_guard<std::mutex> lock(w.mutex);
        w.woken.store(true, std::memory_order_release);
        w.cv.notify_one();
        return;
    }
#if !RUFF_THREAD_TASKS
    resume_fiber(w.fiber);
#endif
}

// Releases a claimed waiter (it runs again) and wakes it.
void resume_claimed(Scheduler& s, Waiter& w, Waiter::Why why) {
    {
        std::lock_guard<std::mutex> lock(s.mutex);
        release(s, w);
    }
    finish_wake(w, why);
}

bool wake(Scheduler& s, Waiter& w, Waiter::Why why) {
    if (!claim(w)) return false;
    resume_claimed(s, w, why);
    return true;
}

using Victims = std::vector<std::pair<Waiter*, Waiter::Why>>;

// Every entity waits and nothing can wake any of them (under s.mutex). ASYNC.md §5.2-5.3:
// receivers get null first; else the main program's await raises DeadlockError; else (the main
// program is at its final join) every stuck await raises DeadlockError in its task.
Victims deadlock_victims(Scheduler& s) {
    Victims victims;
    auto take = [&](Waiter* w, Waiter::Why why) {
        if (claim(*w)) victims.emplace_back(w, why);
    };
    for (Waiter* w = s.blocked; w; w = w->next)
        if (w->kind == Waiter::Kind::Receive) take(w, Waiter::Why::Deadlock);
    if (victims.empty())
        for (Waiter* w = s.blocked; w; w = w->next)
            if (w->main && w->kind == Waiter::Kind::Await) take(w, Waiter::Why::Deadlock);
    if (victims.empty())
        for (Waiter* w = s.blocked; w; w = w->next)
            if (w->kind == Waiter::Kind::Await) take(w, Waiter::Why::Deadlock);
    for (auto& [w, why] : victims) release(s, *w);
    return victims;
}

void wake_victims(Victims const& victims) {
    for (auto& [w, why] : victims) finish_wake(*w, why);
}

// A parked wait that only another task can end: registered, and no longer running.
void block(Scheduler& s, Waiter& w) {
    Victims victims;
    {
        std::lock_guard<std::mutex> lock(s.mutex);
        if (w.claimed.load(std::memory_order_acquire)) return;  // Already woken while arming.
        link(s, w);
        if (Scheduler::running(s.counts.fetch_sub(Scheduler::k_running)) == 1) victims = deadlock_victims(s);
    }
    wake_victims(victims);
}

// Work that may still wake someone: a task (which the final join waits for), or a timer that
// settles a promise (which it does not: only awaiting it could observe it).
void work_started(Scheduler& s, bool task) {
    s.counts.fetch_add(Scheduler::k_running + (task ? Scheduler::k_live : 0));
}

void work_finished(Scheduler& s, bool task) {
    uint64_t before = s.counts.fetch_sub(Scheduler::k_running + (task ? Scheduler::k_live : 0));
    bool last_task = task && Scheduler::live(before) == 1;
    bool none_running = Scheduler::running(before) == 1;
    if (!last_task && !none_running) return;
    Victims victims;
    {
        std::lock_guard<std::mutex> lock(s.mutex);
        uint64_t counts = s.counts.load();
        if (Scheduler::live(counts) == 0 && s.joiner && claim(*s.joiner)) {
            Waiter* main = s.joiner;
            s.joiner = nullptr;
            release(s, *main);
            victims.emplace_back(main, Waiter::Why::Woken);
        } else if (Scheduler::running(counts) == 0) {
            victims = deadlock_victims(s);
        }
    }
    wake_victims(victims);
}

constexpr auto k_wake_spin = std::chrono::microseconds(30);

// The one place a task or thread waits: `arm` hands `w` to whoever will wake it (a promise, a
// channel, the timer, the I/O pool); it may wake `w` at once. Returns why `w` was woken.
//
// A parked task may be resumed on another worker while its old worker still runs the arm, so
// arms capture by value and are copied off the task's stack before they run.
template <class Arm>
Waiter::Why park(Thread& th, std::shared_ptr<Waiter> const& w, Arm const& arm) {
    auto after_arm = [](Scheduler* s, std::shared_ptr<TaskControl> task, std::shared_ptr<Waiter> w) {
        if (task && w->cancellable()) {
            std::lock_guard<std::mutex> lock(task->mutex);
            task->wait = w;
            if (task->cancelled.load(std::memory_order_acquire)) wake(*s, *w, Waiter::Why::Cancelled);
        }
        if (w->counts_as_blocked()) block(*s, *w);
    };
    if (w->blocking) {
        arm();
        after_arm(th.rt.scheduler, th.task, w);
        // A short spin first: a join of a few quick tasks ends sooner than a futex sleep and wake.
        auto spin_end = Clock::now() + k_wake_spin;
        while (!w->woken.load(std::memory_order_acquire) && Clock::now() < spin_end)
            for (int i = 0; i < 16; ++i) __builtin_ia32_pause();
        // Taken even when the spin saw the wake: the waker may still be inside its notify.
        std::unique_lock<std::mutex> lock(w->mutex);
        w->cv.wait(lock, [&] { return w->woken.load(std::memory_order_relaxed); });
    } else {
#if !RUFF_THREAD_TASKS
        // Switch back to the worker; it arms the wait once this stack is saved (run_slice).
        Scheduler* s = th.rt.scheduler;
        Fiber* f = th.task->fiber;
        w->fiber = f;
        s->suspended.fetch_add(1, std::memory_order_relaxed);
        f->on_park = [s, task = th.task, w, arm, after_arm] {
            arm();
            after_arm(s, task, w);
        };
        ruff_fiber_switch(&f->sp, f->worker_sp);
        s->suspended.fetch_sub(1, std::memory_order_relaxed);
#endif
    }
    if (th.task) {
        std::lock_guard<std::mutex> lock(th.task->mutex);
        if (th.task->wait == w) th.task->wait.reset();
    }
    return w->why;
}

// A new wait for the calling task or thread.
std::shared_ptr<Waiter> new_waiter(Thread& th, Waiter::Kind kind) {
    return std::make_shared<Waiter>(kind, RUFF_THREAD_TASKS || th.task == nullptr, th.task == nullptr);
}

[[noreturn]] void raise_deadlock(Thread& th) { raise(th, ErrorType::DeadlockError, "all tasks are waiting"); }

}  // namespace

void TimerThread::add(Clock::time_point deadline, std::shared_ptr<Waiter> w, Scheduler* s, std::function<void()> fire) {
    std::lock_guard<std::mutex> lock(m_mutex);
    if (!m_started) {
        m_started = true;
        start_thread(size_t(256) << 10, [this, s] { run(s); });
    }
    bool earliest = m_heap.empty() || deadline < m_heap.top().deadline;
    m_heap.push(Entry{deadline, m_seq++, std::move(w), std::move(fire)});
    if (earliest) m_cv.notify_one();
}

void TimerThread::run(Scheduler* s) {
    std::unique_lock<std::mutex> lock(m_mutex);
    for (;;) {
        if (m_heap.empty()) {
            m_cv.wait(lock);
            continue;
        }
        auto deadline = m_heap.top().deadline;
        if (Clock::now() < deadline) {
            m_cv.wait_until(lock, deadline);
            continue;
        }
        Entry entry = m_heap.top();
        m_heap.pop();
        lock.unlock();
        if (entry.waiter) wake(*s, *entry.waiter, Waiter::Why::Timeout);
        if (entry.fire) entry.fire();
        entry = {};
        lock.lock();
    }
}

void IoPool::post(absl::FunctionRef<void()> fn, std::shared_ptr<Waiter> w, Scheduler* s) {
    std::lock_guard<std::mutex> lock(m_mutex);
    if (m_max_threads == 0) m_max_threads = static_cast<size_t>(env_int("RUFF_IO_THREADS", std::max<size_t>(4, s->threads)));
    m_jobs.push_back(Job{fn, std::move(w)});
    if (m_idle > 0) {
        m_cv.notify_one();
    } else if (m_threads < m_max_threads) {
        ++m_threads;
        start_thread(size_t(256) << 10, [this, s] { run(s); });
    }
}

void IoPool::run(Scheduler* s) {
    std::unique_lock<std::mutex> lock(m_mutex);
    for (;;) {
        if (m_jobs.empty()) {
            ++m_idle;
            m_cv.wait(lock, [&] { return !m_jobs.empty(); });
            --m_idle;
        }
        Job job = std::move(m_jobs.front());
        m_jobs.pop_front();
        lock.unlock();
        job.fn();  // Never raises (run_blocking's contract); the task waits for it, uncancellable.
        wake(*s, *job.waiter, Waiter::Why::Woken);
        job.waiter.reset();
        lock.lock();
    }
}

// ---------------------------------------------------------------------------------------------
// Promises

Value make_promise() { return Value::adopt(TAG_PROMISE, new Promise()); }

// Any task may await a rejected promise: the flag is only ever set, and read at exit.
static void mark_observed(Promise* p) { std::atomic_ref<bool>(p->observed).store(true, std::memory_order_relaxed); }

static void settle(Runtime& rt, Promise* p, Value result, bool rejected) {
    if (rt.tasks_started.load(std::memory_order_relaxed)) share(result);
    std::vector<std::function<void()>> waiters;
    {
        std::lock_guard<SpinLock> lock(p->lock);
        if (p->state != PromiseState::Pending) return;
        p->result = std::move(result);
        std::atomic_ref<PromiseState>(p->state).store(rejected ? PromiseState::Rejected : PromiseState::Fulfilled,
                                                      std::memory_order_release);
        waiters.swap(p->waiters);
    }
    for (auto& wake : waiters) wake();
}

void settle_promise(Thread& th, Promise* p, Value result, bool rejected) { settle(th.rt, p, std::move(result), rejected); }

// Runs `fn` once `p` settles (at once, on this thread, if it already has).
static void on_settled(Promise* p, std::function<void()> fn) {
    {
        std::lock_guard<SpinLock> lock(p->lock);
        if (p->state == PromiseState::Pending) {
            p->waiters.push_back(std::move(fn));
            return;
        }
    }
    fn();
}

// ---------------------------------------------------------------------------------------------
// Tasks

// Before the first task: every global of every module becomes shared, so tasks may read them.
static void start_sharing(Thread& th) {
    if (th.rt.tasks_started.load(std::memory_order_acquire)) return;
    std::lock_guard<std::mutex> lock(th.rt.modules_mutex);
    for (auto const& value : th.rt.modules) {
        share(value);
        // Globals bound once and never rebound (functions, structs, consts, and variables bound
        // by one top-level statement outside loops) that are bound by now become immortal:
        // every task reads them without a lock and without touching their counts (no shared
        // cache line writes).
        auto* m = value.as<Module>();
        m->frozen_ready.assign(m->globals.size(), 0);
        for (size_t i = 0; i < m->globals.size() && i < m->frozen.size(); ++i) {
            if (!m->frozen[i] || m->globals[i].is_unbound()) continue;
            if (m->globals[i].is_heap()) make_immortal(m->globals[i].obj());
            m->frozen_ready[i] = 1;
        }
    }
    th.rt.tasks_started.store(true, std::memory_order_release);
}

namespace {

// A started task: its control block (cancellation, current wait) and what it runs, in one
// allocation. It owns itself (`self`) until its body takes over; a TaskHandle may keep the
// control part alive afterwards.
struct Job : TaskControl {
    Runtime* rt = nullptr;
    Value callee;
    absl::InlinedVector<Value, 4> args;
    Value promise;
    bool body_only = false;  // Run an async function's body here (not a call that would start a task).
    std::shared_ptr<Job> self;
    Job* next_in_inbox = nullptr;
};

// The body of a task: its own Thread (frames, depth, stack guard), the call, the settlement.
void run_task(Runtime& rt, std::shared_ptr<Job> const& job, Fiber* fiber) {
    auto* p = job->promise.as<Promise>();
    if (job->cancelled.load(std::memory_order_acquire)) return;  // Cancelled before it ran.
    Thread th(rt);
    th.task = job;
    job->fiber = fiber;
    th.cancel_flag = &job->cancelled;
    // A fiber's stack is all the task's; a thread's also holds its TLS and, in sanitizer
    // builds, frames several times larger, so half of it is the budget there.
    size_t stack = rt.scheduler->stack_size;
    init_stack_limit(th, RUFF_THREAD_TASKS ? stack / 2 : stack - (64 << 10));
    std::span<Value> args(job->args.data(), job->args.size());
    try {
        Value result;
        if (job->body_only) {
            auto* fn = job->callee.as<Function>();
            size_t given = args.size() - (fn->info->is_method ? 1 : 0);
            if (given < fn->info->min_params || given > fn->info->max_params)
                check_arity(th, fn->info->name, fn->info->min_params, fn->info->max_params, given);
            result = rt.run_body(th, fn, args);
        } else {
            result = call_value(th, job->callee, args);
        }
        // A callee that is itself async returns a promise: this task settles with its outcome.
        while (result.is(TAG_PROMISE)) result = await_value(th, result);
        settle_promise(th, p, std::move(result), false);
    } catch (RuffException& e) {
        settle_promise(th, p, std::move(e.error), true);
        note_unhandled(th, job->promise);
    } catch (ExitRequest& e) {
        rt.flush_stdout();
        std::_Exit(e.code);
    }
}

void submit(Scheduler& s, Job* job) {
    auto body = [job](Fiber* fiber) {  // TBB wants a const call operator.
        std::shared_ptr<Job> own = std::move(job->self);
        Runtime& rt = *own->rt;
        run_task(rt, own, fiber);
        // The task's values go before it counts as finished (a handle may keep the job).
        own->callee = Value();
        own->args.clear();
        own->promise = Value();
        own.reset();
        work_finished(*rt.scheduler, true);
    };
#if RUFF_THREAD_TASKS
    start_thread(s.stack_size, [body] { body(nullptr); });
#else
    Scheduler* sp = &s;
    s.group.run([sp, body] {
        t_arena_worker = true;  // A worker that stole this task may not have run any other yet.
        if (sp->ready.load(std::memory_order_relaxed)) run_ready(*sp);
        // The task's own stack: it can park without holding this worker.
        Fiber* f = new_fiber(sp->stacks, body);
        f->sched = sp;
        run_slice(sp->stacks, f);
    });
#endif
}

#if !RUFF_THREAD_TASKS
// Puts the jobs of `list` (linked in call order) on this worker's deque a chunk at a time: the
// rest goes first, in one task, so that an idle worker steals it before any single job. A burst
// of thousands of jobs then keeps a few chunks of TBB tasks in flight, in memory that stays warm,
// instead of allocating one per job up front.
void submit_jobs(Scheduler& s, Job* list) {
    constexpr int k_chunk = 32;
    Job* last = list;
    for (int i = 1; i < k_chunk && last->next_in_inbox; ++i) last = last->next_in_inbox;
    if (Job* rest = last->next_in_inbox) {
        last->next_in_inbox = nullptr;
        Scheduler* sp = &s;
        s.group.run([sp, rest] { submit_jobs(*sp, rest); });
    }
    while (list) {
        Job* next = list->next_in_inbox;
        submit(s, list);
        list = next;
    }
}

// Moves the inbox's jobs onto this worker's own deque (where idle workers steal them), until the
// inbox stays empty.
void drain_inbox(Scheduler& s) {
    t_arena_worker = true;
    for (;;) {
        Job* list = s.inbox.exchange(nullptr, std::memory_order_acquire);
        if (!list) {
            // Dekker with post(): either it sees `draining` false and enqueues a new drain, or
            // this sees its job.
            s.draining.store(false, std::memory_order_seq_cst);
            if (!s.inbox.load(std::memory_order_seq_cst) || s.draining.exchange(true, std::memory_order_seq_cst)) return;
            continue;
        }
        submit_jobs(s, in_push_order(list, &Job::next_in_inbox));  // Started in call order.
    }
}
#endif

// Starts `job` as a task. Workers put it on their own deque. The main program, outside the arena,
// would pay a locked push onto the arena's shared queue per task (the spawn benchmark's largest
// cost after the interpreter): it leaves the job in the inbox and enqueues a drain only when
// none is under way.
void post(Scheduler& s, Job* job) {
#if !RUFF_THREAD_TASKS
    if (!t_arena_worker) {
        push_front(s.inbox, job, &Job::next_in_inbox);
        if (!s.draining.load(std::memory_order_seq_cst) && !s.draining.exchange(true, std::memory_order_seq_cst)) {
            Scheduler* sp = &s;
            s.arena.enqueue(s.group.defer([sp] { drain_inbox(*sp); }));
        }
        return;
    }
#endif
    submit(s, job);
}

Value start(Thread& th, Value callee, std::span<Value const> args, bool body_only, std::shared_ptr<TaskControl>* control) {
    Scheduler& s = scheduler_of(th.rt);
    Value promise = make_promise();
    start_sharing(th);
    share(callee);
    for (auto const& a : args) share(a);
    share(promise);
    auto job = std::allocate_shared<Job>(TaskAllocator<Job>());
    job->rt = &th.rt;
    job->callee = std::move(callee);
    job->args.reserve(args.size());
    for (auto const& a : args) job->args.push_back(a);
    job->promise = promise;
    job->body_only = body_only;
    if (control) *control = job;
    Job* raw = job.get();
    raw->self = std::move(job);
    work_started(s, true);
    post(s, raw);
    return promise;
}

// --sched=seq: `call` runs to completion now; its outcome settles a new promise. A rejection is
// noted for the exit report unless an await observes it first.
template <class Call>
Value run_at_call(Thread& th, Call&& call) {
    Value promise = make_promise();
    auto* p = promise.as<Promise>();
    try {
        Value result = call();
        // An async function called as a task's body returns its own promise: adopt its outcome.
        if (result.is(TAG_PROMISE) && promise_state(result.as<Promise>()) != PromiseState::Pending) {
            auto* inner = result.as<Promise>();
            mark_observed(inner);
            settle_promise(th, p, inner->result, promise_state(inner) == PromiseState::Rejected);
        } else {
            settle_promise(th, p, std::move(result), false);
        }
    } catch (RuffException& e) {
        settle_promise(th, p, std::move(e.error), true);
    }
    if (promise_state(p) == PromiseState::Rejected) note_unhandled(th, promise);
    return promise;
}

}  // namespace

Value start_async_call(Thread& th, Function* fn, std::span<Value> args) {
    if (parallel(th))
        return start(th, Value::borrow(TAG_FUNCTION, fn), args, true, nullptr);
    return run_at_call(th, [&] { return th.rt.run_body(th, fn, args); });
}

Value start_task(Thread& th, Value callee, std::vector<Value> args, std::shared_ptr<TaskControl>* control) {
    if (parallel(th)) {
        // An async function's body runs in this very task (not in a second one it would await),
        // so that cancelling the task stops the body.
        bool async_body = callee.is(TAG_FUNCTION) && callee.as<Function>()->info->kind == FunctionKind::Async;
        return start(th, std::move(callee), args, async_body, control);
    }
    if (control) control->reset();
    return run_at_call(th, [&] { return call_value(th, callee, args); });
}

void join_tasks(Thread& th) {
    Scheduler* s = th.rt.scheduler;
    if (!s) return;
    auto w = new_waiter(th, Waiter::Kind::Join);
    bool wait = false;
    {
        std::lock_guard<std::mutex> lock(s->mutex);
        if (Scheduler::live(s->counts.load()) > 0) {
            s->joiner = w.get();
            wait = true;
        }
    }
    if (wait) park(th, w, [] {});
#if !RUFF_THREAD_TASKS
    // Every task has finished its Ruff work; let TBB finish its own bookkeeping too.
    s->arena.execute([s] { s->group.wait(); });
#endif
}

[[noreturn]] void raise_cancelled(Thread& th) { raise(th, ErrorType::CancelledError, "Task was cancelled"); }

bool cancel_task(Thread& th, TaskHandle* h) {
    auto* p = h->promise.as<Promise>();
    if (promise_state(p) != PromiseState::Pending) return false;
    h->cancelled = true;
    settle_promise(th, p, make_error(th, error_type_name(ErrorType::CancelledError), "Task was cancelled"), true);
    mark_observed(p);  // A deliberate cancellation is no unhandled error; await still raises it.
    if (!h->control) return true;
    h->control->cancelled.store(true, std::memory_order_release);
    std::shared_ptr<Waiter> w;
    {
        std::lock_guard<std::mutex> lock(h->control->mutex);
        w = h->control->wait;
    }
    if (w && w->cancellable()) wake(*th.rt.scheduler, *w, Waiter::Why::Cancelled);
    return true;
}

// Parks until `p` settles (or, if timeout_ms >= 0, that many milliseconds pass); false if it
// has not settled.
static bool wait_for(Thread& th, Promise* p, int64_t timeout_ms) {
    while (promise_state(p) == PromiseState::Pending) {
        Scheduler* s = th.rt.scheduler;
        if (!s) return false;  // No task exists that could settle it.
        auto w = new_waiter(th, timeout_ms >= 0 ? Waiter::Kind::Timed : Waiter::Kind::Await);
        auto deadline = Clock::now() + std::chrono::milliseconds(std::max<int64_t>(timeout_ms, 0));
        auto why = park(th, w, [s, w, p, timed = timeout_ms >= 0, deadline] {
            if (timed) s->timer.add(deadline, w, s);
            on_settled(p, [s, w] { wake(*s, *w, Waiter::Why::Woken); });
        });
        switch (why) {
        case Waiter::Why::Woken: break;
        case Waiter::Why::Deadlock: raise_deadlock(th);
        case Waiter::Why::Cancelled: raise_cancelled(th);
        case Waiter::Why::Timeout: return promise_state(p) != PromiseState::Pending;
        }
    }
    return true;
}

Value await_value(Thread& th, Value const& v) {
    check_cancelled(th);
    if (!v.is(TAG_PROMISE)) return v;
    auto* p = v.as<Promise>();
    if (promise_state(p) == PromiseState::Pending && !wait_for(th, p, -1)) raise_deadlock(th);
    if (promise_state(p) == PromiseState::Rejected) {
        mark_observed(p);
        reraise(p->result);
    }
    return p->result;
}

bool wait_settled_for(Thread& th, Promise* p, int64_t ms) {
    check_cancelled(th);
    return wait_for(th, p, ms);
}

static void note_unhandled(Runtime& rt, Value error_or_promise);

namespace {

// The promise of await_all(items) while some of them are pending: settled by callbacks on its
// inputs when the last one settles or the first one rejects. No task and no thread waits.
struct AllLatch {
    Runtime* rt = nullptr;
    Value items;    // The Array given.
    Value promise;  // The aggregate.
    // Callbacks not yet finished; the one that brings it to zero deletes the latch. A plain
    // pointer and this count, not a shared_ptr copy per callback: each callback then fits in
    // std::function's own storage, and settling an input costs no allocation or reference count.
    std::atomic<size_t> remaining{0};
    std::atomic<bool> done{false};
};

// Settles the aggregate with the lowest-index rejection among the inputs settled so far (each
// such rejection counts as awaited, as in JavaScript's Promise.all), else with every input's
// value in order.
void finish_all(AllLatch& latch) {
    if (latch.done.exchange(true, std::memory_order_acq_rel)) return;
    auto const& items = latch.items.as<Array>()->items;
    Value const* rejection = nullptr;
    for (auto const& item : items) {
        if (!item.is(TAG_PROMISE) || promise_state(item.as<Promise>()) != PromiseState::Rejected) continue;
        mark_observed(item.as<Promise>());
        if (!rejection) rejection = &item.as<Promise>()->result;
    }
    auto* p = latch.promise.as<Promise>();
    if (rejection) {
        settle(*latch.rt, p, *rejection, true);
        note_unhandled(*latch.rt, latch.promise);  // Reported at exit unless awaited.
        return;
    }
    std::vector<Value> results;
    results.reserve(items.size());
    for (auto const& item : items) results.push_back(item.is(TAG_PROMISE) ? item.as<Promise>()->result : item);
    settle(*latch.rt, p, make_array(std::move(results)), false);
}

}  // namespace

Value await_all_promise(Thread& th, Value items) {
    auto latch = std::make_unique<AllLatch>();
    latch->rt = &th.rt;
    latch->items = items;
    latch->promise = make_promise();
    std::vector<Promise*> pending;
    for (auto const& item : items.as<Array>()->items)
        if (item.is(TAG_PROMISE) && promise_state(item.as<Promise>()) == PromiseState::Pending) pending.push_back(item.as<Promise>());
    if (pending.empty()) {
        finish_all(*latch);
        return latch->promise;
    }
    share(latch->items);  // Pending inputs mean tasks run: the callbacks may run on any thread.
    share(latch->promise);
    latch->remaining.store(pending.size(), std::memory_order_relaxed);
    Value promise = latch->promise;
    AllLatch* l = latch.release();  // From here on the callbacks own it.
    for (Promise* p : pending) {
        on_settled(p, [l, p] {
            if (promise_state(p) == PromiseState::Rejected) finish_all(*l);  // Fail fast.
            if (l->remaining.fetch_sub(1, std::memory_order_acq_rel) == 1) {
                finish_all(*l);  // Every input fulfilled, unless a rejection finished it already.
                delete l;
            }
        });
    }
    return promise;
}

// ---------------------------------------------------------------------------------------------
// Channels

Value make_channel() { return Value::adopt(TAG_CHANNEL, new Channel()); }

bool channel_send(Thread& th, Channel* ch, Value v) {
    if (th.rt.tasks_started.load(std::memory_order_relaxed)) share(v);
    std::shared_ptr<Waiter> receiver;
    bool closed = false;
    {
        std::lock_guard<std::mutex> lock(ch->mutex);
        closed = ch->closed;
        if (!closed) {
            // Hand the value straight to the oldest receiver still waiting.
            while (!ch->receivers.empty() && !receiver) {
                std::shared_ptr<Waiter> r = std::move(ch->receivers.front());
                ch->receivers.pop_front();
                if (claim(*r)) {
                    r->value = std::move(v);
                    receiver = std::move(r);
                }
            }
            if (!receiver) ch->items.push_back(std::move(v));
        }
    }
    if (closed) raise(th, ErrorType::ValueError, "Channel is closed");
    if (receiver) resume_claimed(*th.rt.scheduler, *receiver, Waiter::Why::Woken);
    return true;
}

// The oldest value of a channel that is not empty (under ch->mutex).
static Value pop_item(Channel* ch) {
    Value v = std::move(ch->items.front());
    ch->items.pop_front();
    return v;
}

Value channel_try_receive(Thread& th, Channel* ch) {
    std::lock_guard<std::mutex> lock(ch->mutex);
    return ch->items.empty() ? Value() : pop_item(ch);
}

// receive() and receive_timeout(): waits while the channel is empty and open.
static Value receive(Thread& th, Channel* ch, int64_t timeout_ms) {
    check_cancelled(th);
    {
        std::lock_guard<std::mutex> lock(ch->mutex);
        if (!ch->items.empty()) return pop_item(ch);
        if (ch->closed) return Value();
    }
    Scheduler* s = th.rt.scheduler;
    if (!s) {  // No task exists that could send (always so under --sched=seq).
        if (timeout_ms > 0) std::this_thread::sleep_for(std::chrono::milliseconds(timeout_ms));
        return Value();
    }
    auto w = new_waiter(th, timeout_ms >= 0 ? Waiter::Kind::Timed : Waiter::Kind::Receive);
    auto deadline = Clock::now() + std::chrono::milliseconds(std::max<int64_t>(timeout_ms, 0));
    auto why = park(th, w, [s, w, ch, timed = timeout_ms >= 0, deadline] {
        if (timed) s->timer.add(deadline, w, s);
        bool now = false;
        {
            std::lock_guard<std::mutex> lock(ch->mutex);
            if (!ch->items.empty() || ch->closed) {
                if ((now = claim(*w)) && !ch->items.empty()) w->value = pop_item(ch);
            } else {
                ch->receivers.push_back(w);  // From here on a sender may wake `w`.
            }
        }
        if (now) resume_claimed(*s, *w, Waiter::Why::Woken);
    });
    if (why == Waiter::Why::Cancelled) raise_cancelled(th);
    return why == Waiter::Why::Woken ? std::move(w->value) : Value();
}

Value channel_receive(Thread& th, Channel* ch) { return receive(th, ch, -1); }

Value channel_receive_timeout(Thread& th, Channel* ch, int64_t ms) { return receive(th, ch, std::max<int64_t>(ms, 0)); }

void channel_close(Thread& th, Channel* ch) {
    std::deque<std::shared_ptr<Waiter>> receivers;
    {
        std::lock_guard<std::mutex> lock(ch->mutex);
        ch->closed = true;
        receivers.swap(ch->receivers);
    }
    for (auto& r : receivers) wake(*th.rt.scheduler, *r, Waiter::Why::Woken);  // Each gets null.
}

// ---------------------------------------------------------------------------------------------
// Timers and blocking calls

// True when the caller is a task that may suspend rather than block its thread.
static bool may_suspend(Thread& th) {
    Scheduler* s = th.rt.scheduler;
    return s && th.task && s->suspended.load(std::memory_order_relaxed) < s->max_suspended;
}

void sleep_for(Thread& th, int64_t ms) {
    check_cancelled(th);
    if (ms <= 0) return;
    if (!may_suspend(th)) {
        std::this_thread::sleep_for(std::chrono::milliseconds(ms));
        check_cancelled(th);
        return;
    }
    Scheduler* s = th.rt.scheduler;
    auto w = new_waiter(th, Waiter::Kind::Timed);
    auto deadline = Clock::now() + std::chrono::milliseconds(ms);
    if (park(th, w, [s, w, deadline] { s->timer.add(deadline, w, s); }) == Waiter::Why::Cancelled) raise_cancelled(th);
}

Value sleep_promise(Thread& th, int64_t ms) {
    Value promise = make_promise();
    if (!parallel(th)) {
        sleep_for(th, ms);
        settle_promise(th, promise.as<Promise>(), Value(), false);
        return promise;
    }
    // A timer settles it: no task, no thread (ASYNC.md §5.6). Until then it counts as work that
    // can still wake an await, so awaiting it is no deadlock.
    Scheduler& s = scheduler_of(th.rt);
    share(promise);
    work_started(s, false);
    Scheduler* sp = &s;
    s.timer.add(Clock::now() + std::chrono::milliseconds(std::max<int64_t>(ms, 0)), nullptr, sp, [sp, promise] {
        settle(*sp->rt, promise.as<Promise>(), Value(), false);
        work_finished(*sp, false);
    });
    return promise;
}

void run_blocking(Thread& th, absl::FunctionRef<void()> fn) {
    if (RUFF_THREAD_TASKS || !may_suspend(th)) {
        fn();  // The main program's own thread, a thread-per-task build, or admission control.
    } else {
        Scheduler* s = th.rt.scheduler;
        auto w = new_waiter(th, Waiter::Kind::Io);
        park(th, w, [s, w, fn] { s->io.post(fn, w, s); });
    }
    check_cancelled(th);
}

// ---------------------------------------------------------------------------------------------
// Unhandled errors

static void note_unhandled(Runtime& rt, Value error_or_promise) {
    std::lock_guard<std::mutex> lock(rt.unhandled_mutex);
    rt.unhandled.push_back(std::move(error_or_promise));
}

void note_unhandled(Thread& th, Value error_or_promise) { note_unhandled(th.rt, std::move(error_or_promise)); }

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
            if (std::atomic_ref<bool>(p->observed).load(std::memory_order_relaxed)) continue;
            th.rt.write_stderr(format(p->result));
        } else {
            th.rt.write_stderr(format(v));
        }
        any = true;
    }
    return any;
}

}  // namespace ruff
