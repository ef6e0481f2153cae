// Files, binary I/O, paths and directories (STDLIB.md §2.12): read_lines, create_dir, file_size,
// delete_file, rename_file, copy_file, read_binary_file, write_binary_file, the textual path
// helpers (join_path, dirname, basename, path_extension), the path predicates, path_absolute and
// the os_* directory helpers. Failures raise IOError with the OS reason (strerror), worded like
// files.cpp; writes go through write_text_file (atomic replace). From a task, calls on a network
// or FUSE file system run on the I/O pool (metadata_io, stdlib.h).
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <climits>
#include <cstdlib>
#include <cstring>

#include "stdlib/stdlib.h"

namespace ruff {
namespace {

[[noreturn]] void io_error(Thread& th, std::string_view what, std::string_view reason) {
    raise(th, ErrorType::IOError, cat("cannot ", what, ": ", reason));
}

std::string quoted(std::string_view path) { return cat("'", path, "'"); }

Value make_bytes(std::string data) {
    auto* b = new Bytes();
    b->data = std::move(data);
    return Value::adopt(TAG_BYTES, b);
}

// ---------------------------------------------------------------------------------------------
// Files

// The file's text split into lines as `lines` does: at "\n" or "\r\n", no empty last line.
Value path_read_lines(Thread& th, std::span<Value> args) {
    std::string path(arg_string(th, args, 0, "read_lines"));
    std::string text;
    std::string reason = read_text_file(th, path, text);
    if (!reason.empty()) io_error(th, cat("read file ", quoted(path)), reason);
    std::string_view s = text;
    std::vector<Value> out;
    size_t pos = 0;
    while (pos < s.size()) {
        size_t at = s.find('\n', pos);
        if (at == std::string_view::npos) {
            out.push_back(make_string(s.substr(pos)));
            break;
        }
        size_t end = at > pos && s[at - 1] == '\r' ? at - 1 : at;
        out.push_back(make_string(s.substr(pos, end - pos)));
        pos = at + 1;
    }
    return make_array(std::move(out));
}

// mkdir -p: tries the path itself first and creates the parent only when it is missing, so the
// error names the real cause ("Not a directory" below a file). Returns 0 or the errno.
int make_dirs(std::string const& path) {
    if (::mkdir(path.c_str(), 0777) == 0) return 0;
    int err = errno;
    struct stat st;
    if (::stat(path.c_str(), &st) == 0 && S_ISDIR(st.st_mode)) return 0;  // Already there.
    if (err != ENOENT) return err;
    size_t end = path.find_last_not_of('/');
    size_t slash = end == std::string::npos ? std::string::npos : path.rfind('/', end);
    if (slash == std::string::npos || slash == 0) return err;
    if (int parent = make_dirs(path.substr(0, slash))) return parent;
    if (::mkdir(path.c_str(), 0777) == 0) return 0;
    err = errno;
    return ::stat(path.c_str(), &st) == 0 && S_ISDIR(st.st_mode) ? 0 : err;
}

// Creates the directory and every missing parent; an existing directory is fine.
Value path_create_dir(Thread& th, std::span<Value> args) {
    std::string path(arg_string(th, args, 0, "create_dir"));
    int err = ENOENT;
    if (!path.empty()) metadata_io(th, path, [&] { err = make_dirs(path); });
    if (err) io_error(th, cat("create directory ", quoted(path)), std::strerror(err));
    return Value::from_bool(true);
}

Value path_file_size(Thread& th, std::span<Value> args) {
    std::string path(arg_string(th, args, 0, "file_size"));
    struct stat st;
    if (int err = metadata_call(th, path, [&] { return ::stat(path.c_str(), &st); }))
        io_error(th, cat("get file size for ", quoted(path)), std::strerror(err));
    return Value::from_int(static_cast<int64_t>(st.st_size));
}

Value path_delete_file(Thread& th, std::span<Value> args) {
    std::string path(arg_string(th, args, 0, "delete_file"));
    if (int err = metadata_call(th, path, [&] { return ::unlink(path.c_str()); }))
        io_error(th, cat("delete file ", quoted(path)), std::strerror(err));
    return Value::from_bool(true);
}

Value path_rename_file(Thread& th, std::span<Value> args) {
    std::string from(arg_string(th, args, 0, "rename_file"));
    std::string to(arg_string(th, args, 1, "rename_file"));
    if (int err = metadata_call(th, to, [&] { return ::rename(from.c_str(), to.c_str()); }))
        io_error(th, cat("rename file ", quoted(from), " to ", quoted(to)), std::strerror(err));
    return Value::from_bool(true);
}

// Copies the content and the permission bits, replacing `dest`.
Value path_copy_file(Thread& th, std::span<Value> args) {
    std::string from(arg_string(th, args, 0, "copy_file"));
    std::string to(arg_string(th, args, 1, "copy_file"));
    auto fail = [&](std::string_view reason) { io_error(th, cat("copy file ", quoted(from), " to ", quoted(to)), reason); };
    struct stat st;
    if (int err = metadata_call(th, from, [&] { return ::stat(from.c_str(), &st); })) fail(std::strerror(err));
    if (S_ISDIR(st.st_mode)) fail(std::strerror(EISDIR));
    std::string data;
    std::string reason = read_binary_data(th, from, data);
    if (!reason.empty()) fail(reason);
    reason = write_text_file(th, to, data);
    if (!reason.empty()) fail(reason);
    int err = metadata_call(th, to, [&] {
        struct stat dest;
        return ::stat(to.c_str(), &dest) == 0 && S_ISREG(dest.st_mode) ? ::chmod(to.c_str(), st.st_mode & 07777) : 0;
    });
    if (err) fail(std::strerror(err));
    return Value::from_bool(true);
}

Value path_read_binary_file(Thread& th, std::span<Value> args) {
    std::string path(arg_string(th, args, 0, "read_binary_file"));
    std::string data;
    std::string reason = read_binary_data(th, path, data);
    if (!reason.empty()) io_error(th, cat("read binary file ", quoted(path)), reason);
    return make_bytes(std::move(data));
}

// Creates or replaces the file with the bytes (a String is not accepted as data).
Value path_write_binary_file(Thread& th, std::span<Value> args) {
    std::string path(arg_string(th, args, 0, "write_binary_file"));
    if (!args[1].is(TAG_BYTES)) bad_argument(th, "write_binary_file", 1, "bytes", args[1]);
    std::string reason = write_text_file(th, path, args[1].as<Bytes>()->data);
    if (!reason.empty()) io_error(th, cat("write binary file ", quoted(path)), reason);
    return Value::from_bool(true);
}

// ---------------------------------------------------------------------------------------------
// Paths (textual)

// Joins with "/" like a path buffer: an absolute part replaces everything before it, a separator
// is added only when the text so far does not end with one (so an empty last part leaves "/").
Value join_impl(Thread& th, std::span<Value> args, std::string_view fn) {
    std::string out;
    for (size_t i = 0; i < args.size(); ++i) {
        std::string_view part = arg_string(th, args, i, fn);
        if (part.starts_with('/')) {
            out.assign(part);
            continue;
        }
        if (!out.empty() && out.back() != '/') out += '/';
        out += part;
    }
    return make_string(std::move(out));
}
Value path_join_path(Thread& th, std::span<Value> args) { return join_impl(th, args, "join_path"); }
Value path_path_join(Thread& th, std::span<Value> args) { return join_impl(th, args, "path_join"); }

// A path's components: empty ones and "." are dropped, except a leading "." of a relative path.
struct Components {
    bool absolute = false;
    std::vector<std::string_view> parts;
};

Components components(std::string_view path) {
    Components c;
    c.absolute = path.starts_with('/');
    size_t pos = 0;
    while (pos <= path.size()) {
        size_t slash = path.find('/', pos);
        if (slash == std::string_view::npos) slash = path.size();
        std::string_view part = path.substr(pos, slash - pos);
        if (!part.empty() && (part != "." || (pos == 0 && !c.absolute))) c.parts.push_back(part);
        pos = slash + 1;
    }
    return c;
}

// The last component when it names something ("" for "/", "", "." and "..").
std::string_view file_name(std::string_view path) {
    Components c = components(path);
    if (c.parts.empty() || c.parts.back() == "." || c.parts.back() == "..") return {};
    return c.parts.back();
}

// Everything before the last component: "a/b/c" -> "a/b", "f.txt" -> "", "/a" -> "/"; a path
// without components ("/" or "") has no parent and gives "/".
Value path_dirname(Thread& th, std::span<Value> args) {
    Components c = components(arg_string(th, args, 0, "dirname"));
    if (c.parts.empty()) return make_string("/");
    c.parts.pop_back();
    std::string out = c.absolute ? "/" : "";
    for (size_t i = 0; i < c.parts.size(); ++i) {
        if (i) out += '/';
        out += c.parts[i];
    }
    return make_string(std::move(out));
}

Value path_basename(Thread& th, std::span<Value> args) {
    return make_string(file_name(arg_string(th, args, 0, "basename")));
}

// The text after the last "." of the file name; "" without one or for a leading-dot-only name.
Value path_extension(Thread& th, std::span<Value> args) {
    std::string_view name = file_name(arg_string(th, args, 0, "path_extension"));
    size_t dot = name.rfind('.');
    if (dot == std::string_view::npos || dot == 0) return make_string("");
    return make_string(name.substr(dot + 1));
}

// ---------------------------------------------------------------------------------------------
// Paths (file system)

bool stat_mode(Thread& th, std::string const& path, mode_t& mode) {
    struct stat st;
    if (metadata_call(th, path, [&] { return ::stat(path.c_str(), &st); }) != 0) return false;
    mode = st.st_mode;
    return true;
}

Value path_exists(Thread& th, std::span<Value> args) {
    mode_t mode;
    return Value::from_bool(stat_mode(th, std::string(arg_string(th, args, 0, "path_exists")), mode));
}

Value path_is_dir(Thread& th, std::span<Value> args) {
    mode_t mode;
    return Value::from_bool(stat_mode(th, std::string(arg_string(th, args, 0, "path_is_dir")), mode) && S_ISDIR(mode));
}

Value path_is_file(Thread& th, std::span<Value> args) {
    mode_t mode;
    return Value::from_bool(stat_mode(th, std::string(arg_string(th, args, 0, "path_is_file")), mode) && S_ISREG(mode));
}

// The canonical absolute path (symlinks resolved); the path must exist.
Value path_absolute(Thread& th, std::span<Value> args) {
    std::string path(arg_string(th, args, 0, "path_absolute"));
    char* resolved = nullptr;
    int err = 0;
    metadata_io(th, path, [&] { err = (resolved = ::realpath(path.c_str(), nullptr)) ? 0 : errno; });
    if (!resolved) io_error(th, cat("get absolute path for ", quoted(path)), std::strerror(err));
    std::string out = utf8_sanitize(resolved);
    std::free(resolved);
    return make_string(std::move(out));
}

// ---------------------------------------------------------------------------------------------
// Working directory and directories

Value os_getcwd(Thread& th, std::span<Value>) {
    char* cwd = ::getcwd(nullptr, 0);
    if (!cwd) io_error(th, "get current directory", std::strerror(errno));
    std::string out = utf8_sanitize(cwd);
    std::free(cwd);
    return make_string(std::move(out));
}

// Changes the process-wide working directory (every task sees it).
Value os_chdir(Thread& th, std::span<Value> args) {
    std::string path(arg_string(th, args, 0, "os_chdir"));
    if (int err = metadata_call(th, path, [&] { return ::chdir(path.c_str()); }))
        io_error(th, cat("change directory to ", quoted(path)), std::strerror(err));
    return Value::from_bool(true);
}

// Removes an empty directory.
Value os_rmdir(Thread& th, std::span<Value> args) {
    std::string path(arg_string(th, args, 0, "os_rmdir"));
    if (int err = metadata_call(th, path, [&] { return ::rmdir(path.c_str()); }))
        io_error(th, cat("remove directory ", quoted(path)), std::strerror(err));
    return Value::from_bool(true);
}

constexpr BuiltinEntry k_paths_builtins[] = {
    // name                fn                      min max  doc
    {"read_lines",         path_read_lines,        1,  1,   "read_lines(path): the file's lines (without line ends)"},
    {"create_dir",         path_create_dir,        1,  1,   "create_dir(path): creates the directory and its parents; true"},
    {"file_size",          path_file_size,         1,  1,   "file_size(path): the size in bytes"},
    {"delete_file",        path_delete_file,       1,  1,   "delete_file(path): removes a file (not a directory); true"},
    {"rename_file",        path_rename_file,       2,  2,   "rename_file(old, new): renames, replacing new; true"},
    {"copy_file",          path_copy_file,         2,  2,   "copy_file(source, dest): copies content and permissions; true"},
    {"read_binary_file",   path_read_binary_file,  1,  1,   "read_binary_file(path): the file's content as bytes"},
    {"write_binary_file",  path_write_binary_file, 2,  2,   "write_binary_file(path, bytes): replaces the file; true"},
    {"join_path",          path_join_path,         1, -1,   "join_path(...parts): the parts joined with /"},
    {"path_join",          path_path_join,         1, -1,   "path_join(...parts): same as join_path"},
    {"dirname",            path_dirname,           1,  1,   "dirname(path): the path without its last component"},
    {"basename",           path_basename,          1,  1,   "basename(path): the last component"},
    {"path_extension",     path_extension,         1,  1,   "path_extension(path): the file name's extension, without the dot"},
    {"path_exists",        path_exists,            1,  1,   "path_exists(path): the path exists"},
    {"path_is_dir",        path_is_dir,            1,  1,   "path_is_dir(path): the path is a directory"},
    {"path_is_file",       path_is_file,           1,  1,   "path_is_file(path): the path is a regular file"},
    {"path_absolute",      path_absolute,          1,  1,   "path_absolute(path): the canonical absolute path (must exist)"},
    {"os_getcwd",          os_getcwd,              0,  0,   "os_getcwd(): the current working directory"},
    {"os_chdir",           os_chdir,               1,  1,   "os_chdir(path): changes the working directory; true"},
    {"os_rmdir",           os_rmdir,               1,  1,   "os_rmdir(path): removes an empty directory; true"},
};

}  // namespace

void register_paths(Runtime& rt) { register_table(rt, k_paths_builtins); }

}  // namespace ruff
