// Building and raising Ruff errors (DECISIONS.md "Errors", OUTPUT.md §1 "Caught errors").
#include "runtime/error.h"

#include "runtime/ops.h"
#include "runtime/thread.h"

namespace ruff {

std::string_view error_type_name(ErrorType t) {
    switch (t) {
    case ErrorType::Error: return "Error";
    case ErrorType::SyntaxError: return "SyntaxError";
    case ErrorType::NameError: return "NameError";
    case ErrorType::TypeError: return "TypeError";
    case ErrorType::ValueError: return "ValueError";
    case ErrorType::ZeroDivisionError: return "ZeroDivisionError";
    case ErrorType::OverflowError: return "OverflowError";
    case ErrorType::IndexError: return "IndexError";
    case ErrorType::KeyError: return "KeyError";
    case ErrorType::AttributeError: return "AttributeError";
    case ErrorType::RecursionError: return "RecursionError";
    case ErrorType::MatchError: return "MatchError";
    case ErrorType::ImportError: return "ImportError";
    case ErrorType::IOError: return "IOError";
    case ErrorType::AssertionError: return "AssertionError";
    case ErrorType::PermissionError: return "PermissionError";
    case ErrorType::DeadlockError: return "DeadlockError";
    case ErrorType::CancelledError: return "CancelledError";
    }
    return "Error";
}

ErrorType msg_type(Msg m) {
    switch (m) {
#define RUFF_ERROR(id, type, text) \
    case Msg::id: return ErrorType::type;
#include "runtime/error_types.def"
#undef RUFF_ERROR
    }
    return ErrorType::Error;
}

std::string_view msg_template(Msg m) {
    switch (m) {
#define RUFF_ERROR(id, type, text) \
    case Msg::id: return text;
#include "runtime/error_types.def"
#undef RUFF_ERROR
    }
    return "";
}

Value make_error(Thread& th, std::string_view type, std::string message, Value thrown) {
    auto* e = new ErrorObj();
    e->type = std::string(type);
    e->message = std::move(message);
    e->thrown = std::move(thrown);
    e->trace.reserve(th.frames.size());
    for (auto const& f : th.frames) e->trace.push_back(TraceFrame{std::string(f.name), f.file, f.line, f.col});
    return Value::adopt(TAG_ERROR, e);
}

void raise_error(Thread& th, std::string_view type, std::string message) {
    throw RuffException{make_error(th, type, std::move(message))};
}

void reraise(Value error) { throw RuffException{std::move(error)}; }

void throw_value(Thread& th, Value v) {
    if (v.is(TAG_ERROR)) reraise(std::move(v));  // A caught error is re-raised unchanged.
    if (v.is(TAG_STR)) throw RuffException{make_error(th, "Error", std::string(string_view_of(v)))};
    if (v.is(TAG_STRUCT)) {
        auto* s = v.as<Struct>();
        std::string name = s->definition()->name;
        int index = s->definition()->field_index("message");
        std::string message = index >= 0 && s->fields[index].is(TAG_STR) ? std::string(string_view_of(s->fields[index]))
                                                                          : to_display(v);
        throw RuffException{make_error(th, name, std::move(message), v)};
    }
    throw RuffException{make_error(th, "Error", to_display(v))};
}

}  // namespace ruff
