// Display form (print, to_string, interpolation; OUTPUT.md §1) and the debug() form (STDLIB §1.9).
#include <charconv>
#include <cmath>

#include "absl/strings/str_cat.h"
#include "runtime/ops.h"
#include "runtime/tasks.h"

namespace ruff {

// Shortest round-trip digits, always positional, no trailing ".0" (LANGUAGE.md §18.2).
std::string format_float(double d) {
    if (std::isnan(d)) return "NaN";
    if (std::isinf(d)) return d < 0 ? "-inf" : "inf";
    char buf[64];
    auto result = std::to_chars(buf, buf + sizeof buf, d, std::chars_format::scientific);
    std::string_view sci(buf, result.ptr - buf);
    std::string out;
    if (sci.front() == '-') {
        out.push_back('-');
        sci.remove_prefix(1);
    }
    size_t e = sci.find('e');
    std::string digits;
    for (char c : sci.substr(0, e))
        if (c != '.') digits.push_back(c);
    int exponent = std::stoi(std::string(sci.substr(e + 1)));
    while (digits.size() > 1 && digits.back() == '0') digits.pop_back();
    if (exponent >= 0) {
        size_t int_len = static_cast<size_t>(exponent) + 1;
        if (digits.size() <= int_len) {
            out += digits;
            out.append(int_len - digits.size(), '0');
        } else {
            out += digits.substr(0, int_len);
            out += '.';
            out += digits.substr(int_len);
        }
    } else {
        out += "0.";
        out.append(static_cast<size_t>(-exponent - 1), '0');
        out += digits;
    }
    return out;
}

static void display_items(std::string& out, std::vector<Value> const& items, std::string_view sep) {
    for (size_t i = 0; i < items.size(); ++i) {
        if (i) out += sep;
        display(out, items[i]);
    }
}

static void display_tagged(std::string& out, Tagged const* t) {
    switch (t->tag_kind) {
    case TagKind::Ok: out += "Ok("; break;
    case TagKind::Err: out += "Err("; break;
    case TagKind::Some: out += "Some("; break;
    case TagKind::None: out += "None"; return;
    case TagKind::User:
        out += t->name;
        if (t->fields.empty()) return;
        out += '(';
        display_items(out, t->fields, ",");
        out += ')';
        return;
    }
    display(out, t->fields[0]);
    out += ')';
}

static void display_function(std::string& out, Function const* f) {
    auto const* info = f->info;
    switch (info->kind) {
    case FunctionKind::Generator: absl::StrAppend(&out, "<generator function with ", info->max_params, " params>"); return;
    case FunctionKind::Async: out += "<async function " + info->display_name + ">"; return;
    case FunctionKind::Normal: absl::StrAppend(&out, "<function ", info->display_name, ">"); return;
    }
}

static void display_promise(std::string& out, Promise const* p) {
    switch (p->state) {
    case PromiseState::Pending: out += "<promise pending>"; return;
    case PromiseState::Rejected: out += "<promise rejected>"; return;
    case PromiseState::Fulfilled:
        out += "<promise fulfilled: ";
        display(out, p->result);
        out += '>';
        return;
    }
}

void display(std::string& out, Value const& v) {
    switch (v.tag()) {
    case TAG_NULL: out += "null"; return;
    case TAG_BOOL: out += v.as_bool() ? "true" : "false"; return;
    case TAG_INT: absl::StrAppend(&out, v.as_int()); return;
    case TAG_FLOAT: out += format_float(v.as_float()); return;
    case TAG_STR: out += string_view_of(v); return;
    case TAG_ARRAY:
        out += '[';
        display_items(out, v.as<Array>()->items, ", ");
        out += ']';
        return;
    case TAG_DICT: {
        out += '{';
        bool first = true;
        v.as<Dict>()->for_each([&](Value const& key, Value const& value) {
            if (!first) out += ", ";
            first = false;
            out += '"';
            out += string_view_of(key);
            out += "\": ";
            display(out, value);
        });
        out += '}';
        return;
    }
    case TAG_STRUCT: {
        auto* s = v.as<Struct>();
        auto const& names = s->definition()->fields;
        absl::StrAppend(&out, s->definition()->name, " { ");
        for (size_t i = 0; i < s->fields.size(); ++i) {
            if (i) out += ", ";
            absl::StrAppend(&out, names[i], ": ");
            display(out, s->fields[i]);
        }
        out += " }";
        return;
    }
    case TAG_TAGGED: display_tagged(out, v.as<Tagged>()); return;
    case TAG_FUNCTION: display_function(out, v.as<Function>()); return;
    case TAG_BUILTIN: absl::StrAppend(&out, "<native function: ", v.as<Builtin>()->name, ">"); return;
    case TAG_STRUCTDEF: absl::StrAppend(&out, "<struct ", v.as<StructDef>()->name, ">"); return;
    case TAG_ENUMDEF: absl::StrAppend(&out, "<enum ", v.as<EnumDef>()->name, ">"); return;
    case TAG_ERROR: absl::StrAppend(&out, v.as<ErrorObj>()->type, ": ", v.as<ErrorObj>()->message); return;
    case TAG_GENERATOR: {
        auto* g = v.as<Generator>();
        absl::StrAppend(&out, g->exhausted ? "<exhausted generator (" : "<generator (", g->param_count, " params)>");
        return;
    }
    case TAG_ITERATOR: out += "<iterator>"; return;
    case TAG_MODULE: absl::StrAppend(&out, "<module ", v.as<Module>()->name, ">"); return;
    case TAG_PROMISE: display_promise(out, v.as<Promise>()); return;
    case TAG_BYTES: absl::StrAppend(&out, "<bytes ", v.as<Bytes>()->data.size(), ">"); return;
    case TAG_CELL: display(out, v.as<Cell>()->value); return;
    case TAG_CHANNEL: out += "<channel>"; return;
    case TAG_TASKHANDLE: out += "<task>"; return;
    case TAG_SET:
        out += "Set{";
        display_items(out, v.as<Set>()->items, ", ");
        out += '}';
        return;
    case TAG_QUEUE:
        out += "Queue[";
        display_items(out, v.as<Queue>()->items, ", ");
        out += ']';
        return;
    case TAG_STACK:
        out += "Stack[";
        display_items(out, v.as<Stack>()->items, ", ");
        out += ']';
        return;
    case TAG_UNBOUND: out += "<unbound>"; return;
    case TAG_EXC: out += "<exception>"; return;
    }
}

std::string to_display(Value const& v) {
    if (v.is(TAG_STR)) return std::string(string_view_of(v));
    std::string out;
    display(out, v);
    return out;
}

static void debug_items(std::string& out, std::vector<Value> const& items) {
    for (size_t i = 0; i < items.size(); ++i) {
        if (i) out += ", ";
        debug_repr(out, items[i]);
    }
}

void debug_repr(std::string& out, Value const& v) {
    switch (v.tag()) {
    case TAG_NULL: out += "Null"; return;
    case TAG_BOOL: absl::StrAppend(&out, "Bool(", v.as_bool() ? "true" : "false", ")"); return;
    case TAG_INT: absl::StrAppend(&out, "Int(", v.as_int(), ")"); return;
    case TAG_FLOAT: absl::StrAppend(&out, "Float(", format_float(v.as_float()), ")"); return;
    case TAG_STR: out += "String(\"";
        out += string_view_of(v);
        out += "\")"; return;
    case TAG_ARRAY:
        out += "Array[";
        debug_items(out, v.as<Array>()->items);
        out += ']';
        return;
    case TAG_DICT: {
        out += "Dict{";
        bool first = true;
        v.as<Dict>()->for_each([&](Value const& key, Value const& value) {
            if (!first) out += ", ";
            first = false;
            out += string_view_of(key);
            out += ": ";
            debug_repr(out, value);
        });
        out += '}';
        return;
    }
    case TAG_STRUCT: absl::StrAppend(&out, "Struct(", v.as<Struct>()->definition()->name, ")"); return;
    case TAG_STRUCTDEF: absl::StrAppend(&out, "StructDef(", v.as<StructDef>()->name, ")"); return;
    case TAG_FUNCTION:
        out += v.as<Function>()->info->kind == FunctionKind::Async ? "AsyncFunction" : "Function";
        return;
    case TAG_BUILTIN: absl::StrAppend(&out, "NativeFunction(", v.as<Builtin>()->name, ")"); return;
    case TAG_TAGGED: {
        auto* t = v.as<Tagged>();
        switch (t->tag_kind) {
        case TagKind::None: out += "None"; return;
        case TagKind::Ok: out += "Ok("; break;
        case TagKind::Err: out += "Err("; break;
        case TagKind::Some: out += "Some("; break;
        case TagKind::User:
            out += t->name;
            if (t->fields.empty()) return;
            out += '(';
            break;
        }
        debug_items(out, t->fields);
        out += ')';
        return;
    }
    case TAG_ERROR: absl::StrAppend(&out, "Error(\"", v.as<ErrorObj>()->message, "\")"); return;
    case TAG_BYTES: absl::StrAppend(&out, "Bytes(", v.as<Bytes>()->data.size(), " bytes)"); return;
    case TAG_SET:
        out += "Set{";
        debug_items(out, v.as<Set>()->items);
        out += '}';
        return;
    case TAG_QUEUE:
        out += "Queue[";
        debug_items(out, v.as<Queue>()->items);
        out += ']';
        return;
    case TAG_STACK:
        out += "Stack[";
        debug_items(out, v.as<Stack>()->items);
        out += ']';
        return;
    case TAG_PROMISE: {
        auto* p = v.as<Promise>();
        if (promise_state(p) == PromiseState::Pending) out += "Promise(Pending)";
        else if (promise_state(p) == PromiseState::Rejected) out += "Promise(Rejected)";
        else {
            out += "Promise(Resolved: ";
            debug_repr(out, p->result);
            out += ')';
        }
        return;
    }
    default: display(out, v); return;
    }
}

}  // namespace ruff
