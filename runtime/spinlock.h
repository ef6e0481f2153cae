// A one-word spin lock for shared slots (globals, captured cells): held only for a copy in or
// out, or for one in-place update, never across Ruff code or a suspension.
#pragma once

#include <atomic>
#include <mutex>

namespace ruff {

class SpinLock {
public:
    void lock() {
        while (m_flag.exchange(true, std::memory_order_acquire))
            while (m_flag.load(std::memory_order_relaxed)) __builtin_ia32_pause();
    }
    void unlock() { m_flag.store(false, std::memory_order_release); }

private:
    std::atomic<bool> m_flag{false};
};

// Locks `lock` only when `enabled` (once tasks run); a no-op before the first task.
class MaybeLock {
public:
    MaybeLock(SpinLock& lock, bool enabled) : m_lock(enabled ? &lock : nullptr) {
        if (m_lock) m_lock->lock();
    }
    ~MaybeLock() {
        if (m_lock) m_lock->unlock();
    }
    MaybeLock(MaybeLock const&) = delete;
    MaybeLock& operator=(MaybeLock const&) = delete;

private:
    SpinLock* m_lock;
};

}  // namespace ruff
