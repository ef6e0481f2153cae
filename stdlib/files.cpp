// File built-ins (STDLIB.md §2.12, synchronous as DECISIONS.md settles): read_file, write_file,
// append_file, list_dir, file_exists. Failures raise IOError with the OS reason (strerror).
// write_file is atomic: it writes a temporary file in the target's directory and renames it into
// place (keeping the target's mode, writing through symlinks), so a crash never leaves a
// half-written file; non-regular targets such as /dev/stdout or a FIFO are written directly.
#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstring>

#include "absl/container/flat_hash_map.h"
#include "runtime/spinlock.h"
#include "runtime/tasks.h"
#include "stdlib/stdlib.h"

namespace ruff {
namespace {

[[noreturn]] void io_error(Thread& th, std::string_view what, std::string_view path, std::string_view reason) {
    raise(th, ErrorType::IOError, cat("cannot ", what, " '", path, "': ", reason));
}

[[noreturn]] void os_error(Thread& th, std::string_view what, std::string_view path, int err) {
    io_error(th, what, path, std::strerror(err));
}

bool write_all(int fd, std::string_view data) {
    while (!data.empty()) {
        ssize_t n = ::write(fd, data.data(), data.size());
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) return false;
        data.remove_prefix(static_cast<size_t>(n));
    }
    return true;
}

// Reads everything from `fd` (regular files, pipes and devices alike); false on a read error.
// `size` is the file's size if known (a regular file), else 0: it is read straight into `out`,
// asking for one byte more, since a short read of a regular file means its end (one call, not two).
bool read_all(int fd, std::string& out, size_t size = 0) {
    size_t have = out.size();
    size_t want = size > 0 ? size + 1 : 65536;
    for (;;) {
        out.resize(have + want);
        ssize_t n = ::read(fd, out.data() + have, want);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) {
            out.resize(have);
            return false;
        }
        have += static_cast<size_t>(n);
        if (n == 0 || (size > 0 && static_cast<size_t>(n) < want)) {
            out.resize(have);
            return true;
        }
        want = std::max<size_t>(65536, have);  // A growing file or a stream: read on.
    }
}

std::string dir_of(std::string_view path) {
    size_t slash = path.rfind('/');
    if (slash == std::string_view::npos) return ".";
    if (slash == 0) return "/";
    return std::string(path.substr(0, slash));
}

// /dev/stdout, /dev/stderr, /dev/fd/N and /proc/self/fd/N name descriptors this process already
// holds: writing to the descriptor keeps the order of earlier output (and a redirection's offset).
int inherited_fd(std::string_view path) {
    if (path == "/dev/stdout") return 1;
    if (path == "/dev/stderr") return 2;
    for (std::string_view prefix : {"/dev/fd/", "/proc/self/fd/"}) {
        if (!path.starts_with(prefix) || path.size() == prefix.size()) continue;
        std::string_view digits = path.substr(prefix.size());
        if (!std::all_of(digits.begin(), digits.end(), [](char c) { return c >= '0' && c <= '9'; }) || digits.size() > 6)
            return -1;
        return std::stoi(std::string(digits));
    }
    return -1;
}

// Where a write really goes: the path after following symlinks (it may not exist yet), and its
// status from the last lstat (a non-link, so the same as stat), or an inherited descriptor.
struct Target {
    std::string path;
    int fd = -1;
    bool exists = false;
    struct stat st = {};
};

Target resolve_target(std::string path) {
    Target target;
    for (int depth = 0; depth < 40; ++depth) {
        if ((target.fd = inherited_fd(path)) >= 0) break;
        target.exists = lstat(path.c_str(), &target.st) == 0;
        if (!target.exists || !S_ISLNK(target.st.st_mode)) break;
        char buffer[4096];
        ssize_t n = readlink(path.c_str(), buffer, sizeof buffer - 1);
        if (n < 0) break;
        std::string link(buffer, static_cast<size_t>(n));
        path = link.starts_with('/') ? link : cat(dir_of(path), "/", link);
    }
    target.path = std::move(path);
    return target;
}

// True if `path` (or, if it does not exist, its directory) is on a network or FUSE file system.
bool statfs_network(std::string const& path) {
    struct statfs fs;
    if (::statfs(path.c_str(), &fs) != 0) return false;
    switch (static_cast<uint32_t>(fs.f_type)) {
    case 0x6969:      // NFS
    case 0x517B:      // SMB
    case 0xFF534D42:  // CIFS
    case 0xFE534D42:  // SMB2
    case 0x65735546:  // FUSE
    case 0x00C36400:  // Ceph
    case 0x01021997:  // 9P
        return true;
    default: return false;
    }
}

// The answers, cached: one statfs per device, and per directory of files not yet created (the
// checks would otherwise add two system calls to every file operation).
struct NetworkCache {
    SpinLock lock;
    absl::flat_hash_map<dev_t, bool> devices;
    absl::flat_hash_map<std::string, bool> directories;
};
NetworkCache& network_cache() {
    static NetworkCache* const cache = new NetworkCache();
    return *cache;
}

template <class Map, class Key>
bool cached_network(Map NetworkCache::*map, Key const& key, std::string const& path) {
    // Most calls ask about the same device or directory as this thread's last one: answered
    // without the lock (a cache line every worker would otherwise write).
    thread_local struct {
        bool valid = false;
        Key key{};
        bool network = false;
    } last;
    if (last.valid && last.key == key) return last.network;
    NetworkCache& cache = network_cache();
    bool network;
    bool found = false;
    {
        std::lock_guard<SpinLock> guard(cache.lock);
        if (auto it = (cache.*map).find(key); it != (cache.*map).end()) found = true, network = it->second;
    }
    if (!found) {
        network = statfs_network(path);
        std::lock_guard<SpinLock> guard(cache.lock);
        (cache.*map)[key] = network;
    }
    last.valid = true;
    last.key = key;
    last.network = network;
    return network;
}

// True if a system call on a file with status `st` (`path`) may take long: it is a FIFO, device
// or socket (a FIFO blocks until its other end opens), or it lives on a network or FUSE file
// system. Such calls go to the I/O pool; regular files and directories on local file systems are
// served inline, since a hand-off to the pool costs more than the call itself (the ssg
// benchmark: 0.3 s inline, 2 s through the pool).
bool may_block(struct stat const& st, std::string const& path) {
    if (!S_ISREG(st.st_mode) && !S_ISDIR(st.st_mode)) return true;
    return cached_network(&NetworkCache::devices, st.st_dev, path);
}

// The same for a file about to be created in directory `dir`.
bool directory_may_block(std::string const& dir) { return cached_network(&NetworkCache::directories, dir, dir); }

// The same for a path that may not exist yet (it is about to be created in its directory).
bool may_block(std::string const& path, struct stat* st_out = nullptr, bool* exists_out = nullptr) {
    struct stat st;
    bool exists = ::stat(path.c_str(), &st) == 0;
    if (st_out) *st_out = st;
    if (exists_out) *exists_out = exists;
    if (exists) return may_block(st, path);
    return directory_may_block(dir_of(path));
}

// Runs the system calls of a file built-in: inline, or on the I/O pool when called from a task
// and `path` may block (runtime/tasks.h run_blocking).
template <class Fn>
void file_io(Thread& th, std::string const& path, Fn&& fn) {
    if (th.task && may_block(path)) run_blocking(th, fn);
    else fn();
}

// Gives a temporary file next to `target` a fresh name: `make(name)` creates it, returning < 0
// with errno EEXIST when the name is taken. Returns make's last result.
template <class Make>
int with_temp_name(std::string const& target, std::string& temp, Make&& make) {
    static std::atomic<uint64_t> counter{0};
    static pid_t const pid = getpid();  // Names stay unique across processes; EEXIST settles the rest.
    std::string dir = dir_of(target);
    size_t slash = target.rfind('/');
    std::string base = slash == std::string::npos ? target : target.substr(slash + 1);
    int result = -1;
    for (int attempt = 0; attempt < 100; ++attempt) {
        temp = cat(dir, "/.", base, ".", pid, ".", counter.fetch_add(1), ".tmp");
        result = make(temp);
        if (result >= 0 || errno != EEXIST) break;
    }
    return result;
}

// Opens a fresh temporary file next to `target` (mode 0666 less the umask).
int open_temp(std::string const& target, std::string& temp) {
    return with_temp_name(target, temp, [](std::string const& name) {
        return ::open(name.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
    });
}

// Writes `content` to an existing non-regular file (or in place when no temporary can be made).
// Returns "" on success, else the OS reason.
std::string write_direct(std::string const& target, std::string_view content, bool truncate) {
    int fd = ::open(target.c_str(), O_WRONLY | O_CLOEXEC | (truncate ? O_TRUNC : 0));
    if (fd < 0) return std::strerror(errno);
    bool ok = write_all(fd, content);
    int err = errno;
    if (::close(fd) != 0 && ok) ok = false, err = errno;
    return ok ? std::string() : std::string(std::strerror(err));
}

// The careful protocol: `target` was looked at first. A regular file (or a new one) is replaced by
// a temporary renamed into place, with the old file's mode; anything else is written directly.
std::string write_atomic(Target const& target, std::string_view content) {
    struct stat const& st = target.st;
    bool exists = target.exists;
    if (exists && !S_ISREG(st.st_mode)) return write_direct(target.path, content, !S_ISFIFO(st.st_mode));
    std::string temp;
    int fd = open_temp(target.path, temp);
    if (fd < 0 && exists && (errno == EACCES || errno == EPERM))
        return write_direct(target.path, content, true);  // A writable file in a read-only directory.
    if (fd < 0) return std::strerror(errno);
    bool ok = write_all(fd, content) && (!exists || fchmod(fd, st.st_mode & 07777) == 0);
    int err = errno;
    if (::close(fd) != 0 && ok) ok = false, err = errno;
    if (ok && ::rename(temp.c_str(), target.path.c_str()) != 0) ok = false, err = errno;
    if (!ok) {
        ::unlink(temp.c_str());
        return std::strerror(err);
    }
    return {};
}

// Paths under these roots name devices and kernel files: a temporary file is never tried there
// (/dev/shm excepted: it holds ordinary files).
bool special_path(std::string_view path) {
    if (path.starts_with("/dev/")) return !path.starts_with("/dev/shm/");
    return path.starts_with("/proc/") || path.starts_with("/sys/");
}

// The optimistic protocols, for the common case of a plain path: the content is written before
// `path` is looked at, and goes into place only if nothing is there, which spares the lookup of a
// new target (a lookup that contends for the directory's lock with every other task's create).
// If a regular file is there, it is replaced keeping its mode. Each returns Careful, leaving
// nothing behind, when the careful protocol must decide (a symlink or special file at `path`, no
// temporary possible), Unsupported when the file system or kernel lacks what it needs, else Done
// with `reason` set on failure.
enum class Outcome { Done, Careful, Unsupported };

// Replaces the regular file at `path` by the written temporary `temp` (`fd` open on it), with
// the old file's mode.
Outcome replace_regular(int fd, std::string const& temp, std::string const& path, std::string& reason) {
    struct stat st;
    if (lstat(path.c_str(), &st) != 0 || !S_ISREG(st.st_mode)) return Outcome::Careful;
    if (fchmod(fd, st.st_mode & 07777) != 0 || ::rename(temp.c_str(), path.c_str()) != 0) {
        reason = std::strerror(errno);
        ::unlink(temp.c_str());
    }
    return Outcome::Done;
}

// Closes `fd`; a failure becomes `reason` unless one is set.
void close_noting(int fd, std::string& reason) {
    if (::close(fd) != 0 && reason.empty()) reason = std::strerror(errno);
}

// Linking a nameless file by its descriptor (linkat AT_EMPTY_PATH) is refused on kernels before
// 6.10 without CAP_DAC_READ_SEARCH; once refused, the named temporary protocol serves.
std::atomic<bool> g_nameless_refused{false};

// A nameless file (O_TMPFILE) linked into place once written: a new file costs one directory
// operation, like a plain create (ssg benchmark: 0.20 s -> see closing note), and a crash leaves
// nothing behind.
// `dir` is path's directory.
Outcome write_nameless(std::string const& path, std::string const& dir, std::string_view content, std::string& reason) {
    if (g_nameless_refused.load(std::memory_order_relaxed)) return Outcome::Unsupported;
    int fd = ::open(dir.c_str(), O_TMPFILE | O_WRONLY | O_CLOEXEC, 0666);
    if (fd < 0) return Outcome::Unsupported;  // The named protocol reports a missing directory.
    Outcome outcome = Outcome::Done;
    if (!write_all(fd, content)) {
        reason = std::strerror(errno);
    } else if (::linkat(fd, "", AT_FDCWD, path.c_str(), AT_EMPTY_PATH) != 0) {
        int err = errno;
        std::string temp;
        if (err == EEXIST) {
            auto link = [fd](std::string const& name) { return ::linkat(fd, "", AT_FDCWD, name.c_str(), AT_EMPTY_PATH); };
            outcome = Outcome::Careful;
            if (with_temp_name(path, temp, link) == 0) {
                outcome = replace_regular(fd, temp, path, reason);
                if (outcome == Outcome::Careful) ::unlink(temp.c_str());
            }
        } else if (err == ENOENT || err == EPERM) {
            g_nameless_refused.store(true, std::memory_order_relaxed);
            outcome = Outcome::Unsupported;
        } else {
            reason = std::strerror(err);
        }
    }
    close_noting(fd, reason);
    return outcome;
}

// A named temporary renamed into place with RENAME_NOREPLACE.
Outcome write_named(std::string const& path, std::string_view content, std::string& reason) {
    std::string temp;
    int fd = open_temp(path, temp);
    if (fd < 0) return Outcome::Careful;
    Outcome outcome = Outcome::Done;
    if (!write_all(fd, content)) {
        reason = std::strerror(errno);
        ::unlink(temp.c_str());
    } else if (::renameat2(AT_FDCWD, temp.c_str(), AT_FDCWD, path.c_str(), RENAME_NOREPLACE) != 0) {
        int err = errno;
        if (err == EEXIST) {
            outcome = replace_regular(fd, temp, path, reason);
        } else if (err == EINVAL || err == ENOSYS) {
            outcome = Outcome::Unsupported;
        } else {
            reason = std::strerror(err);
        }
        if (outcome != Outcome::Done) ::unlink(temp.c_str());
    }
    close_noting(fd, reason);
    return outcome;
}

// ---------------------------------------------------------------------------------------------

Value file_read(Thread& th, std::span<Value> args) {
    std::string path(arg_string(th, args, 0, "read_file"));
    std::string text;
    std::string reason = read_text_file(th, path, text);
    if (!reason.empty()) io_error(th, "read file", path, reason);
    return make_string(std::move(text));
}

Value file_write(Thread& th, std::span<Value> args) {
    std::string path(arg_string(th, args, 0, "write_file"));
    std::string_view content = arg_string(th, args, 1, "write_file");
    std::string reason = write_text_file(th, path, content);
    if (!reason.empty()) io_error(th, "write file", path, reason);
    return Value::from_bool(true);
}

Value file_append(Thread& th, std::span<Value> args) {
    std::string path(arg_string(th, args, 0, "append_file"));
    std::string_view content = arg_string(th, args, 1, "append_file");
    if (int inherited = inherited_fd(path); inherited >= 0) {
        th.rt.flush_stdout();
        if (!write_all(inherited, content)) os_error(th, "append to file", path, errno);
        return Value::from_bool(true);
    }
    int err = 0;
    file_io(th, path, [&] {
        int fd = ::open(path.c_str(), O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0666);
        if (fd < 0) {
            err = errno;
            return;
        }
        if (!write_all(fd, content)) err = errno;
        if (::close(fd) != 0 && err == 0) err = errno;
    });
    if (err) os_error(th, "append to file", path, err);
    return Value::from_bool(true);
}

// Entry names without "." and "..", sorted bytewise; names that are not UTF-8 are skipped.
Value file_list_dir(Thread& th, std::span<Value> args) {
    std::string path(arg_string(th, args, 0, "list_dir"));
    std::vector<std::string> names;
    int err = 0;
    file_io(th, path, [&] {
        DIR* dir = ::opendir(path.c_str());
        if (!dir) {
            err = errno;
            return;
        }
        errno = 0;
        while (dirent* entry = ::readdir(dir)) {
            std::string_view name = entry->d_name;
            if (name != "." && name != ".." && utf8_valid(name)) names.emplace_back(name);
        }
        err = errno;
        ::closedir(dir);
    });
    if (err) os_error(th, "list directory", path, err);
    std::sort(names.begin(), names.end());
    std::vector<Value> out;
    out.reserve(names.size());
    for (auto& name : names) out.push_back(make_string(std::move(name)));
    return make_array(std::move(out));
}

// True for any existing path (directories included; symlinks followed).
Value file_exists(Thread& th, std::span<Value> args) {
    std::string path(arg_string(th, args, 0, "file_exists"));
    // may_block() has already stat'ed the path; only a path that may block is asked again, on
    // the I/O pool.
    struct stat st;
    bool exists = false;
    if (th.task && may_block(path, &st, &exists)) run_blocking(th, [&] { exists = ::stat(path.c_str(), &st) == 0; });
    else if (!th.task) exists = ::stat(path.c_str(), &st) == 0;
    return Value::from_bool(exists);
}

constexpr BuiltinEntry k_files_builtins[] = {
    // name          fn             min max  doc
    {"read_file",    file_read,     1,  1,   "read_file(path): the file's text (UTF-8)"},
    {"write_file",   file_write,    2,  2,   "write_file(path, text): replaces the file atomically; true"},
    {"append_file",  file_append,   2,  2,   "append_file(path, text): appends, creating the file; true"},
    {"list_dir",     file_list_dir, 1,  1,   "list_dir(path): entry names, sorted"},
    {"file_exists",  file_exists,   1,  1,   "file_exists(path): the path exists"},
};

}  // namespace

std::string read_binary_data(Thread& th, std::string const& path, std::string& out) {
    // Opened without blocking (a FIFO would wait for a writer): a regular file on a local file
    // system is read at once; anything else is opened again and read where waiting is harmless
    // (the I/O pool for a task, inline for the main program).
    int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK);
    if (fd < 0) return std::strerror(errno);
    struct stat st;
    int err = 0;
    if (::fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && !(th.task && may_block(st, path))) {
        if (!read_all(fd, out, static_cast<size_t>(st.st_size))) err = errno;
        ::close(fd);
        return err ? std::string(std::strerror(err)) : std::string();
    }
    ::close(fd);
    auto slow_read = [&] {
        int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
        if (fd < 0) {
            err = errno;
            return;
        }
        if (!read_all(fd, out)) err = errno;
        ::close(fd);
    };
    if (th.task) run_blocking(th, slow_read);
    else slow_read();
    return err ? std::string(std::strerror(err)) : std::string();
}

std::string read_text_file(Thread& th, std::string const& path, std::string& out) {
    std::string reason = read_binary_data(th, path, out);
    if (!reason.empty()) return reason;
    if (!utf8_valid(out)) return "stream did not contain valid UTF-8";
    return {};
}

std::string write_text_file(Thread& th, std::string const& path, std::string_view content) {
    std::string reason;
    std::string dir = dir_of(path);
    bool slow = th.task && directory_may_block(dir);
    if (!slow && !special_path(path) && inherited_fd(path) < 0) {
        Outcome outcome = write_nameless(path, dir, content, reason);
        if (outcome == Outcome::Unsupported) outcome = write_named(path, content, reason);
        if (outcome == Outcome::Done) return reason;
        reason.clear();
    }
    Target target;
    auto resolve = [&] { target = resolve_target(path); };
    if (slow) run_blocking(th, resolve);
    else resolve();
    if (target.fd >= 0) {  // An inherited descriptor (/dev/stdout): keep the order of earlier output.
        th.rt.flush_stdout();
        file_io(th, target.path, [&] { reason = write_all(target.fd, content) ? std::string() : std::string(std::strerror(errno)); });
        return reason;
    }
    // A symlink may lead anywhere and a FIFO blocks until read: from a task, the write runs on
    // the I/O pool unless the target is a local regular file (or a new one in a local directory).
    bool blocks = th.task && (target.exists ? may_block(target.st, target.path) : directory_may_block(dir_of(target.path)));
    auto write = [&] { reason = write_atomic(target, content); };
    if (blocks) run_blocking(th, write);
    else write();
    return reason;
}

void register_files(Runtime& rt) { register_table(rt, k_files_builtins); }

}  // namespace ruff
