// Unit tests for the async built-ins (stdlib/async.cpp): they are called through call_value
// exactly as the tiers call them, with built-ins as the task bodies, and checked through the
// runtime/tasks.h API (await_value, report_unhandled) rather than scheduler internals.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <thread>

#include "runtime/ops.h"
#include "runtime/tasks.h"
#include "runtime/thread.h"
#include "stdlib/stdlib.h"

using namespace ruff;

namespace {

Value str(std::string_view s) { return make_string(s); }
Value num(int64_t i) { return Value::from_int(i); }

std::atomic<int> g_calls{0};

// A mapper that counts its calls and fails for even numbers with "even N".
Value failing_mapper(Thread& th, std::span<Value> args) {
    g_calls.fetch_add(1);
    int64_t n = args[0].as_int();
    if (n % 2 == 0) raise(th, ErrorType::ValueError, "even " + std::to_string(n));
    return Value::from_int(n * 10);
}

class AsyncTest : public ::testing::Test {
protected:
    Runtime rt;
    Thread th{rt};
    void SetUp() override { register_stdlib(rt); }
    // Tasks run in parallel: none may outlive the test's Runtime.
    void TearDown() override { join_tasks(th); }

    Value call(std::string_view name, std::vector<Value> args) {
        Value const* f = rt.builtin(name);
        if (!f) throw std::runtime_error("no built-in " + std::string(name));
        return call_value(th, *f, std::span<Value>(args));
    }
    // "TYPE: MESSAGE" of the error `f` raises, or "" if it raises nothing.
    template <class F>
    std::string error_of(F&& f) {
        try {
            f();
        } catch (RuffException const& e) {
            auto* err = e.error.as<ErrorObj>();
            return err->type + ": " + err->message;
        }
        return "";
    }
    Value settled(Value v, bool rejected = false) {
        Value p = make_promise();
        settle_promise(th, p.as<Promise>(), std::move(v), rejected);
        return p;
    }
    Value error_value(std::string message) { return make_error(th, "Error", std::move(message)); }
    bool any_unhandled() {
        join_tasks(th);  // A task notes its rejection when it finishes.
        return report_unhandled(th, [](Value const&) { return std::string(); });
    }
};

}  // namespace

TEST_F(AsyncTest, EveryAsyncNameIsRegistered) {
    for (char const* name : {"await_all", "promise_all", "par_map", "parallel_map", "par_each", "spawn", "spawn_task",
                             "await_task", "cancel_task", "channel", "shared_set", "shared_get", "shared_has",
                             "shared_delete", "shared_add_int", "async_sleep", "sleep", "async_timeout",
                             "async_read_file", "async_write_file", "async_read_files", "async_write_files",
                             "get_task_pool_size", "set_task_pool_size"})
        EXPECT_NE(rt.builtin(name), nullptr) << name << " must be registered";
}

TEST_F(AsyncTest, AwaitAllGivesAPromiseOfTheResultsInOrder) {
    Value p = call("await_all", {make_array({settled(num(1)), num(2), settled(str("x"))})});
    ASSERT_TRUE(p.is(TAG_PROMISE));
    EXPECT_EQ(to_display(await_value(th, p)), "[1, 2, x]");
    EXPECT_EQ(to_display(await_value(th, call("promise_all", {make_array()}))), "[]");
}

TEST_F(AsyncTest, AwaitAllReRaisesTheLowestIndexRejectionUnchanged) {
    Value first = error_value("first");
    Value p = call("await_all", {make_array({settled(num(1)), settled(first, true), settled(error_value("second"), true)})});
    ASSERT_TRUE(p.is(TAG_PROMISE));
    try {
        await_value(th, p);
        FAIL() << "await of the aggregate must raise";
    } catch (RuffException const& e) {
        EXPECT_EQ(e.error.obj(), first.obj()) << "the original error object, not a wrapper";
    }
    // Both rejections were awaited through the aggregate, and the aggregate was awaited.
    EXPECT_FALSE(any_unhandled());
}

TEST_F(AsyncTest, UnawaitedAggregateRejectionIsReported) {
    call("await_all", {make_array({settled(error_value("lost"), true)})});
    EXPECT_TRUE(any_unhandled());
}

TEST_F(AsyncTest, ParMapRunsEveryItemThenRaisesTheLowestIndexError) {
    Value mapper = Value::adopt(TAG_BUILTIN, new Builtin("mapper", failing_mapper, 1, 1));
    g_calls = 0;
    std::string error = error_of([&] { call("par_map", {make_array({num(1), num(4), num(3), num(2)}), mapper, num(2)}); });
    EXPECT_EQ(error, "ValueError: even 4");
    EXPECT_EQ(g_calls.load(), 4);
    EXPECT_FALSE(any_unhandled()) << "every item's rejection was awaited by par_map";
    Value r = call("par_map", {make_array({num(1), num(3)}), mapper});
    EXPECT_EQ(to_display(r), "[10, 30]");
    EXPECT_TRUE(call("par_each", {make_array({num(5)}), mapper}).is_null());
}

TEST_F(AsyncTest, ArgumentErrorsUseTheSpecTexts) {
    EXPECT_EQ(error_of([&] { call("await_all", {num(1)}); }), "TypeError: await_all() requires an array of promises");
    EXPECT_EQ(error_of([&] { call("await_all", {make_array(), num(0)}); }),
              "ValueError: await_all() concurrency_limit must be > 0, got 0");
    EXPECT_EQ(error_of([&] { call("par_map", {make_array(), num(1)}); }),
              "TypeError: par_map() second argument must be a callable function");
    EXPECT_EQ(error_of([&] { call("async_sleep", {num(-2)}); }),
              "ValueError: async_sleep() requires non-negative milliseconds, got -2");
    EXPECT_EQ(error_of([&] { call("async_timeout", {num(1), num(5)}); }),
              "TypeError: async_timeout() requires a Promise as first argument");
    EXPECT_EQ(error_of([&] { call("await_task", {num(1)}); }), "TypeError: await_task() requires a TaskHandle argument");
    EXPECT_EQ(error_of([&] { call("shared_get", {str("nope")}); }), "KeyError: shared_get key 'nope' not found");
}

TEST_F(AsyncTest, CancelTaskRejectsAnUnfinishedTaskWithCancelledError) {
    auto* handle = new TaskHandle();
    Value h = Value::adopt(TAG_TASKHANDLE, handle);
    handle->promise = make_promise();  // A task that has not finished.
    EXPECT_TRUE(call("cancel_task", {h}).as_bool());
    EXPECT_TRUE(handle->cancelled);
    EXPECT_FALSE(call("cancel_task", {h}).as_bool()) << "already finished (cancelled)";
    EXPECT_EQ(error_of([&] { await_value(th, call("await_task", {h})); }), "CancelledError: Task was cancelled");
    EXPECT_FALSE(any_unhandled()) << "a cancellation is not an unhandled error";
}

TEST_F(AsyncTest, SpawnTaskRunsItsFunction) {
    Value h = call("spawn_task", {*rt.builtin("len"), str("abc")});
    ASSERT_TRUE(h.is(TAG_TASKHANDLE));
    EXPECT_EQ(to_display(await_value(th, call("await_task", {h}))), "3");
    EXPECT_FALSE(call("cancel_task", {h}).as_bool()) << "the task has finished";
    EXPECT_EQ(to_display(await_value(th, call("spawn", {*rt.builtin("upper"), str("ab")}))), "AB");
}

TEST_F(AsyncTest, AsyncTimeoutRejectsWhenThePromiseStaysPending) {
    Value pending = make_promise();
    auto start = std::chrono::steady_clock::now();
    Value t = call("async_timeout", {pending, num(20)});
    EXPECT_EQ(error_of([&] { await_value(th, t); }), "Error: Timeout after 20ms");
    EXPECT_GE(std::chrono::steady_clock::now() - start, std::chrono::milliseconds(20));
    EXPECT_EQ(to_display(await_value(th, call("async_timeout", {settled(num(7)), num(20)}))), "7");
}

TEST_F(AsyncTest, SharedAddIntIsAtomicAcrossThreads) {
    call("shared_set", {str("n"), num(0)});
    std::vector<std::thread> workers;
    for (int w = 0; w < 4; ++w) {
        workers.emplace_back([this] {
            Thread mine(rt);
            Value const* add = rt.builtin("shared_add_int");
            for (int i = 0; i < 2000; ++i) {
                std::vector<Value> args{str("n"), num(1)};
                call_value(mine, *add, std::span<Value>(args));
            }
        });
    }
    for (auto& w : workers) w.join();
    EXPECT_EQ(call("shared_get", {str("n")}).as_int(), 8000);
    EXPECT_TRUE(call("shared_delete", {str("n")}).as_bool());
    EXPECT_FALSE(call("shared_has", {str("n")}).as_bool());
}

TEST_F(AsyncTest, AsyncReadFileRejectsWithTheFailedToReadText) {
    Value p = call("async_read_file", {str("/nonexistent/ruff-async-test")});
    ASSERT_TRUE(p.is(TAG_PROMISE));
    EXPECT_EQ(error_of([&] { await_value(th, p); }),
              "IOError: Failed to read file '/nonexistent/ruff-async-test': No such file or directory");
}

TEST_F(AsyncTest, AsyncSleepWaitsAndFulfilsWithNull) {
    auto start = std::chrono::steady_clock::now();
    Value p = call("async_sleep", {num(15)});
    EXPECT_TRUE(await_value(th, p).is_null());
    EXPECT_GE(std::chrono::steady_clock::now() - start, std::chrono::milliseconds(15));
}
