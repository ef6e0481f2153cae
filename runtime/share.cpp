// The object-graph walk behind share() (runtime/share.h).
#include "runtime/share.h"

#include <vector>

#include "absl/container/inlined_vector.h"

#include "runtime/tasks.h"

namespace ruff {

namespace {

// Flips a positive count to the equivalent negative one; false if the object was already shared
// or immortal (its children are then already shared too).
bool flip(Obj* o) {
    int32_t c = o->rc.load(std::memory_order_relaxed);
    if (c <= 0) return false;
    o->rc.store(-c, std::memory_order_release);
    return true;
}

void push_children(Obj* o, absl::InlinedVector<Value const*, 32>& work) {
    auto add = [&](Value const& v) {
        if (v.is_heap()) work.push_back(&v);
    };
    switch (o->kind) {
    case ObjKind::Array:
        for (auto const& v : static_cast<Array*>(o)->items) add(v);
        return;
    case ObjKind::Dict:
        static_cast<Dict*>(o)->for_each([&](Value const& k, Value const& v) {
            add(k);
            add(v);
        });
        return;
    case ObjKind::Struct:
        add(static_cast<Struct*>(o)->def);
        for (auto const& v : static_cast<Struct*>(o)->fields) add(v);
        return;
    case ObjKind::Tagged:
        for (auto const& v : static_cast<Tagged*>(o)->fields) add(v);
        return;
    case ObjKind::Function:
        for (auto const& v : static_cast<Function*>(o)->captures) add(v);
        add(static_cast<Function*>(o)->owner);
        return;
    case ObjKind::StructDef:
        for (auto const& [name, fn] : static_cast<StructDef*>(o)->methods) add(fn);
        return;
    case ObjKind::Error:
        add(static_cast<ErrorObj*>(o)->thrown);
        return;
    case ObjKind::Iterator:
        add(static_cast<Iterator*>(o)->source);
        add(static_cast<Iterator*>(o)->fn);
        return;
    case ObjKind::Module:
        for (auto const& v : static_cast<Module*>(o)->globals) add(v);
        return;
    case ObjKind::Promise:
        add(static_cast<Promise*>(o)->result);
        return;
    case ObjKind::Cell:
        add(static_cast<Cell*>(o)->value);
        return;
    case ObjKind::Set:
        for (auto const& v : static_cast<Set*>(o)->items) add(v);
        return;
    case ObjKind::Queue:
        for (auto const& v : static_cast<Queue*>(o)->items) add(v);
        return;
    case ObjKind::Stack:
        for (auto const& v : static_cast<Stack*>(o)->items) add(v);
        return;
    case ObjKind::TaskHandle:
        add(static_cast<TaskHandle*>(o)->promise);
        return;
    case ObjKind::Channel: {
        auto* ch = static_cast<Channel*>(o);
        std::lock_guard<std::mutex> lock(ch->mutex);
        for (auto const& v : ch->items) add(v);
        return;
    }
    case ObjKind::String:
    case ObjKind::Builtin:
    case ObjKind::EnumDef:
    case ObjKind::Generator:
    case ObjKind::Bytes: return;
    default: return;
    }
}

}  // namespace

void share(Value const& v) {
    // Already shared (or immortal): no walk (share() runs at every task start and every write
    // of a shared slot). The work list stays on the stack for small graphs.
    if (!v.is_heap() || !flip(v.obj())) return;
    absl::InlinedVector<Value const*, 32> work;
    push_children(v.obj(), work);
    while (!work.empty()) {
        Value const* next = work.back();
        work.pop_back();
        Obj* o = next->obj();
        if (flip(o)) push_children(o, work);
    }
}

}  // namespace ruff
