// Construction, copying and destruction of heap objects, and the insertion-ordered dict.
#include "runtime/objects.h"

#include <cstring>

#include "absl/hash/hash.h"
#include "runtime/ops.h"
#include "runtime/share.h"
#include "runtime/source.h"
#include "runtime/tasks.h"

namespace ruff {

void destroy_object(Obj* o) {
    switch (o->kind) {
    case ObjKind::String: delete static_cast<String*>(o); return;
    case ObjKind::Array: delete static_cast<Array*>(o); return;
    case ObjKind::Dict: delete static_cast<Dict*>(o); return;
    case ObjKind::Struct: delete static_cast<Struct*>(o); return;
    case ObjKind::Tagged: delete static_cast<Tagged*>(o); return;
    case ObjKind::Function: delete static_cast<Function*>(o); return;
    case ObjKind::Builtin: delete static_cast<Builtin*>(o); return;
    case ObjKind::StructDef: delete static_cast<StructDef*>(o); return;
    case ObjKind::EnumDef: delete static_cast<EnumDef*>(o); return;
    case ObjKind::Error: delete static_cast<ErrorObj*>(o); return;
    case ObjKind::Generator: delete static_cast<Generator*>(o); return;
    case ObjKind::Iterator: delete static_cast<Iterator*>(o); return;
    case ObjKind::Module: delete static_cast<Module*>(o); return;
    case ObjKind::Promise: delete static_cast<Promise*>(o); return;
    case ObjKind::Cell: delete static_cast<Cell*>(o); return;
    case ObjKind::Bytes: delete static_cast<Bytes*>(o); return;
    case ObjKind::Channel: delete static_cast<Channel*>(o); return;
    case ObjKind::TaskHandle: delete static_cast<TaskHandle*>(o); return;
    case ObjKind::Set: delete static_cast<Set*>(o); return;
    case ObjKind::Queue: delete static_cast<Queue*>(o); return;
    case ObjKind::Stack: delete static_cast<Stack*>(o); return;
    }
}

// ---------------------------------------------------------------------------------------------
// Strings

uint64_t String::hash() const {
    if (hash_cache == 0) {
        uint64_t h = absl::HashOf(std::string_view(data));
        hash_cache = h ? h : 1;
    }
    return hash_cache;
}

void String::recount() {
    ascii = true;
    chars = 0;
    for (unsigned char c : data) {
        if (c >= 0x80) ascii = false;
        if ((c & 0xC0) != 0x80) ++chars;
    }
}

void String::append(std::string_view s) {
    data.append(s);
    hash_cache = 0;
    for (unsigned char c : s) {
        if (c >= 0x80) ascii = false;
        if ((c & 0xC0) != 0x80) ++chars;
    }
}

Value make_string(std::string_view s) {
    auto* str = new String();
    str->data.assign(s);
    str->recount();
    return Value::adopt(TAG_STR, str);
}

Value make_string(std::string&& s) {
    auto* str = new String();
    str->data = std::move(s);
    str->recount();
    return Value::adopt(TAG_STR, str);
}

// ---------------------------------------------------------------------------------------------
// Arrays, structs, cells, tags

Value make_array(std::vector<Value> items) {
    auto* a = new Array();
    a->items = std::move(items);
    return Value::adopt(TAG_ARRAY, a);
}

Array* make_unique_array(Value& v) {
    auto* a = v.as<Array>();
    if (is_unique(a)) return a;
    auto* copy = new Array();
    copy->items = a->items;
    v = Value::adopt(TAG_ARRAY, copy);
    return copy;
}

// Sets, queues and stacks: one pattern for the three sequence-backed kinds.
template <class T, Tag tag>
static Value make_items(std::vector<Value> items) {
    auto* o = new T();
    o->items = std::move(items);
    return Value::adopt(tag, o);
}
template <class T, Tag tag>
static T* make_unique_items(Value& v) {
    auto* o = v.as<T>();
    if (is_unique(o)) return o;
    auto* copy = new T();
    copy->items = o->items;
    v = Value::adopt(tag, copy);
    return copy;
}
Value make_set(std::vector<Value> items) { return make_items<Set, TAG_SET>(std::move(items)); }
Value make_queue(std::vector<Value> items) { return make_items<Queue, TAG_QUEUE>(std::move(items)); }
Value make_stack(std::vector<Value> items) { return make_items<Stack, TAG_STACK>(std::move(items)); }
Set* make_unique_set(Value& v) { return make_unique_items<Set, TAG_SET>(v); }
Queue* make_unique_queue(Value& v) { return make_unique_items<Queue, TAG_QUEUE>(v); }
Stack* make_unique_stack(Value& v) { return make_unique_items<Stack, TAG_STACK>(v); }

Struct* make_unique_struct(Value& v) {
    auto* s = v.as<Struct>();
    if (is_unique(s)) return s;
    auto* copy = new Struct();
    copy->def = s->def;
    copy->fields = s->fields;
    v = Value::adopt(TAG_STRUCT, copy);
    return copy;
}

Value make_cell(Value v) {
    auto* c = new Cell();
    c->value = std::move(v);
    return Value::adopt(TAG_CELL, c);
}

Value make_tagged(TagKind kind, std::string name, std::vector<Value> fields) {
    auto* t = new Tagged();
    t->tag_kind = kind;
    t->name = std::move(name);
    t->fields = std::move(fields);
    return Value::adopt(TAG_TAGGED, t);
}

Value make_none() {
    static Tagged* none = [] {
        auto* t = new Tagged();
        t->tag_kind = TagKind::None;
        make_immortal(t);
        return t;
    }();
    return Value::borrow(TAG_TAGGED, none);
}

int StructDef::field_index(std::string_view f) const {
    for (size_t i = 0; i < fields.size(); ++i)
        if (fields[i] == f) return static_cast<int>(i);
    return -1;
}

Value const* StructDef::method(std::string_view m) const {
    for (auto const& [name, fn] : methods)
        if (name == m) return &fn;
    return nullptr;
}

Value const* Module::export_slot(std::string_view n) const {
    for (auto const& [name, slot] : exports)
        if (name == n) return &globals[slot];
    return nullptr;
}

// ---------------------------------------------------------------------------------------------
// Dicts

Dict::Dict(Dict const& other)
    : Obj(ObjKind::Dict), m_entries(other.m_entries), m_index(other.m_index), m_live(other.m_live),
      m_used_slots(other.m_used_slots) {}

Value make_dict() { return Value::adopt(TAG_DICT, new Dict()); }

Dict* make_unique_dict(Value& v) {
    auto* d = v.as<Dict>();
    if (is_unique(d)) return d;
    auto* copy = new Dict(*d);
    v = Value::adopt(TAG_DICT, copy);
    return copy;
}

static uint64_t hash_key(std::string_view key) {
    uint64_t h = absl::HashOf(key);
    return h ? h : 1;
}

int64_t Dict::lookup(std::string_view key, uint64_t hash) const {
    if (m_index.empty()) return -1;
    size_t mask = m_index.size() - 1;
    for (size_t i = hash & mask;; i = (i + 1) & mask) {
        int32_t slot = m_index[i];
        if (slot == -1) return -1;
        if (slot >= 0) {
            auto const& e = m_entries[slot];
            if (e.hash == hash && e.key.as<String>()->data == key) return slot;
        }
    }
}

Value const* Dict::find(std::string_view key) const {
    int64_t slot = lookup(key, hash_key(key));
    return slot < 0 ? nullptr : &m_entries[slot].value;
}

Value* Dict::find_mut(std::string_view key) {
    int64_t slot = lookup(key, hash_key(key));
    return slot < 0 ? nullptr : &m_entries[slot].value;
}

void Dict::rebuild(size_t capacity) {
    // Compact away deleted entries, then re-index.
    if (m_live != m_entries.size()) {
        std::vector<Entry> live;
        live.reserve(m_live);
        for (auto& e : m_entries)
            if (!e.key.is_unbound()) live.push_back(std::move(e));
        m_entries = std::move(live);
    }
    m_index.assign(capacity, -1);
    size_t mask = capacity - 1;
    for (size_t pos = 0; pos < m_entries.size(); ++pos) {
        size_t i = m_entries[pos].hash & mask;
        while (m_index[i] != -1) i = (i + 1) & mask;
        m_index[i] = static_cast<int32_t>(pos);
    }
    m_used_slots = m_entries.size();
}

void Dict::set(Value key, Value value) {
    share_into(this, key);
    share_into(this, value);
    auto* ks = key.as<String>();
    uint64_t hash = hash_key(ks->data);
    int64_t slot = lookup(ks->data, hash);
    if (slot >= 0) {
        m_entries[slot].value = std::move(value);
        return;
    }
    if ((m_used_slots + 1) * 3 >= m_index.size() * 2) {
        size_t capacity = 8;
        while (capacity * 2 <= (m_live + 1) * 3) capacity *= 2;
        rebuild(capacity * 2);
    }
    size_t mask = m_index.size() - 1;
    size_t i = hash & mask;
    while (m_index[i] >= 0) i = (i + 1) & mask;
    if (m_index[i] == -1) ++m_used_slots;
    m_index[i] = static_cast<int32_t>(m_entries.size());
    m_entries.push_back(Entry{std::move(key), std::move(value), hash});
    ++m_live;
}

bool Dict::remove(std::string_view key, Value* removed) {
    uint64_t hash = hash_key(key);
    if (m_index.empty()) return false;
    size_t mask = m_index.size() - 1;
    for (size_t i = hash & mask;; i = (i + 1) & mask) {
        int32_t slot = m_index[i];
        if (slot == -1) return false;
        if (slot < 0) continue;
        auto& e = m_entries[slot];
        if (e.hash != hash || e.key.as<String>()->data != key) continue;
        if (removed) *removed = std::move(e.value);
        e.key = Value::unbound();
        e.value = Value();
        m_index[i] = -2;
        --m_live;
        if (m_live * 2 < m_entries.size() && m_entries.size() > 16) rebuild(m_index.size());
        return true;
    }
}

void Dict::clear() {
    m_entries.clear();
    m_index.clear();
    m_live = 0;
    m_used_slots = 0;
}

// ---------------------------------------------------------------------------------------------
// Sources

SourceFile::SourceFile(std::string p, std::string t) : path(std::move(p)), text(std::move(t)) {
    line_starts.push_back(0);
    for (size_t i = 0; i < text.size(); ++i)
        if (text[i] == '\n') line_starts.push_back(static_cast<uint32_t>(i + 1));
}

std::string_view SourceFile::line_text(uint32_t line) const {
    if (line == 0 || line > line_starts.size()) return {};
    size_t start = line_starts[line - 1];
    size_t end = line < line_starts.size() ? line_starts[line] - 1 : text.size();
    if (end > start && text[end - 1] == '\r') --end;
    return std::string_view(text).substr(start, end - start);
}

// ---------------------------------------------------------------------------------------------

std::string_view type_name(Value const& v) {
    switch (v.tag()) {
    case TAG_NULL: return "null";
    case TAG_BOOL: return "bool";
    case TAG_INT: return "int";
    case TAG_FLOAT: return "float";
    case TAG_STR: return "string";
    case TAG_ARRAY: return "array";
    case TAG_DICT: return "dict";
    case TAG_STRUCT: return "struct";
    case TAG_TAGGED:
        switch (v.as<Tagged>()->tag_kind) {
        case TagKind::Ok:
        case TagKind::Err: return "result";
        case TagKind::Some:
        case TagKind::None: return "option";
        case TagKind::User: return "tagged";
        }
        return "tagged";
    case TAG_FUNCTION:
        switch (v.as<Function>()->info->kind) {
        case FunctionKind::Async: return "asyncfunction";
        case FunctionKind::Generator: return "generatordef";
        case FunctionKind::Normal: return "function";
        }
        return "function";
    case TAG_BUILTIN: return "function";
    case TAG_STRUCTDEF: return "structdef";
    case TAG_ENUMDEF: return "enum";
    case TAG_ERROR: return "error";
    case TAG_GENERATOR: return "generator";
    case TAG_ITERATOR: return "iterator";
    case TAG_MODULE: return "module";
    case TAG_PROMISE: return "promise";
    case TAG_CELL: return "cell";
    case TAG_BYTES: return "bytes";
    case TAG_CHANNEL: return "channel";
    case TAG_TASKHANDLE: return "taskhandle";
    case TAG_SET: return "set";
    case TAG_QUEUE: return "queue";
    case TAG_STACK: return "stack";
    case TAG_UNBOUND: return "unbound";
    case TAG_EXC: return "exception";
    }
    return "unknown";
}

}  // namespace ruff
