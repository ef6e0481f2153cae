// Unit tests for the standard library: argument checking (arity from the registration table,
// uniform TypeError texts), error types and messages, and a few behaviours that depend on the
// C++ side (in-place push, full Unicode case mapping, atomic write_file). Built-ins are called
// through call_value exactly as the tiers call them.
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <sstream>

#include "runtime/ops.h"
#include "runtime/thread.h"
#include "stdlib/stdlib.h"

using namespace ruff;

namespace {

Value str(std::string_view s) { return make_string(s); }
Value num(int64_t i) { return Value::from_int(i); }

class StdlibTest : public ::testing::Test {
protected:
    Runtime rt;
    Thread th{rt};
    void SetUp() override { register_stdlib(rt); }

    Value call(std::string_view name, std::vector<Value> args) {
        Value const* f = rt.builtin(name);
        if (!f) throw std::runtime_error("no built-in " + std::string(name));
        return call_value(th, *f, std::span<Value>(args));
    }
    std::string shown(std::string_view name, std::vector<Value> args) { return to_display(call(name, std::move(args))); }
    // "TYPE: MESSAGE" of the error the call raises, or "" if it raises nothing.
    std::string error_of(std::string_view name, std::vector<Value> args) {
        try {
            call(name, std::move(args));
        } catch (RuffException const& e) {
            auto* err = e.error.as<ErrorObj>();
            return err->type + ": " + err->message;
        }
        return "";
    }
};

std::string temp_dir() {
    char pattern[] = "/tmp/ruff_stdlib_test.XXXXXX";
    char* dir = mkdtemp(pattern);
    return dir ? dir : "/tmp";
}

std::string slurp(std::string const& path) {
    std::ifstream in(path);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

}  // namespace

TEST_F(StdlibTest, EveryP0NameIsRegistered) {
    for (char const* name : {"print", "debug", "type", "type_name", "is_function", "to_int", "format", "len", "abs",
                             "round", "min", "max", "substring", "upper", "to_kebab_case", "push", "append", "range",
                             "windows", "keys", "invert", "clear", "remove", "assert", "assert_contains", "env",
                             "env_or", "args", "exit", "performance_now", "read_file", "write_file", "list_dir",
                             "file_exists", "append_file", "PI", "E"})
        EXPECT_NE(rt.builtin(name), nullptr) << name << " must be registered";
}

TEST_F(StdlibTest, WrongTypeRaisesUniformTypeError) {
    EXPECT_EQ(error_of("upper", {num(5)}), "TypeError: upper() argument 1 must be string, got int");
    EXPECT_EQ(error_of("split", {str("a"), num(1)}), "TypeError: split() argument 2 must be string, got int");
    EXPECT_EQ(error_of("push", {str("ab"), num(1)}), "TypeError: push() argument 1 must be array, got string");
    EXPECT_EQ(error_of("keys", {make_array()}), "TypeError: keys() argument 1 must be dict, got array");
    EXPECT_EQ(error_of("sqrt", {str("9")}), "TypeError: sqrt() argument 1 must be number, got string");
    EXPECT_EQ(error_of("map", {make_array(), num(1)}), "TypeError: map() argument 2 must be function, got int");
    EXPECT_EQ(error_of("len", {Value()}).rfind("TypeError: len() argument 1 must be", 0), 0u);
}

TEST_F(StdlibTest, ArityIsCheckedCentrallyFromTheTable) {
    EXPECT_EQ(error_of("range", {}), "TypeError: range expects 1 to 3 arguments, got 0");
    EXPECT_EQ(error_of("split", {str("a")}), "TypeError: split expects 2 arguments, got 1");
    EXPECT_EQ(error_of("format", {}).rfind("TypeError: format expects at least 1 argument", 0), 0u);
    EXPECT_EQ(error_of("get", {make_dict()}), "TypeError: get expects 2 to 3 arguments, got 1");
}

TEST_F(StdlibTest, UpperAndLowerAreFullUnicode) {
    EXPECT_EQ(shown("upper", {str("straße")}), "STRASSE");
    EXPECT_EQ(shown("upper", {str("ﬁx ǆ")}), "FIX Ǆ");
    EXPECT_EQ(shown("lower", {str("HÉLLO ΣΑΣ")}), "héllo σας") << "final sigma";
    EXPECT_EQ(call("len", {call("lower", {str("İ")})}).as_int(), 2) << "İ lower-cases to i + combining dot";
    EXPECT_EQ(shown("capitalize", {str("hELLO wORLD")}), "Hello world");
}

TEST_F(StdlibTest, StringOffsetsCountScalars) {
    EXPECT_EQ(call("len", {str("héllo")}).as_int(), 5);
    EXPECT_EQ(call("index_of", {str("héllo"), str("l")}).as_int(), 2);
    EXPECT_EQ(shown("substring", {str("héllo"), num(-4), num(-1)}), "éll");
    EXPECT_EQ(shown("char_at", {str("日本語"), num(-1)}), "語");
    EXPECT_EQ(error_of("char_at", {str("abc"), num(3)}), "IndexError: index 3 out of range (length 3)");
}

TEST_F(StdlibTest, SplitJoinAndCaseHelpersFollowTheReference) {
    EXPECT_EQ(shown("split", {str("a,,b"), str(",")}), "[a, , b]");
    EXPECT_EQ(shown("split", {str("abc"), str("")}), "[, a, b, c, ]");
    EXPECT_EQ(shown("join", {make_array({num(1), Value(), str("x")}), str("-")}), "1-null-x");
    EXPECT_EQ(shown("replace", {str("abc"), str(""), str("-")}), "-a-b-c-");
    EXPECT_EQ(shown("slugify", {str("Hello, World! Foo_bar--baz")}), "hello-world-foo-barbaz");
    EXPECT_EQ(shown("to_snake_case", {str("HelloWorldHTTPServer")}), "hello_world_httpserver");
    EXPECT_EQ(shown("to_camel_case", {str("hello_world-foo bar")}), "helloWorldFooBar");
    EXPECT_EQ(shown("truncate", {str("hello world"), num(8), str("...")}), "hello...");
    EXPECT_EQ(shown("pad_left", {str("5"), num(3), str("0")}), "005");
    EXPECT_EQ(shown("trim", {str("\u3000 hé\t")}), "hé");
}

TEST_F(StdlibTest, PushAppendsInPlaceWhenTheArrayIsUnique) {
    Value a = make_array();
    Obj* before = a.obj();
    for (int i = 0; i < 100; ++i) {
        std::vector<Value> args;  // Not an initializer list: that would copy `a` and share it.
        args.push_back(std::move(a));
        args.push_back(num(i));
        a = call("push", std::move(args));
    }
    EXPECT_EQ(a.obj(), before) << "a unique array must be reused, so a := push(a, x) is linear";
    EXPECT_EQ(a.as<Array>()->items.size(), 100u);
}

TEST_F(StdlibTest, PushNeverMutatesASharedArray) {
    Value a = make_array({num(1)});
    Value b = call("push", {a, num(2)});
    EXPECT_EQ(to_display(a), "[1]");
    EXPECT_EQ(to_display(b), "[1, 2]");
    Value sorted = call("sort", {a});
    EXPECT_NE(sorted.obj(), nullptr);
    EXPECT_EQ(to_display(call("pop", {a})), "[[], 1]");
    EXPECT_EQ(to_display(a), "[1]");
}

TEST_F(StdlibTest, ArrayHelpers) {
    EXPECT_EQ(shown("pop", {make_array()}), "[[], null]");
    EXPECT_EQ(shown("insert", {make_array({num(1), num(2), num(3)}), num(-1), num(9)}), "[1, 2, 9, 3]");
    EXPECT_EQ(error_of("insert", {make_array({num(1)}), num(2), num(0)}), "IndexError: index 2 out of range (length 1)");
    EXPECT_EQ(shown("remove_at", {make_array({num(1), num(2)}), num(-1)}), "[[1], 2]");
    EXPECT_EQ(shown("slice", {make_array({num(1), num(2), num(3), num(4)}), num(1), num(-1)}), "[2, 3]");
    EXPECT_EQ(shown("range", {num(5), num(-1), num(-2)}), "[5, 3, 1]");
    EXPECT_EQ(error_of("range", {num(0), num(5), num(0)}), "ValueError: range() step cannot be zero");
    EXPECT_EQ(shown("unique", {make_array({num(1), Value::from_float(1.0), str("1"), num(1)})}), "[1, 1]");
    EXPECT_EQ(shown("chunk", {make_array({num(1), num(2), num(3)}), num(2)}), "[[1, 2], [3]]");
    EXPECT_EQ(shown("windows", {make_array({num(1), num(2), num(3)}), num(2)}), "[[1, 2], [2, 3]]");
    EXPECT_EQ(shown("map", {make_array({str("a"), str("b")}), *rt.builtin("upper")}), "[A, B]");
    EXPECT_EQ(shown("find", {make_array({num(0), num(1)}), *rt.builtin("to_bool")}), "1");
    EXPECT_EQ(shown("find", {make_array(), *rt.builtin("to_bool")}), "null");
}

TEST_F(StdlibTest, SumOverflowRaises) {
    EXPECT_EQ(error_of("sum", {make_array({num(INT64_MAX), num(1)})}), "OverflowError: integer overflow: 9223372036854775807 + 1");
    EXPECT_EQ(shown("sum", {make_array({num(1), Value::from_float(2.5)})}), "3.5");
}

TEST_F(StdlibTest, SortOfMixedKindsRaises) {
    EXPECT_EQ(error_of("sort", {make_array({num(1), str("a")})}), "TypeError: cannot compare int and string");
    EXPECT_EQ(shown("sort", {make_array({str("b"), str("B"), str("a")})}), "[B, a, b]");
    EXPECT_EQ(shown("sort", {make_array({num(3), Value::from_float(1.5), num(2)})}), "[1.5, 2, 3]");
}

TEST_F(StdlibTest, DictKeysConvertIntsAndRejectFloats) {
    Value d = make_dict();
    d.as<Dict>()->set("1", str("one"));
    d.as<Dict>()->set("b", num(2));
    EXPECT_EQ(shown("get", {d, num(1)}), "one");
    EXPECT_EQ(shown("get", {d, str("zz"), num(7)}), "7");
    EXPECT_TRUE(call("has_key", {d, str("b")}).is_bool());
    EXPECT_EQ(error_of("has_key", {d, Value::from_float(1.0)}), "TypeError: dict keys must be string or int, got float");
    EXPECT_EQ(shown("keys", {d}), "[1, b]") << "insertion order";
    EXPECT_EQ(shown("remove", {d, str("zz")}), "[{\"1\": one, \"b\": 2}, null]");
    EXPECT_EQ(shown("invert", {d}), "{\"one\": 1, \"2\": b}");
}

TEST_F(StdlibTest, ConversionsRaiseValueError) {
    EXPECT_EQ(error_of("to_int", {str("12a")}), "ValueError: Cannot convert '12a' to int");
    EXPECT_EQ(error_of("parse_float", {str("1e")}), "ValueError: Cannot parse '1e' as float");
    EXPECT_EQ(call("to_int", {str(" -42 ")}).as_int(), -42);
    EXPECT_EQ(call("to_int", {Value::from_float(1e300)}).as_int(), INT64_MAX);
    EXPECT_TRUE(call("to_bool", {str("false")}).as_bool()) << "one truthiness rule";
    EXPECT_EQ(shown("format", {str("%s=%d (%f) 100%%"), str("x"), Value::from_float(3.9), num(2)}), "x=3 (2) 100%");
}

TEST_F(StdlibTest, AssertionsRaiseAssertionError) {
    EXPECT_EQ(error_of("assert_equal", {num(2), num(3)}), "AssertionError: Assertion failed: expected Int(3), got Int(2)");
    EXPECT_EQ(error_of("assert_equal", {str("a\"\n"), Value::from_float(1.5)}),
              "AssertionError: Assertion failed: expected Float(1.5), got Str(\"a\\\"\\n\")");
    EXPECT_EQ(error_of("assert", {make_array()}), "AssertionError: Assertion failed");
    EXPECT_EQ(error_of("assert", {num(0), str("boom")}), "AssertionError: boom");
    EXPECT_EQ(error_of("assert_contains", {make_array({num(1)}), num(2)}),
              "AssertionError: Assertion failed: Array[1] does not contain Int(2)");
    EXPECT_EQ(error_of("assert_true", {num(1)}), "TypeError: assert_true() argument 1 must be bool, got int");
    EXPECT_EQ(error_of("assert_false", {Value::from_bool(true)}), "AssertionError: Assertion failed: expected false, got true");
    EXPECT_TRUE(call("assert_equal", {num(1), Value::from_float(1.0)}).as_bool());
}

TEST_F(StdlibTest, ExitUnwindsWithTheCode) {
    try {
        call("exit", {num(3)});
        FAIL() << "exit must throw";
    } catch (ExitRequest const& e) {
        EXPECT_EQ(e.code, 3);
    }
}

TEST_F(StdlibTest, ArgsAndEnv) {
    rt.options.program_args = {"a", "b c"};
    EXPECT_EQ(shown("args", {}), "[a, b c]");
    setenv("RUFF_STDLIB_TEST_VAR", "v", 1);
    EXPECT_EQ(shown("env", {str("RUFF_STDLIB_TEST_VAR")}), "v");
    EXPECT_EQ(shown("env", {str("RUFF_STDLIB_TEST_UNSET")}), "") << "STDLIB 2.13: env of an unset variable is \"\"";
    EXPECT_EQ(shown("env_or", {str("RUFF_STDLIB_TEST_UNSET"), str("d")}), "d");
    EXPECT_TRUE(call("performance_now", {}).is_float());
}

TEST_F(StdlibTest, WriteFileIsAtomicKeepsModeAndFollowsSymlinks) {
    std::string dir = temp_dir();
    std::string target = dir + "/target.txt";
    EXPECT_TRUE(call("write_file", {str(target), str("one")}).as_bool());
    chmod(target.c_str(), 0640);
    std::string link = dir + "/link.txt";
    ASSERT_EQ(symlink("target.txt", link.c_str()), 0);
    call("write_file", {str(link), str("two")});
    struct stat st;
    ASSERT_EQ(lstat(link.c_str(), &st), 0);
    EXPECT_TRUE(S_ISLNK(st.st_mode)) << "the link itself must survive";
    EXPECT_EQ(slurp(target), "two");
    ASSERT_EQ(stat(target.c_str(), &st), 0);
    EXPECT_EQ(st.st_mode & 0777, 0640u) << "the target's mode is kept";
    call("append_file", {str(target), str("!")});
    EXPECT_EQ(shown("read_file", {str(target)}), "two!");
    EXPECT_EQ(shown("list_dir", {str(dir)}), "[link.txt, target.txt]") << "no temporary file left behind";
    EXPECT_TRUE(call("file_exists", {str(link)}).as_bool());
    EXPECT_FALSE(call("file_exists", {str(dir + "/nope")}).as_bool());
    unlink(link.c_str());
    unlink(target.c_str());
    rmdir(dir.c_str());
}

TEST_F(StdlibTest, FileErrorsCarryTheOsReason) {
    EXPECT_EQ(error_of("read_file", {str("/nonexistent/x")}), "IOError: cannot read file '/nonexistent/x': No such file or directory");
    EXPECT_EQ(error_of("write_file", {str("/nonexistent/x"), str("")}),
              "IOError: cannot write file '/nonexistent/x': No such file or directory");
    EXPECT_EQ(error_of("list_dir", {str("/nonexistent")}), "IOError: cannot list directory '/nonexistent': No such file or directory");
    EXPECT_EQ(error_of("write_file", {str("/tmp/x"), num(1)}), "TypeError: write_file() argument 2 must be string, got int");
}
