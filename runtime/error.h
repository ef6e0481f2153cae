// Raising Ruff errors. A raise builds an ErrorObj carrying the traceback of the current task
// (one frame per active Ruff frame, at the position each frame has reached) and throws it as a
// RuffException. C++ exceptions never cross JIT frames: `rt_*` wrappers catch them.
#pragma once

#include <string>
#include <string_view>
#include <type_traits>

#include "absl/strings/substitute.h"
#include "runtime/objects.h"

namespace ruff {

enum class ErrorType {
    Error, SyntaxError, NameError, TypeError, ValueError, ZeroDivisionError, OverflowError,
    IndexError, KeyError, AttributeError, RecursionError, MatchError, ImportError, IOError,
    AssertionError, PermissionError, DeadlockError, CancelledError
};
std::string_view error_type_name(ErrorType t);

enum class Msg {
#define RUFF_ERROR(id, type, text) id,
#include "runtime/error_types.def"
#undef RUFF_ERROR
};
ErrorType msg_type(Msg m);
std::string_view msg_template(Msg m);

// Builds an error value with the current traceback (does not throw).
Value make_error(Thread& th, std::string_view type, std::string message, Value thrown = {});

[[noreturn]] void raise_error(Thread& th, std::string_view type, std::string message);
[[noreturn]] inline void raise(Thread& th, ErrorType type, std::string message) {
    raise_error(th, error_type_name(type), std::move(message));
}
// Debian's Abseil is built without std::string_view support (TOOLCHAIN.md pitfall 8), so
// std::string_view arguments are passed to absl as absl::string_view.
template <class T>
decltype(auto) absl_arg(T const& v) {
    if constexpr (std::is_convertible_v<T const&, std::string_view> && !std::is_convertible_v<T const&, absl::string_view>) {
        std::string_view sv = v;
        return absl::string_view(sv.data(), sv.size());
    } else {
        return (v);
    }
}
template <class... Args>
[[noreturn]] void raise(Thread& th, Msg m, Args const&... args) {
    std::string_view tmpl = msg_template(m);
    raise_error(th, error_type_name(msg_type(m)), absl::Substitute(absl::string_view(tmpl.data(), tmpl.size()), absl_arg(args)...));
}
// Re-raises an existing error value unchanged (traceback included).
[[noreturn]] void reraise(Value error);
// `exit(n)`: unwinds every frame (no try/except catches it) so output is flushed, then exits n.
struct ExitRequest {
    int code;
};

// `throw v`: builds the error that a thrown value stands for (OUTPUT.md §1) and raises it.
[[noreturn]] void throw_value(Thread& th, Value v);

}  // namespace ruff
