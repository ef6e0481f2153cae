// Ruff values: a 16-byte tagged pair {tag, bits} and the reference-counted heap objects behind it.
//
// Layout (JIT_DESIGN.md §3.1). A value is two machine words: `tag` says what it is, `bits` holds
// an i64, the bit pattern of an f64, a bool, or an Obj*. NaN-boxing would halve the size but
// Ruff ints are full i64 with checked overflow, so a pair keeps the int and float fast paths
// trivial for both tiers and passes in two registers under the SysV ABI.
//
// Two C++ types share that layout:
//   - `RawValue` is trivially copyable: the ABI type that JIT code and `rt_*` helpers exchange.
//   - `Value` owns its reference: copying increments the object's count, destruction decrements
//     it. The interpreter, the runtime and the standard library use `Value`, so a forgotten
//     decref cannot leak and a forgotten incref cannot free early.
//
// Reference counts follow the Lean-4 sign scheme (JIT_DESIGN.md §3.2, DECISIONS.md "Files and
// build"): rc > 0 means reachable from one task only (plain load/store), rc < 0 means shared
// across tasks (atomic RMW on the negated count), rc == 0 means immortal (never counted or
// freed). `share()` flips a graph to the shared mode before another task can see it.
#pragma once

#include <atomic>
#include <cstdint>
#include <cstring>
#include <type_traits>
#include <utility>

namespace ruff {

enum Tag : uint64_t {
    TAG_NULL = 0,
    TAG_BOOL = 1,
    TAG_INT = 2,
    TAG_FLOAT = 3,
    TAG_UNBOUND = 4,  // An empty slot (declared, not yet assigned). Never visible to programs.
    // Every tag from TAG_STR up (except TAG_EXC) points at a refcounted Obj.
    TAG_STR = 8,
    TAG_ARRAY,
    TAG_DICT,
    TAG_STRUCT,
    TAG_TAGGED,     // Enum variants, Ok/Err/Some/None.
    TAG_FUNCTION,   // User closures: named, lambda, method, async, generator definitions.
    TAG_BUILTIN,
    TAG_STRUCTDEF,
    TAG_ENUMDEF,
    TAG_ERROR,      // A caught error value.
    TAG_GENERATOR,
    TAG_ITERATOR,
    TAG_MODULE,
    TAG_PROMISE,
    TAG_CELL,       // A captured variable; only ever stored in frame slots, never seen by programs.
    TAG_BYTES,
    TAG_CHANNEL,
    TAG_TASKHANDLE,
    TAG_SET,
    TAG_QUEUE,
    TAG_STACK,
    TAG_EXC = 0xFF  // Only in helper returns: an exception is pending.
};

enum class ObjKind : uint8_t {
    String, Array, Dict, Struct, Tagged, Function, Builtin, StructDef, EnumDef, Error,
    Generator, Iterator, Module, Promise, Cell, Bytes, Channel, TaskHandle, Set, Queue, Stack
};

struct Obj {
    std::atomic<int32_t> rc{1};
    ObjKind kind;
    uint8_t flags = 0;
    uint16_t aux = 0;
    explicit Obj(ObjKind k) : kind(k) {}
    Obj(Obj const&) = delete;
    Obj& operator=(Obj const&) = delete;
};

void destroy_object(Obj* o);  // Defined in objects.cpp: runs the kind's destructor.

inline void incref(Obj* o) {
    int32_t c = o->rc.load(std::memory_order_relaxed);
    if (c > 0)
        o->rc.store(c + 1, std::memory_order_relaxed);
    else if (c < 0)
        o->rc.fetch_sub(1, std::memory_order_relaxed);
}

inline void decref(Obj* o) {
    int32_t c = o->rc.load(std::memory_order_relaxed);
    if (c > 1)
        o->rc.store(c - 1, std::memory_order_relaxed);
    else if (c == 1)
        destroy_object(o);
    else if (c < 0 && o->rc.fetch_add(1, std::memory_order_acq_rel) == -1)
        destroy_object(o);
}

// True when the caller holds the only reference, so the object may be mutated in place.
inline bool is_unique(Obj const* o) {
    int32_t c = o->rc.load(std::memory_order_acquire);
    return c == 1 || c == -1;
}

inline void make_immortal(Obj* o) { o->rc.store(0, std::memory_order_relaxed); }

struct RawValue {
    uint64_t tag;
    uint64_t bits;
};
static_assert(sizeof(RawValue) == 16 && std::is_trivially_copyable_v<RawValue>);

inline bool is_heap_tag(uint64_t tag) { return tag >= TAG_STR && tag != TAG_EXC; }

class Value {
public:
    Value() : m_tag(TAG_NULL), m_bits(0) {}
    Value(Value const& other) : m_tag(other.m_tag), m_bits(other.m_bits) {
        if (is_heap_tag(m_tag)) incref(obj());
    }
    Value(Value&& other) noexcept : m_tag(other.m_tag), m_bits(other.m_bits) {
        other.m_tag = TAG_NULL;
        other.m_bits = 0;
    }
    Value& operator=(Value const& other) {
        if (is_heap_tag(other.m_tag)) incref(other.obj());
        release();
        m_tag = other.m_tag;
        m_bits = other.m_bits;
        return *this;
    }
    // Forced inline: the interpreter's hot paths store into slots with it, and in a large
    // translation unit GCC would otherwise leave it as a call.
    [[gnu::always_inline]] Value& operator=(Value&& other) noexcept {
        if (this != &other) {
            release();
            m_tag = other.m_tag;
            m_bits = other.m_bits;
            other.m_tag = TAG_NULL;
            other.m_bits = 0;
        }
        return *this;
    }
    ~Value() { release(); }

    static Value null() { return Value(); }
    static Value unbound() { return Value(TAG_UNBOUND, 0); }
    static Value from_bool(bool b) { return Value(TAG_BOOL, b ? 1 : 0); }
    static Value from_int(int64_t i) { return Value(TAG_INT, static_cast<uint64_t>(i)); }
    static Value from_float(double d) {
        uint64_t bits;
        std::memcpy(&bits, &d, sizeof bits);
        return Value(TAG_FLOAT, bits);
    }
    // Takes over one reference the caller owns (a freshly created object has rc == 1).
    static Value adopt(Tag tag, Obj* o) { return Value(tag, reinterpret_cast<uint64_t>(o)); }
    // Takes a new reference to an object the caller does not own.
    static Value borrow(Tag tag, Obj* o) {
        incref(o);
        return Value(tag, reinterpret_cast<uint64_t>(o));
    }

    Tag tag() const { return static_cast<Tag>(m_tag); }
    bool is_null() const { return m_tag == TAG_NULL; }
    bool is_bool() const { return m_tag == TAG_BOOL; }
    bool is_int() const { return m_tag == TAG_INT; }
    bool is_float() const { return m_tag == TAG_FLOAT; }
    bool is_number() const { return m_tag == TAG_INT || m_tag == TAG_FLOAT; }
    bool is_unbound() const { return m_tag == TAG_UNBOUND; }
    bool is_heap() const { return is_heap_tag(m_tag); }
    bool is(Tag t) const { return m_tag == t; }

    bool as_bool() const { return m_bits != 0; }
    int64_t as_int() const { return static_cast<int64_t>(m_bits); }
    double as_float() const {
        double d;
        std::memcpy(&d, &m_bits, sizeof d);
        return d;
    }
    double as_number() const { return is_int() ? static_cast<double>(as_int()) : as_float(); }
    Obj* obj() const { return reinterpret_cast<Obj*>(m_bits); }
    template <class T>
    T* as() const { return static_cast<T*>(obj()); }

    uint64_t bits() const { return m_bits; }
    RawValue raw() const { return RawValue{m_tag, m_bits}; }
    // Gives up ownership: the caller now holds the reference.
    RawValue release_raw() {
        RawValue r{m_tag, m_bits};
        m_tag = TAG_NULL;
        m_bits = 0;
        return r;
    }
    static Value from_raw_owned(RawValue r) { return Value(r.tag, r.bits); }

    // Moves the value out, leaving an empty slot behind (move on last use).
    Value take() { return Value(std::move(*this)); }

private:
    Value(uint64_t tag, uint64_t bits) : m_tag(tag), m_bits(bits) {}
    void release() {
        if (is_heap_tag(m_tag)) decref(obj());
    }
    uint64_t m_tag;
    uint64_t m_bits;
};
static_assert(sizeof(Value) == sizeof(RawValue), "Value and RawValue share one layout");

}  // namespace ruff
