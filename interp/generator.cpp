// Generators (`func*`): each suspended activation runs on a stack of its own, switched with
// ucontext, so `yield` may stand anywhere in the body (inside loops, try blocks, matches).
// An error inside the body is carried back to the consumer and re-raised there.
#include <sys/mman.h>
#include <ucontext.h>

#include <exception>

#include "interp/interpreter.h"

#if defined(__SANITIZE_ADDRESS__)
#include <sanitizer/common_interface_defs.h>
#define RUFF_ASAN_FIBERS 1
#endif

namespace ruff::interp {
using namespace ast;

namespace {
constexpr size_t k_generator_stack = 1 << 20;  // Virtual; pages are touched only when used.

// Thrown into a suspended generator that is being destroyed, to unwind its frames.
struct GeneratorKill {};
}  // namespace

class InterpGenerator final : public GeneratorBody {
public:
    InterpGenerator(Interpreter& interp, Thread& th, Value function, std::span<Value> args)
        : m_interp(interp), m_thread(th), m_function(std::move(function)), m_args(args.begin(), args.end()) {}

    ~InterpGenerator() override {
        if (m_started && !m_finished) {
            m_kill = true;
            switch_in(m_thread);
        }
        if (m_stack) munmap(m_stack, k_generator_stack);
    }

    bool resume(Thread& th, Value& out) override {
        if (m_finished) return false;
        if (!m_started) start();
        switch_in(th);
        if (m_error) {
            auto error = std::move(m_error);
            m_error = nullptr;
            std::rethrow_exception(error);
        }
        if (m_finished) return false;
        out = std::move(m_out);
        return true;
    }

    // Called by `yield` on the generator's own stack.
    void yield(Value v) {
        m_out = std::move(v);
        switch_out();
        if (m_kill) throw GeneratorKill{};
    }

private:
    void start() {
        m_started = true;
        m_stack = static_cast<char*>(mmap(nullptr, k_generator_stack, PROT_READ | PROT_WRITE,
                                          MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0));
        if (m_stack == MAP_FAILED) {
            m_stack = nullptr;
            raise(m_thread, ErrorType::Error, "cannot allocate a generator stack");
        }
        getcontext(&m_context);
        m_context.uc_stack.ss_sp = m_stack;
        m_context.uc_stack.ss_size = k_generator_stack;
        m_context.uc_link = nullptr;
        auto self = reinterpret_cast<uintptr_t>(this);
        makecontext(&m_context, reinterpret_cast<void (*)()>(&entry), 2, static_cast<unsigned>(self >> 32),
                    static_cast<unsigned>(self & 0xffffffffu));
    }

    static void entry(unsigned high, unsigned low) {
        auto* g = reinterpret_cast<InterpGenerator*>((static_cast<uintptr_t>(high) << 32) | low);
        g->finish_switch_in();
        g->run();
        g->m_finished = true;
        g->switch_out();
    }

    void run() {
        Thread& th = *m_current_thread;
        try {
            auto* fn = m_function.as<Function>();
            m_interp.call_generator_body(th, fn, m_args, this);
        } catch (GeneratorKill&) {
        } catch (EarlyReturn&) {
        } catch (...) {
            m_error = std::current_exception();
        }
        m_args.clear();
    }

    // Switches from the consumer to the generator; the generator's frame record joins the
    // consumer's stack while it runs.
    void switch_in(Thread& th) {
        m_current_thread = &th;
        m_saved_limit = th.stack_limit;
        th.stack_limit = m_stack + 64 * 1024;
        if (m_frame_valid) {
            th.frames.push_back(m_frame);
            ++th.depth;
        }
#ifdef RUFF_ASAN_FIBERS
        __sanitizer_start_switch_fiber(&m_fake_consumer, m_stack, k_generator_stack);
#endif
        swapcontext(&m_consumer, &m_context);
#ifdef RUFF_ASAN_FIBERS
        __sanitizer_finish_switch_fiber(m_fake_consumer, nullptr, nullptr);
#endif
        th.stack_limit = m_saved_limit;
    }

    void finish_switch_in() {
#ifdef RUFF_ASAN_FIBERS
        __sanitizer_finish_switch_fiber(nullptr, &m_consumer_bottom, &m_consumer_size);
#endif
    }

    void switch_out() {
        Thread& th = *m_current_thread;
        m_frame_valid = !m_finished;
        if (m_frame_valid) {
            m_frame = th.frames.back();
            th.frames.pop_back();
            --th.depth;
        }
#ifdef RUFF_ASAN_FIBERS
        __sanitizer_start_switch_fiber(m_finished ? nullptr : &m_fake_self, m_consumer_bottom, m_consumer_size);
#endif
        swapcontext(&m_context, &m_consumer);
#ifdef RUFF_ASAN_FIBERS
        __sanitizer_finish_switch_fiber(m_fake_self, &m_consumer_bottom, &m_consumer_size);
#endif
    }

    friend class Interpreter;
    Interpreter& m_interp;
    Thread& m_thread;
    Thread* m_current_thread = nullptr;
    Value m_function;
    std::vector<Value> m_args;
    Value m_out;
    std::exception_ptr m_error;
    ucontext_t m_context{};
    ucontext_t m_consumer{};
    char* m_stack = nullptr;
    char const* m_saved_limit = nullptr;
    FrameRecord m_frame{};
    bool m_frame_valid = false;
    bool m_started = false;
    bool m_finished = false;
    bool m_kill = false;
#ifdef RUFF_ASAN_FIBERS
    void* m_fake_consumer = nullptr;
    void* m_fake_self = nullptr;
    void const* m_consumer_bottom = nullptr;
    size_t m_consumer_size = 0;
#endif
};

Value Interpreter::make_generator(Thread& th, Function* fn, std::span<Value> args) {
    auto* g = new Generator();
    Value result = Value::adopt(TAG_GENERATOR, g);
    g->param_count = fn->info->max_params;
    g->body = std::make_unique<InterpGenerator>(*this, th, Value::borrow(TAG_FUNCTION, fn), args);
    return result;
}

// Runs a generator's body on its own stack (called from InterpGenerator::run).
void Interpreter::call_generator_body(Thread& th, Function* fn, std::span<Value> args, InterpGenerator* gen) {
    auto const& node = *static_cast<FunctionNode const*>(fn->info->code);
    FrameGuard guard(th, fn->info->name, node.file, node.pos);
    std::vector<Value> slots(node.frame_size ? node.frame_size : 1, Value::unbound());
    Frame frame{slots.data(), fn, fn->module, &node, {}, false, gen};
    bind_params(th, frame, fn, args);
    exec_block(th, frame, *node.body);  // `return` simply ends the generator.
}

Value Interpreter::eval_yield(Thread& th, Frame& f, YieldExpr const& y) {
    Value v = y.value ? eval(th, f, *y.value) : Value();
    th.set_pos(y.pos);
    f.generator->yield(std::move(v));
    return Value();
}

}  // namespace ruff::interp
