// Math built-ins and the constants PI and E (STDLIB.md §2.2). Every function returns a Float,
// also for Int arguments (`type(abs(5))` is "float"); non-numbers raise a TypeError.
#include <cmath>

#include "stdlib/stdlib.h"

namespace ruff {
namespace {

template <double (*F)(double)>
Value unary(Thread& th, std::span<Value> args, std::string_view name) {
    return Value::from_float(F(arg_number(th, args, 0, name)));
}

double round_half_away(double x) { return std::round(x); }
double abs_value(double x) { return std::fabs(x); }
double sqrt_value(double x) { return std::sqrt(x); }
double floor_value(double x) { return std::floor(x); }
double ceil_value(double x) { return std::ceil(x); }
double sin_value(double x) { return std::sin(x); }
double cos_value(double x) { return std::cos(x); }
double tan_value(double x) { return std::tan(x); }
double log_value(double x) { return std::log(x); }
double exp_value(double x) { return std::exp(x); }

Value math_abs(Thread& th, std::span<Value> args) { return unary<abs_value>(th, args, "abs"); }
Value math_sqrt(Thread& th, std::span<Value> args) { return unary<sqrt_value>(th, args, "sqrt"); }
Value math_floor(Thread& th, std::span<Value> args) { return unary<floor_value>(th, args, "floor"); }
Value math_ceil(Thread& th, std::span<Value> args) { return unary<ceil_value>(th, args, "ceil"); }
Value math_round(Thread& th, std::span<Value> args) { return unary<round_half_away>(th, args, "round"); }
Value math_sin(Thread& th, std::span<Value> args) { return unary<sin_value>(th, args, "sin"); }
Value math_cos(Thread& th, std::span<Value> args) { return unary<cos_value>(th, args, "cos"); }
Value math_tan(Thread& th, std::span<Value> args) { return unary<tan_value>(th, args, "tan"); }
Value math_log(Thread& th, std::span<Value> args) { return unary<log_value>(th, args, "log"); }
Value math_exp(Thread& th, std::span<Value> args) { return unary<exp_value>(th, args, "exp"); }

Value math_pow(Thread& th, std::span<Value> args) {
    double base = arg_number(th, args, 0, "pow");
    double exponent = arg_number(th, args, 1, "pow");
    return Value::from_float(std::pow(base, exponent));
}

// IEEE minNum/maxNum: when one argument is NaN the other is returned.
Value math_min(Thread& th, std::span<Value> args) {
    double a = arg_number(th, args, 0, "min");
    double b = arg_number(th, args, 1, "min");
    return Value::from_float(std::fmin(a, b));
}

Value math_max(Thread& th, std::span<Value> args) {
    double a = arg_number(th, args, 0, "max");
    double b = arg_number(th, args, 1, "max");
    return Value::from_float(std::fmax(a, b));
}

constexpr BuiltinEntry k_math_builtins[] = {
    // name   fn          min max  doc
    {"abs",   math_abs,   1,  1,   "abs(x): absolute value (Float)"},
    {"sqrt",  math_sqrt,  1,  1,   "sqrt(x): square root (Float; NaN for negatives)"},
    {"pow",   math_pow,   2,  2,   "pow(b, e): b raised to e (Float)"},
    {"floor", math_floor, 1,  1,   "floor(x): largest integral value <= x (Float)"},
    {"ceil",  math_ceil,  1,  1,   "ceil(x): smallest integral value >= x (Float)"},
    {"round", math_round, 1,  1,   "round(x): nearest integral value, halves away from zero (Float)"},
    {"min",   math_min,   2,  2,   "min(a, b): the smaller number (Float)"},
    {"max",   math_max,   2,  2,   "max(a, b): the larger number (Float)"},
    {"sin",   math_sin,   1,  1,   "sin(x): sine of x radians"},
    {"cos",   math_cos,   1,  1,   "cos(x): cosine of x radians"},
    {"tan",   math_tan,   1,  1,   "tan(x): tangent of x radians"},
    {"log",   math_log,   1,  1,   "log(x): natural logarithm"},
    {"exp",   math_exp,   1,  1,   "exp(x): e raised to x"},
};

}  // namespace

void register_math(Runtime& rt) {
    register_table(rt, k_math_builtins);
    rt.register_constant("PI", Value::from_float(3.141592653589793));
    rt.register_constant("E", Value::from_float(2.718281828459045));
}

}  // namespace ruff
