// runtime/task_memory.h: oneTBB's allocator (tbbmalloc, loaded by libtbb on first use), or
// malloc in sanitizer builds.
#include "runtime/task_memory.h"

#include <cstdlib>
#include <new>

#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
#define RUFF_TASK_MEMORY_MALLOC 1
#else
#define RUFF_TASK_MEMORY_MALLOC 0
#include <oneapi/tbb/tbb_allocator.h>
#endif

namespace ruff {

void* task_memory_alloc(std::size_t size) {
#if RUFF_TASK_MEMORY_MALLOC
    void* p = std::malloc(size);
#else
    void* p = tbb::detail::r1::allocate_memory(size);
#endif
    if (!p) throw std::bad_alloc();
    return p;
}

void task_memory_free(void* p) noexcept {
#if RUFF_TASK_MEMORY_MALLOC
    std::free(p);
#else
    tbb::detail::r1::deallocate_memory(p);
#endif
}

}  // namespace ruff
