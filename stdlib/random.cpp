// Random numbers (STDLIB.md §2.11 as settled by DECISIONS.md). Unseeded calls use a per-thread
// generator seeded from the OS; set_random_seed switches every function to one global seeded
// generator (reproducible within this implementation, not the reference's ChaCha12 sequence).
#include <atomic>
#include <cmath>
#include <mutex>
#include <random>

#include "runtime/ops.h"
#include "stdlib/stdlib.h"

namespace ruff {
namespace stdlib_random {

// xoshiro256** seeded through splitmix64.
struct Xoshiro {
    uint64_t s[4];
    explicit Xoshiro(uint64_t seed) { reseed(seed); }
    void reseed(uint64_t seed) {
        for (auto& word : s) {
            seed += 0x9e3779b97f4a7c15ULL;
            uint64_t z = seed;
            z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
            z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
            word = z ^ (z >> 31);
        }
    }
    static uint64_t rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }
    uint64_t next() {
        uint64_t result = rotl(s[1] * 5, 7) * 9;
        uint64_t t = s[1] << 17;
        s[2] ^= s[0];
        s[3] ^= s[1];
        s[1] ^= s[2];
        s[0] ^= s[3];
        s[2] ^= t;
        s[3] = rotl(s[3], 45);
        return result;
    }
};

std::atomic<bool> g_seeded{false};
std::mutex g_seeded_mutex;
Xoshiro g_seeded_rng(0);

uint64_t os_seed() {
    std::random_device rd;
    return (static_cast<uint64_t>(rd()) << 32) ^ rd();
}

// One 64-bit draw from the seeded generator when a seed is set, else from this thread's own.
uint64_t next_u64() {
    if (g_seeded.load(std::memory_order_acquire)) {
        std::lock_guard lock(g_seeded_mutex);
        return g_seeded_rng.next();
    }
    thread_local Xoshiro rng(os_seed());
    return rng.next();
}

// Uniform in [0, bound] (bound may be UINT64_MAX), without modulo bias.
uint64_t uniform_upto(uint64_t bound) {
    if (bound == UINT64_MAX) return next_u64();
    uint64_t range = bound + 1;
    uint64_t limit = UINT64_MAX - UINT64_MAX % range;
    for (;;) {
        uint64_t x = next_u64();
        if (x < limit) return x % range;
    }
}

int64_t number_arg(Thread& th, std::span<Value> args, size_t index, std::string_view fn) {
    Value const& v = args[index];
    if (v.is_int()) return v.as_int();
    if (v.is_float()) return trunc_to_int(v.as_float());
    bad_argument(th, fn, index, "number", v);
}

Value random_float(Thread&, std::span<Value>) {
    return Value::from_float(static_cast<double>(next_u64() >> 11) * 0x1.0p-53);
}

Value random_int(Thread& th, std::span<Value> args) {
    int64_t lo = number_arg(th, args, 0, "random_int");
    int64_t hi = number_arg(th, args, 1, "random_int");
    if (lo > hi) raise(th, ErrorType::ValueError, cat("random_int(): min ", lo, " is greater than max ", hi));
    uint64_t span = static_cast<uint64_t>(hi) - static_cast<uint64_t>(lo);
    return Value::from_int(static_cast<int64_t>(static_cast<uint64_t>(lo) + uniform_upto(span)));
}

Value random_choice(Thread& th, std::span<Value> args) {
    Array* items = arg_array(th, args, 0, "random_choice");
    if (items->items.empty()) return Value();
    return items->items[uniform_upto(items->items.size() - 1)];
}

Value set_random_seed(Thread& th, std::span<Value> args) {
    uint64_t seed = static_cast<uint64_t>(number_arg(th, args, 0, "set_random_seed"));
    std::lock_guard lock(g_seeded_mutex);
    g_seeded_rng.reseed(seed);
    g_seeded.store(true, std::memory_order_release);
    return Value();
}

Value clear_random_seed(Thread&, std::span<Value>) {
    g_seeded.store(false, std::memory_order_release);
    return Value();
}

constexpr BuiltinEntry k_random_builtins[] = {
    // name                fn                 min max  doc
    {"random",             random_float,      0,  0,   "random(): uniform Float in [0, 1)"},
    {"random_int",         random_int,        2,  2,   "random_int(min, max): uniform Int in [min, max]"},
    {"random_choice",      random_choice,     1,  1,   "random_choice(items): a uniformly chosen element, null for []"},
    {"set_random_seed",    set_random_seed,   1,  1,   "set_random_seed(seed): reproducible sequences from now on"},
    {"clear_random_seed",  clear_random_seed, 0,  0,   "clear_random_seed(): back to OS-seeded generation"},
};

}  // namespace stdlib_random

void register_random(Runtime& rt) { register_table(rt, stdlib_random::k_random_builtins); }

}  // namespace ruff
