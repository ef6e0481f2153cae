// Heap objects behind Value: strings, arrays, dicts, structs, tagged values, functions, errors,
// generators, iterators, modules, promises, cells and bytes. Arrays, dicts and structs are values
// (copy-on-write): mutate only after `make_unique_*` has ensured the caller owns the sole reference.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "runtime/spinlock.h"
#include "runtime/task_memory.h"
#include "runtime/value.h"

namespace ruff {

class Thread;

// ---------------------------------------------------------------------------------------------
// Strings: immutable UTF-8. `chars` caches the number of Unicode scalars; `ascii` enables the
// O(1) index path. A unique string may be appended to in place (s := s + t is then amortised O(1)).
struct String : Obj {
    std::string data;
    size_t chars = 0;
    bool ascii = true;
    mutable uint64_t hash_cache = 0;  // 0 = not computed yet.
    String() : Obj(ObjKind::String) {}
    std::string_view view() const { return data; }
    uint64_t hash() const;
    void recount();  // Recomputes `chars` and `ascii` from `data`.
    void append(std::string_view s);
};

Value make_string(std::string_view s);
Value make_string(std::string&& s);
inline Value make_string(char const* s) { return make_string(std::string_view(s)); }
inline Value make_string(std::string const& s) { return make_string(std::string_view(s)); }
inline String* as_string(Value const& v) { return v.as<String>(); }
inline std::string_view string_view_of(Value const& v) { return v.as<String>()->data; }

// ---------------------------------------------------------------------------------------------
struct Array : Obj {
    std::vector<Value> items;
    Array() : Obj(ObjKind::Array) {}
};
Value make_array(std::vector<Value> items = {});
// Ensures `v` (an array) is owned only by the caller, cloning it if shared, and returns it.
Array* make_unique_array(Value& v);

// ---------------------------------------------------------------------------------------------
// Dicts: insertion-ordered dense entries plus an open-addressing index (Python 3.7 style). Keys
// are Strings.
struct Dict : Obj {
    struct Entry {
        Value key;  // A String; TAG_UNBOUND marks a deleted entry.
        Value value;
        uint64_t hash;
    };
    Dict() : Obj(ObjKind::Dict) {}
    Dict(Dict const& other);

    size_t size() const { return m_live; }
    Value const* find(std::string_view key) const;
    Value* find_mut(std::string_view key);
    void set(Value key, Value value);  // key must be a String.
    void set(std::string_view key, Value value) { set(make_string(key), std::move(value)); }
    bool remove(std::string_view key, Value* removed = nullptr);
    void clear();

    // Iteration over live entries in insertion order.
    template <class F>
    void for_each(F&& f) const {
        for (auto const& e : m_entries)
            if (!e.key.is_unbound()) f(e.key, e.value);
    }
    std::vector<Entry> const& raw_entries() const { return m_entries; }

private:
    int64_t lookup(std::string_view key, uint64_t hash) const;
    void rebuild(size_t capacity);
    std::vector<Entry> m_entries;
    std::vector<int32_t> m_index;  // -1 empty, -2 tombstone, else entry position.
    size_t m_live = 0;
    size_t m_used_slots = 0;
};
Value make_dict();
Dict* make_unique_dict(Value& v);

// ---------------------------------------------------------------------------------------------
// Functions and built-ins. `FunctionInfo` is created by the compiler for every function body;
// the runtime only needs what display, arity checks and calls require.
enum class FunctionKind : uint8_t { Normal, Async, Generator };

struct FunctionInfo {
    std::string name;          // "fib", "Point.dist", "<lambda>".
    std::string display_name;  // As displayed inside <function ...>.
    FunctionKind kind = FunctionKind::Normal;
    uint32_t min_params = 0;   // Parameters without defaults (self excluded).
    uint32_t max_params = 0;
    bool is_method = false;
    bool is_lambda = false;
    void const* code = nullptr;  // The tier's representation (an AST node for the interpreter).
};

struct Module;
struct Function : Obj {
    FunctionInfo const* info;
    std::vector<Value> captures;  // Cells.
    Module* module = nullptr;     // Globals of the defining file (not owned: modules live on).
    Value owner;                  // StructDef for methods, else null.
    Function(FunctionInfo const* i) : Obj(ObjKind::Function), info(i) {}
};

using BuiltinFn = Value (*)(Thread&, std::span<Value> args);
struct Builtin : Obj {
    std::string name;
    BuiltinFn fn;
    int min_args;
    int max_args;  // -1: variadic.
    Builtin(std::string n, BuiltinFn f, int lo, int hi)
        : Obj(ObjKind::Builtin), name(std::move(n)), fn(f), min_args(lo), max_args(hi) {}
};

struct Cell : Obj {
    Value value;
    SpinLock lock;  // Taken once tasks run (captured cells may be shared between tasks).
    Cell() : Obj(ObjKind::Cell), value(Value::unbound()) {}
};
Value make_cell(Value v = Value::unbound());

// ---------------------------------------------------------------------------------------------
// Structs: the definition carries field names (declaration order) and methods.
struct StructDef : Obj {
    std::string name;
    std::vector<std::string> fields;
    std::vector<std::pair<std::string, Value>> methods;  // name -> Function.
    uint32_t type_id = 0;
    StructDef() : Obj(ObjKind::StructDef) {}
    int field_index(std::string_view f) const;
    Value const* method(std::string_view m) const;
};

struct Struct : Obj {
    Value def;  // StructDef.
    std::vector<Value> fields;
    Struct() : Obj(ObjKind::Struct) {}
    StructDef* definition() const { return def.as<StructDef>(); }
};
Struct* make_unique_struct(Value& v);

struct EnumDef : Obj {
    std::string name;
    std::vector<std::pair<std::string, uint32_t>> variants;  // name -> payload arity.
    EnumDef() : Obj(ObjKind::EnumDef) {}
};

enum class TagKind : uint8_t { User, Ok, Err, Some, None };
struct Tagged : Obj {
    TagKind tag_kind = TagKind::User;
    std::string name;  // "Color::Red" for user tags.
    std::vector<Value> fields;
    Tagged() : Obj(ObjKind::Tagged) {}
};
Value make_tagged(TagKind kind, std::string name, std::vector<Value> fields);
inline Value make_ok(Value v) { return make_tagged(TagKind::Ok, {}, {std::move(v)}); }
inline Value make_err(Value v) { return make_tagged(TagKind::Err, {}, {std::move(v)}); }
inline Value make_some(Value v) { return make_tagged(TagKind::Some, {}, {std::move(v)}); }
Value make_none();

// ---------------------------------------------------------------------------------------------
// Errors. Raising creates an ErrorObj (with the traceback at the raise point) and throws
// RuffException; `try/except` binds the ErrorObj itself.
struct SourceFile;
struct TraceFrame {
    std::string function;
    SourceFile const* file;
    uint32_t line, col;
};

struct ErrorObj : Obj {
    std::string type;     // "ZeroDivisionError", "Error", or a thrown struct's name.
    std::string message;  // Without the "TYPE: " prefix.
    std::vector<TraceFrame> trace;  // Outermost first; the last entry is the raise point.
    Value thrown;         // The thrown struct, whose fields the error exposes, or null.
    std::string detail;   // For a SyntaxError raised by import: the OUTPUT.md §2.2 block.
    ErrorObj() : Obj(ObjKind::Error) {}
    int64_t line() const { return trace.empty() ? 0 : trace.back().line; }
};

struct RuffException {
    Value error;  // An ErrorObj.
};

// ---------------------------------------------------------------------------------------------
// Generators are suspended function activations; the tier that runs them provides the body.
struct GeneratorBody {
    virtual ~GeneratorBody() = default;
    // Runs until the next yield. Returns false when the generator is finished.
    virtual bool resume(Thread& th, Value& out) = 0;
};

struct Generator : Obj {
    std::unique_ptr<GeneratorBody> body;
    uint32_t param_count = 0;
    bool exhausted = false;
    bool running = false;
    Generator() : Obj(ObjKind::Generator) {}
};

// Lazy iterator pipelines: arr.map(f).filter(g).take(n).
enum class IterKind : uint8_t { Array, Generator, String, Map, Filter, Take };
struct Iterator : Obj {
    IterKind iter_kind;
    Value source;     // Array, String, Generator, or the inner Iterator.
    Value fn;         // For Map / Filter.
    int64_t remaining = 0;  // For Take.
    size_t position = 0;    // For Array / String sources (byte offset for strings).
    bool done = false;
    Iterator(IterKind k) : Obj(ObjKind::Iterator), iter_kind(k) {}
};

// ---------------------------------------------------------------------------------------------
struct Module : Obj {
    std::string name;
    std::string path;
    std::vector<Value> globals;
    std::vector<std::string> global_names;
    std::vector<std::pair<std::string, uint32_t>> exports;  // name -> global slot.
    std::vector<bool> frozen;          // slot bound once by a declaration (from the resolver)
    std::vector<uint8_t> frozen_ready; // frozen and immortal since tasks started: read lock-free
    static constexpr size_t k_lock_stripes = 64;
    SpinLock locks[k_lock_stripes];  // Global slot i is guarded by locks[i % 64] once tasks run.
    Module() : Obj(ObjKind::Module) {}
    SpinLock& lock_for(uint32_t slot) { return locks[slot % k_lock_stripes]; }
    Value const* export_slot(std::string_view n) const;
};

enum class PromiseState : uint8_t { Pending, Fulfilled, Rejected };
struct Promise : Obj, TaskMemory {
    // Written once under `lock` (with a release store); read with an acquire load (promise_state).
    PromiseState state = PromiseState::Pending;
    bool observed = false;  // A rejection that no await re-raised is reported at exit (mark_observed).
    SpinLock lock;          // Leaf lock, held for a few stores: guards settling and `waiters`.
    Value result;           // The value, or the ErrorObj for a rejection.
    std::vector<std::function<void()>> waiters;  // Run once, after settling, outside the lock.
    Promise() : Obj(ObjKind::Promise) {}
};
static_assert(sizeof(Promise) <= 64, "a promise per task: keep it to one cache line");

struct Bytes : Obj {
    std::string data;
    Bytes() : Obj(ObjKind::Bytes) {}
};

// Sets (insertion-ordered, membership by ==), queues (front first) and stacks (top last): values
// with copy-on-write like Array (STDLIB.md §2.6).
struct Set : Obj {
    std::vector<Value> items;
    Set() : Obj(ObjKind::Set) {}
};
struct Queue : Obj {
    std::vector<Value> items;
    Queue() : Obj(ObjKind::Queue) {}
};
struct Stack : Obj {
    std::vector<Value> items;
    Stack() : Obj(ObjKind::Stack) {}
};
Value make_set(std::vector<Value> items = {});  // `items` must already be free of duplicates.
Value make_queue(std::vector<Value> items = {});
Value make_stack(std::vector<Value> items = {});
Set* make_unique_set(Value& v);
Queue* make_unique_queue(Value& v);
Stack* make_unique_stack(Value& v);

// The type() name of a value (OUTPUT.md §1).
std::string_view type_name(Value const& v);

}  // namespace ruff
