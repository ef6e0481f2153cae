// Memory for objects that one thread allocates and another frees: promises and task records
// (the main program makes them, workers release them). glibc serves such frees under the owning
// arena's lock and grows a thread's heap a page at a time; oneTBB's scalable allocator takes no
// lock for them (spawn benchmark, 100,000 tasks: 0.31 s -> see runtime/tasks.cpp notes).
// Sanitizer builds use malloc, so that ASan still sees every use after free.
#pragma once

#include <cstddef>

namespace ruff {

void* task_memory_alloc(std::size_t size);
void task_memory_free(void* p) noexcept;

// For std::allocate_shared.
template <class T>
struct TaskAllocator {
    using value_type = T;
    TaskAllocator() = default;
    template <class U>
    TaskAllocator(TaskAllocator<U> const&) {}
    T* allocate(std::size_t n) { return static_cast<T*>(task_memory_alloc(n * sizeof(T))); }
    void deallocate(T* p, std::size_t) noexcept { task_memory_free(p); }
    template <class U>
    bool operator==(TaskAllocator<U> const&) const { return true; }
};

// Class-specific operator new/delete for such objects.
struct TaskMemory {
    static void* operator new(std::size_t size) { return task_memory_alloc(size); }
    static void operator delete(void* p) noexcept { task_memory_free(p); }
};

}  // namespace ruff
