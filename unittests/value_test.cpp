// Unit tests for values: layout, refcounting, copy-on-write and the insertion-ordered dict.
#include <gtest/gtest.h>

#include "runtime/objects.h"
#include "runtime/ops.h"
#include "runtime/thread.h"

using namespace ruff;

TEST(ValueTest, IsSixteenBytesAndTriviallyCopyableAsRaw) {
    EXPECT_EQ(sizeof(Value), 16u);
    EXPECT_TRUE(std::is_trivially_copyable_v<RawValue>);
}

TEST(ValueTest, CopyIncrementsAndDestructionDecrements) {
    Value a = make_string("hello");
    EXPECT_TRUE(is_unique(a.obj()));
    {
        Value b = a;
        EXPECT_FALSE(is_unique(a.obj())) << "a copy shares the object";
    }
    EXPECT_TRUE(is_unique(a.obj())) << "destroying the copy must release its reference";
}

TEST(ValueTest, ArrayCopyOnWriteNeverAliases) {
    Value a = make_array({Value::from_int(1), Value::from_int(2)});
    Value b = a;
    make_unique_array(b)->items[0] = Value::from_int(99);
    EXPECT_EQ(a.as<Array>()->items[0].as_int(), 1) << "writing through a copy must not change the original";
    EXPECT_EQ(b.as<Array>()->items[0].as_int(), 99);
}

TEST(ValueTest, UniqueArrayIsMutatedInPlace) {
    Value a = make_array();
    Obj* before = a.obj();
    for (int i = 0; i < 1000; ++i) make_unique_array(a)->items.push_back(Value::from_int(i));
    EXPECT_EQ(a.obj(), before) << "a unique array must not be copied";
    EXPECT_EQ(a.as<Array>()->items.size(), 1000u);
}

TEST(DictTest, KeepsEveryEntryAcrossRehashInInsertionOrder) {
    Value d = make_dict();
    for (int i = 0; i < 10'000; ++i) d.as<Dict>()->set("k" + std::to_string(i), Value::from_int(i));
    EXPECT_EQ(d.as<Dict>()->size(), 10'000u) << "growing the table must not drop entries";
    int expected = 0;
    bool ordered = true;
    d.as<Dict>()->for_each([&](Value const& key, Value const& value) { ordered &= value.as_int() == expected++; });
    EXPECT_TRUE(ordered) << "iteration follows insertion order";
    ASSERT_NE(d.as<Dict>()->find("k1234"), nullptr);
    EXPECT_EQ(d.as<Dict>()->find("k1234")->as_int(), 1234);
}

TEST(DictTest, RemoveKeepsOrderOfTheRest) {
    Value d = make_dict();
    for (char const* k : {"a", "b", "c", "d"}) d.as<Dict>()->set(k, make_string(k));
    EXPECT_TRUE(d.as<Dict>()->remove("b"));
    EXPECT_FALSE(d.as<Dict>()->remove("zz"));
    EXPECT_EQ(to_display(d), "{\"a\": a, \"c\": c, \"d\": d}");
}

TEST(DisplayTest, FloatsAreShortestRoundTripPositional) {
    EXPECT_EQ(format_float(1.0), "1");
    EXPECT_EQ(format_float(-0.0), "-0");
    EXPECT_EQ(format_float(100.0 / 3.0), "33.333333333333336");
    EXPECT_EQ(format_float(1e21), "1000000000000000000000");
    EXPECT_EQ(format_float(1e-7), "0.0000001");
    EXPECT_EQ(format_float(0.1 + 0.2), "0.30000000000000004");
    EXPECT_EQ(format_float(2.5), "2.5");
}

TEST(OpsTest, IntOverflowRaises) {
    Runtime rt;
    Thread th(rt);
    th.frames.push_back(FrameRecord{"<main>", nullptr});
    EXPECT_THROW(binop(th, BinOp::Add, Value::from_int(INT64_MAX), Value::from_int(1)), RuffException);
    EXPECT_EQ(binop(th, BinOp::Mod, Value::from_int(-7), Value::from_int(3)).as_int(), -1);
    EXPECT_EQ(binop(th, BinOp::Div, Value::from_int(-7), Value::from_int(2)).as_int(), -3);
}
