// Making values safe to hand to another task (JIT_DESIGN.md §3.2): `share()` flips the counts of
// every object reachable from a value from single-task (positive, plain load/store) to shared
// (negative, atomic read-modify-write). Call it before another task can see the value: async
// call arguments and closures, promise results, stores into globals and captured cells once
// tasks run. Objects already shared or immortal stop the walk, so each object is visited once.
#pragma once

#include <atomic>

#include "runtime/objects.h"
#include "runtime/spinlock.h"

namespace ruff {

void share(Value const& v);

// Shares `v` if it is being stored into a container that is itself shared, so that in-place
// updates of shared containers never hide single-task objects inside them.
inline void share_into(Obj const* container, Value const& v) {
    if (v.is_heap() && container->rc.load(std::memory_order_relaxed) < 0) share(v);
}

}  // namespace ruff
