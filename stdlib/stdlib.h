// The standard library: one file per module, each ending in a table of built-ins, and the
// argument helpers they share. Arity is checked centrally (call_value) from the table's min/max;
// the helpers here check types and raise `TypeError: NAME() argument K must be TYPE, got TYPE`.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include "absl/functional/function_ref.h"
#include "absl/strings/str_cat.h"
#include "runtime/error.h"
#include "runtime/objects.h"
#include "runtime/thread.h"

namespace ruff {

// One row of a module's table: name, handler, arity bounds (max -1: variadic), one-line doc.
struct BuiltinEntry {
    char const* name;
    BuiltinFn fn;
    int min_args;
    int max_args;
    char const* doc;
};

// Registers every built-in and constant of every module.
void register_stdlib(Runtime& rt);

void register_table(Runtime& rt, std::span<BuiltinEntry const> table);
void register_core(Runtime& rt);
void register_math(Runtime& rt);
void register_string(Runtime& rt);
void register_array(Runtime& rt);
void register_dict(Runtime& rt);
void register_testing(Runtime& rt);
void register_system(Runtime& rt);
void register_files(Runtime& rt);
void register_async(Runtime& rt);
void register_formats(Runtime& rt);
void register_regex(Runtime& rt);
void register_time(Runtime& rt);
void register_random(Runtime& rt);
void register_collections(Runtime& rt);
void register_paths(Runtime& rt);
void register_process(Runtime& rt);

// File helpers shared by files.cpp and async.cpp. Each returns "" on success, else the reason
// (the OS text, or "stream did not contain valid UTF-8"); the caller words the error. The
// system calls that may block (FIFOs, devices, network file systems) go to the I/O pool from a
// task (runtime/tasks.h run_blocking), so they never stall other tasks.
// Reads the whole file as UTF-8 text into `out`.
std::string read_text_file(Thread& th, std::string const& path, std::string& out);
// Reads the whole file as raw bytes into `out`.
std::string read_binary_data(Thread& th, std::string const& path, std::string& out);
// write_file's semantics: atomic replace through a temporary (DECISIONS "Files and build").
std::string write_text_file(Thread& th, std::string const& path, std::string_view content);
// Runs `fn`, system calls on `path` that never wait for another process (stat, unlink, rename,
// mkdir, ...): inline, or on the I/O pool from a task when path's directory is on a network or
// FUSE file system.
void metadata_io(Thread& th, std::string const& path, absl::FunctionRef<void()> fn);
// metadata_io for one system call returning 0 or -1: 0, or the call's errno.
int metadata_call(Thread& th, std::string const& path, absl::FunctionRef<int()> call);
// Runs `fn`, which opens `path` (and reads or writes it): the same, and also on the I/O pool
// when the path is a FIFO, device or socket, whose open waits for the other side.
void open_io(Thread& th, std::string const& path, absl::FunctionRef<void()> fn);

// absl::StrCat that also accepts std::string_view (Debian's Abseil has its own string_view).
template <class... Args>
std::string cat(Args const&... args) {
    return absl::StrCat(absl_arg(args)...);
}

// ---------------------------------------------------------------------------------------------
// Argument helpers. `index` is 0-based; messages count from 1. Each raises on a wrong type.

[[noreturn]] void bad_argument(Thread& th, std::string_view fn, size_t index, std::string_view expected,
                               Value const& got);

// A String argument; the view stays valid while args[index] is alive.
std::string_view arg_string(Thread& th, std::span<Value> args, size_t index, std::string_view fn);
String* arg_string_obj(Thread& th, std::span<Value> args, size_t index, std::string_view fn);
// An Int argument (Floats are rejected: used for indexes).
int64_t arg_int(Thread& th, std::span<Value> args, size_t index, std::string_view fn);
// An Int, or a Float truncated toward zero (saturating, NaN gives 0): used for counts and sizes.
int64_t arg_count(Thread& th, std::span<Value> args, size_t index, std::string_view fn);
// An Int or Float as a double.
double arg_number(Thread& th, std::span<Value> args, size_t index, std::string_view fn);
Array* arg_array(Thread& th, std::span<Value> args, size_t index, std::string_view fn);
Dict* arg_dict(Thread& th, std::span<Value> args, size_t index, std::string_view fn);
// [a, b]: the result of pop, remove_at, queue_dequeue, stack_pop and friends (STDLIB §1.6).
Value pair(Value a, Value b);

// A user function or a built-in.
Value const& arg_callable(Thread& th, std::span<Value> args, size_t index, std::string_view fn);

// Float to Int by truncation toward zero, saturating at the Int range; NaN gives 0.
int64_t trunc_to_int(double d);

// Shared by modules: scalar-level UTF-8 decoding and encoding.
// Decodes the scalar starting at `pos` and advances `pos`; invalid bytes decode as U+FFFD.
int32_t utf8_decode(std::string_view s, size_t& pos);
void utf8_encode(std::string& out, int32_t cp);
bool utf8_valid(std::string_view s);
// `s` with every ill-formed sequence replaced by U+FFFD (text from outside: stdin, argv).
std::string utf8_sanitize(std::string_view s);
// Unicode White_Space, and a view of `s` without it at the start and/or the end.
bool is_unicode_space(int32_t cp);
std::string_view unicode_trim(std::string_view s, bool start, bool end);

}  // namespace ruff
