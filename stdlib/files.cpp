// File built-ins (STDLIB.md §2.12, synchronous as DECISIONS.md settles): read_file, write_file,
// append_file, list_dir, file_exists. Failures raise IOError with the OS reason (strerror).
// write_file is atomic: it writes a temporary file in the target's directory (nameless where the
// kernel allows) and links or renames it into place (keeping the target's mode, writing through
// symlinks), so a crash never leaves a half-written file; non-regular targets such as
// /dev/stdout or a FIFO are written directly.
#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <optional>

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
            // A stream's text keeps no 64 KiB buffer behind it (the string lives on as a value).
            if (out.capacity() > 2 * have + 4096) out.shrink_to_fit();
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

// True if `dir` is on a network or FUSE file system.
bool statfs_network(std::string const& dir) {
    struct statfs fs;
    if (::statfs(dir.c_str(), &fs) != 0) return false;
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

// A thread's answers about its last few directories (ssg alternates between two): read without a
// lock or a shared cache line. Only a cache, reached through noinline functions only: a task
// may resume on another thread, and a thread-local address must not be kept across that.
struct DirMemo {
    struct Entry {
        std::string dir;
        bool value = false;
    };
    Entry entries[4];
    size_t used = 0, next = 0;

    std::optional<bool> find(std::string const& dir) const {
        for (size_t i = 0; i < used; ++i)
            if (entries[i].dir == dir) return entries[i].value;
        return std::nullopt;
    }
    void set(std::string const& dir, bool value) {
        for (size_t i = 0; i < used; ++i) {
            if (entries[i].dir != dir) continue;
            entries[i].value = value;
            return;
        }
        entries[next] = {dir, value};
        next = (next + 1) % std::size(entries);
        used = std::max(used, next == 0 ? std::size(entries) : next);
    }
};

// Whether each directory is on a network file system: one statfs per directory for the
// process, not two system calls more per file operation.
struct NetworkCache {
    SpinLock lock;
    absl::flat_hash_map<std::string, bool> directories;
};
NetworkCache& network_cache() {
    static NetworkCache* const cache = new NetworkCache();
    return *cache;
}
thread_local DirMemo t_network_memo;

// True if system calls in directory `dir` (or on it) may take long: it is on a network or FUSE
// file system. From a task such calls go to the I/O pool; local files are served inline, since
// a hand-off to the pool costs more than the call itself (ssg benchmark: 0.3 s inline, 2 s
// through the pool). The one statfs per directory runs inline: on the pool, every task started
// meanwhile would park there too, each holding a stack.
[[gnu::noinline]] bool directory_may_block(Thread& th, std::string const& dir) {
    if (!th.task) return false;  // The main program waits inline anyway.
    // RUFF_IO_POOL_ALL=1 treats every file system as a network one: tests reach the pool paths.
    static bool const all = std::getenv("RUFF_IO_POOL_ALL") && std::string_view(std::getenv("RUFF_IO_POOL_ALL")) == "1";
    if (all) return true;
    std::optional<bool> known = t_network_memo.find(dir);  // Nothing here parks.
    if (known) return *known;
    NetworkCache& cache = network_cache();
    {
        std::lock_guard<SpinLock> guard(cache.lock);
        if (auto it = cache.directories.find(dir); it != cache.directories.end()) known = it->second;
    }
    if (!known) {
        known = statfs_network(dir);
        std::lock_guard<SpinLock> guard(cache.lock);
        cache.directories[dir] = *known;
    }
    t_network_memo.set(dir, *known);
    return *known;
}

// Runs `fn`, system calls in or on directory `dir`: on the I/O pool when it may block, else inline.
void directory_io(Thread& th, std::string const& dir, absl::FunctionRef<void()> fn) {
    if (directory_may_block(th, dir)) run_blocking(th, fn);
    else fn();
}

// True if opening or reading `path`, whose status is `st`, may wait for another process: a
// FIFO (open blocks until the other end opens), a device or a socket.
bool special_file(struct stat const& st) { return !S_ISREG(st.st_mode) && !S_ISDIR(st.st_mode); }

// Writes to a descriptor this process inherited (/dev/stdout) after flushing earlier output, so
// that the order holds. "" or the OS reason.
std::string write_inherited_now(Runtime& rt, int fd, std::string_view content) {
    rt.flush_stdout();
    return write_all(fd, content) ? std::string() : std::string(std::strerror(errno));
}

// The same from anywhere: a task writes on the I/O pool when the descriptor is a pipe, terminal
// or other special file (a pipe blocks while full).
std::string write_inherited(Thread& th, int fd, std::string_view content) {
    std::string reason;
    auto write = [&] { reason = write_inherited_now(th.rt, fd, content); };
    struct stat st;
    if (th.task && (::fstat(fd, &st) != 0 || special_file(st))) run_blocking(th, write);
    else write();
    return reason;
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
// operation, like a plain create, where a named temporary costs two (its create and the rename;
// ssg: 0.26 s with the named protocol, 0.18 s with this one), and a crash leaves nothing behind.
// `dir` is path's directory; `existed` is set when a file was found at `path`.
Outcome write_nameless(std::string const& path, std::string const& dir, std::string_view content, std::string& reason,
                       bool& existed) {
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
            existed = true;
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
Outcome write_named(std::string const& path, std::string_view content, std::string& reason, bool& existed) {
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
            existed = true;
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
        std::string reason = write_inherited(th, inherited, content);
        if (!reason.empty()) io_error(th, "append to file", path, reason);
        return Value::from_bool(true);
    }
    int err = 0;
    open_io(th, path, [&] {
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
    auto list = [&] {
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
    };
    directory_io(th, path, list);
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
    struct stat st;
    return Value::from_bool(metadata_call(th, path, [&] { return ::stat(path.c_str(), &st); }) == 0);
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

void metadata_io(Thread& th, std::string const& path, absl::FunctionRef<void()> fn) { directory_io(th, dir_of(path), fn); }

int metadata_call(Thread& th, std::string const& path, absl::FunctionRef<int()> call) {
    int err = 0;
    metadata_io(th, path, [&] { err = call() == 0 ? 0 : errno; });
    return err;
}

void open_io(Thread& th, std::string const& path, absl::FunctionRef<void()> fn) {
    struct stat st;
    bool slow = th.task && (directory_may_block(th, dir_of(path)) || (::stat(path.c_str(), &st) == 0 && special_file(st)));
    if (slow) run_blocking(th, fn);
    else fn();
}

namespace {

// Opens `path` with `flags` added and reads all of it into `out` (a regular file by its size):
// 0, or the errno. With O_NONBLOCK, only a regular file is read; anything else (a FIFO would
// give no data yet) is left unread, giving -1.
int read_path(std::string const& path, int flags, std::string& out) {
    int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | flags);
    if (fd < 0) return errno;
    struct stat st;
    bool regular = ::fstat(fd, &st) == 0 && S_ISREG(st.st_mode);
    int err = 0;
    if (!regular && (flags & O_NONBLOCK)) err = -1;
    else if (!read_all(fd, out, regular ? static_cast<size_t>(st.st_size) : 0)) err = errno;
    ::close(fd);
    return err;
}

}  // namespace

std::string read_binary_data(Thread& th, std::string const& path, std::string& out) {
    int err = 0;
    auto blocking_read = [&] { err = read_path(path, 0, out); };
    if (directory_may_block(th, dir_of(path))) {
        run_blocking(th, blocking_read);
    } else if ((err = read_path(path, O_NONBLOCK, out)) == -1) {
        // Not a regular file: read where waiting is harmless (the I/O pool for a task, inline
        // for the main program).
        if (th.task) run_blocking(th, blocking_read);
        else blocking_read();
    }
    return err ? std::string(std::strerror(err)) : std::string();
}

std::string read_text_file(Thread& th, std::string const& path, std::string& out) {
    std::string reason = read_binary_data(th, path, out);
    if (!reason.empty()) return reason;
    if (!utf8_valid(out)) return "stream did not contain valid UTF-8";
    return {};
}

namespace {

// Directories where this thread's last write replaced a file: a rebuild rewrites every file, and
// there the careful protocol (look first, then one temporary and one rename) costs less than an
// optimistic attempt that finds the file: 6 system calls instead of 8.
thread_local DirMemo t_replace_memo;
[[gnu::noinline]] DirMemo& replace_memo() { return t_replace_memo; }

}  // namespace

std::string write_text_file(Thread& th, std::string const& path, std::string_view content) {
    std::string reason;
    std::string dir = dir_of(path);
    bool slow = directory_may_block(th, dir);
    bool plain = !slow && !special_path(path) && inherited_fd(path) < 0;
    if (plain && !replace_memo().find(dir).value_or(false)) {
        bool existed = false;
        Outcome outcome = write_nameless(path, dir, content, reason, existed);
        if (outcome == Outcome::Unsupported) outcome = write_named(path, content, reason, existed);
        if (existed) replace_memo().set(dir, true);
        if (outcome == Outcome::Done) return reason;
        reason.clear();
    }
    // The careful protocol: look at the target first, then write it.
    if (slow) {  // A network file system: all of it in one trip to the I/O pool.
        run_blocking(th, [&] {
            Target target = resolve_target(path);
            reason = target.fd >= 0 ? write_inherited_now(th.rt, target.fd, content) : write_atomic(target, content);
        });
        return reason;
    }
    Target target = resolve_target(path);
    if (target.fd >= 0) return write_inherited(th, target.fd, content);
    if (plain) replace_memo().set(dir, target.exists);
    // A symlink may lead anywhere and a FIFO blocks until read: from a task, the write runs on
    // the I/O pool unless the target is a local regular file (or a new one in a local directory).
    bool blocks = directory_may_block(th, dir_of(target.path)) || (target.exists && special_file(target.st));
    auto write = [&] { reason = write_atomic(target, content); };
    if (th.task && blocks) run_blocking(th, write);
    else write();
    return reason;
}

void register_files(Runtime& rt) { register_table(rt, k_files_builtins); }

}  // namespace ruff
