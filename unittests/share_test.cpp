// Unit tests for crossing tasks: share() flips whole graphs to atomic counts exactly once, inserts
// into shared containers share what they insert, and promises run their waiters once.
#include <gtest/gtest.h>

#include <thread>
#include <vector>

#include "runtime/ops.h"
#include "runtime/share.h"
#include "runtime/tasks.h"

using namespace ruff;

namespace {
int32_t count_of(Value const& v) { return v.obj()->rc.load(); }
}  // namespace

TEST(ShareTest, FlipsEveryReachableObjectToANegativeCount) {
    Value inner = make_array({make_string("x")});
    Value outer = make_array({inner, make_dict()});
    Value copy = outer;  // Two references to the outer array.
    share(outer);
    EXPECT_EQ(count_of(outer), -2) << "the count keeps its magnitude and becomes atomic";
    EXPECT_EQ(count_of(inner), -2) << "children are shared too";
    EXPECT_LT(count_of(inner.as<Array>()->items[0]), 0);
    EXPECT_TRUE(!is_unique(outer.obj()));
}

TEST(ShareTest, SharedCountsStillFreeObjects) {
    Value v = make_array({make_string("a")});
    share(v);
    Value copy = v;
    EXPECT_EQ(count_of(v), -2);
    copy = Value();
    EXPECT_EQ(count_of(v), -1);
    EXPECT_TRUE(is_unique(v.obj())) << "a sole shared owner may still mutate in place";
}

TEST(ShareTest, InsertingIntoASharedContainerSharesTheValue) {
    Value d = make_dict();
    share(d);
    Value item = make_array();
    EXPECT_GT(count_of(item), 0);
    d.as<Dict>()->set("k", item);
    EXPECT_LT(count_of(item), 0) << "another task may read the dict: its new entry must be shared";
}

TEST(ShareTest, ConcurrentCopiesOfASharedValueKeepAnExactCount) {
    Value v = make_array();
    share(v);
    std::vector<std::thread> threads;
    for (int t = 0; t < 4; ++t)
        threads.emplace_back([&v] {
            for (int i = 0; i < 100000; ++i) {
                Value copy = v;
            }
        });
    for (auto& t : threads) t.join();
    EXPECT_EQ(count_of(v), -1) << "atomic increments and decrements must balance";
}

TEST(PromiseTest, WaitersRunOnceAfterSettling) {
    Runtime rt;
    Thread th(rt);
    Value p = make_promise();
    int runs = 0;
    {
        std::lock_guard<SpinLock> lock(p.as<Promise>()->lock);
        p.as<Promise>()->waiters.push_back([&runs] { ++runs; });
    }
    settle_promise(th, p.as<Promise>(), Value::from_int(7), false);
    settle_promise(th, p.as<Promise>(), Value::from_int(8), false);
    EXPECT_EQ(runs, 1);
    EXPECT_EQ(await_value(th, p).as_int(), 7) << "a promise settles once";
}
