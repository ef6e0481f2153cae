// Sets, queues and stacks (STDLIB.md §2.6 as settled by DECISIONS.md). All three are values:
// every function returns a new collection, reusing its argument in place when the caller held the
// only reference (`q := queue_enqueue(q, x)` in a loop stays linear). Sets keep insertion order
// and decide membership with `==`. The functions that also produce an item (queue_dequeue,
// stack_pop) return `[new_collection, item]`, with `null` as the item when the collection is empty.
#include "runtime/ops.h"
#include "runtime/share.h"
#include "stdlib/stdlib.h"

namespace ruff {
namespace {

template <class T, Tag tag>
T* arg_kind(Thread& th, std::span<Value> args, size_t index, std::string_view fn, std::string_view what) {
    if (!args[index].is(tag)) bad_argument(th, fn, index, what, args[index]);
    return args[index].as<T>();
}

Set* arg_set(Thread& th, std::span<Value> args, size_t index, std::string_view fn) {
    return arg_kind<Set, TAG_SET>(th, args, index, fn, "set");
}
Queue* arg_queue(Thread& th, std::span<Value> args, size_t index, std::string_view fn) {
    return arg_kind<Queue, TAG_QUEUE>(th, args, index, fn, "queue");
}
Stack* arg_stack(Thread& th, std::span<Value> args, size_t index, std::string_view fn) {
    return arg_kind<Stack, TAG_STACK>(th, args, index, fn, "stack");
}

bool member(Thread& th, std::vector<Value> const& items, Value const& x) {
    for (auto const& item : items)
        if (values_equal(th, item, x)) return true;
    return false;
}

// The optional Array argument of a constructor, as a vector of items ([] when absent).
std::vector<Value> initial_items(Thread& th, std::span<Value> args, std::string_view fn) {
    if (args.empty()) return {};
    return arg_array(th, args, 0, fn)->items;
}

// ---------------------------------------------------------------------------------------------
// Sets

// Set(items?): the elements of items without later duplicates, in order.
Value set_new(Thread& th, std::span<Value> args) {
    std::vector<Value> items;
    for (auto& x : initial_items(th, args, "Set"))
        if (!member(th, items, x)) items.push_back(std::move(x));
    return make_set(std::move(items));
}

Value set_add(Thread& th, std::span<Value> args) {
    if (member(th, arg_set(th, args, 0, "set_add")->items, args[1])) return std::move(args[0]);
    Value s = std::move(args[0]);
    Set* set = make_unique_set(s);
    share_into(set, args[1]);
    set->items.push_back(std::move(args[1]));
    return s;
}

Value set_has(Thread& th, std::span<Value> args) {
    return Value::from_bool(member(th, arg_set(th, args, 0, "set_has")->items, args[1]));
}

Value set_remove(Thread& th, std::span<Value> args) {
    auto const& items = arg_set(th, args, 0, "set_remove")->items;
    for (size_t i = 0; i < items.size(); ++i) {
        if (!values_equal(th, items[i], args[1])) continue;
        Value s = std::move(args[0]);
        Set* set = make_unique_set(s);
        set->items.erase(set->items.begin() + static_cast<std::ptrdiff_t>(i));
        return s;
    }
    return std::move(args[0]);
}

// a's members, then b's members that are not in a.
Value set_union(Thread& th, std::span<Value> args) {
    arg_set(th, args, 0, "set_union");
    auto const& other = arg_set(th, args, 1, "set_union")->items;
    std::vector<Value> extra;
    for (auto const& x : other)
        if (!member(th, args[0].as<Set>()->items, x)) extra.push_back(x);
    if (extra.empty()) return std::move(args[0]);
    Value s = std::move(args[0]);
    Set* set = make_unique_set(s);
    for (auto& x : extra) {
        share_into(set, x);
        set->items.push_back(std::move(x));
    }
    return s;
}

// The members of a that are (keep = true) or are not (keep = false) in b, in a's order.
Value set_filter(Thread& th, std::span<Value> args, std::string_view fn, bool keep) {
    auto const& items = arg_set(th, args, 0, fn)->items;
    auto const& other = arg_set(th, args, 1, fn)->items;
    std::vector<Value> out;
    for (auto const& x : items)
        if (member(th, other, x) == keep) out.push_back(x);
    return make_set(std::move(out));
}
Value set_intersect(Thread& th, std::span<Value> args) { return set_filter(th, args, "set_intersect", true); }
Value set_difference(Thread& th, std::span<Value> args) { return set_filter(th, args, "set_difference", false); }

Value set_to_array(Thread& th, std::span<Value> args) {
    return make_array(arg_set(th, args, 0, "set_to_array")->items);
}

// ---------------------------------------------------------------------------------------------
// Queues: the front is items[0].

Value queue_new(Thread& th, std::span<Value> args) { return make_queue(initial_items(th, args, "Queue")); }

Value queue_enqueue(Thread& th, std::span<Value> args) {
    arg_queue(th, args, 0, "queue_enqueue");
    Value q = std::move(args[0]);
    Queue* queue = make_unique_queue(q);
    share_into(queue, args[1]);
    queue->items.push_back(std::move(args[1]));
    return q;
}

Value queue_dequeue(Thread& th, std::span<Value> args) {
    if (arg_queue(th, args, 0, "queue_dequeue")->items.empty()) return pair(std::move(args[0]), Value());
    Value q = std::move(args[0]);
    Queue* queue = make_unique_queue(q);
    Value front = std::move(queue->items.front());
    queue->items.erase(queue->items.begin());
    return pair(std::move(q), std::move(front));
}

Value queue_peek(Thread& th, std::span<Value> args) {
    auto const& items = arg_queue(th, args, 0, "queue_peek")->items;
    return items.empty() ? Value() : items.front();
}

Value queue_is_empty(Thread& th, std::span<Value> args) {
    return Value::from_bool(arg_queue(th, args, 0, "queue_is_empty")->items.empty());
}

Value queue_to_array(Thread& th, std::span<Value> args) {
    return make_array(arg_queue(th, args, 0, "queue_to_array")->items);
}

Value queue_size(Thread& th, std::span<Value> args) {
    return Value::from_int(static_cast<int64_t>(arg_queue(th, args, 0, "queue_size")->items.size()));
}

// ---------------------------------------------------------------------------------------------
// Stacks: the top is items.back().

Value stack_new(Thread& th, std::span<Value> args) { return make_stack(initial_items(th, args, "Stack")); }

Value stack_push(Thread& th, std::span<Value> args) {
    arg_stack(th, args, 0, "stack_push");
    Value s = std::move(args[0]);
    Stack* stack = make_unique_stack(s);
    share_into(stack, args[1]);
    stack->items.push_back(std::move(args[1]));
    return s;
}

Value stack_pop(Thread& th, std::span<Value> args) {
    if (arg_stack(th, args, 0, "stack_pop")->items.empty()) return pair(std::move(args[0]), Value());
    Value s = std::move(args[0]);
    Stack* stack = make_unique_stack(s);
    Value top = std::move(stack->items.back());
    stack->items.pop_back();
    return pair(std::move(s), std::move(top));
}

Value stack_peek(Thread& th, std::span<Value> args) {
    auto const& items = arg_stack(th, args, 0, "stack_peek")->items;
    return items.empty() ? Value() : items.back();
}

Value stack_is_empty(Thread& th, std::span<Value> args) {
    return Value::from_bool(arg_stack(th, args, 0, "stack_is_empty")->items.empty());
}

Value stack_to_array(Thread& th, std::span<Value> args) {
    return make_array(arg_stack(th, args, 0, "stack_to_array")->items);
}

Value stack_size(Thread& th, std::span<Value> args) {
    return Value::from_int(static_cast<int64_t>(arg_stack(th, args, 0, "stack_size")->items.size()));
}

constexpr BuiltinEntry k_collections_builtins[] = {
    // name             fn              min max  doc
    {"Set",             set_new,        0,  1,   "Set(items?): a set of the array's distinct elements, in order"},
    {"set_add",         set_add,        2,  2,   "set_add(s, x): s with x added unless already present"},
    {"set_has",         set_has,        2,  2,   "set_has(s, x): x is a member of s (==)"},
    {"set_remove",      set_remove,     2,  2,   "set_remove(s, x): s without x"},
    {"set_union",       set_union,      2,  2,   "set_union(a, b): a's members, then b's members not in a"},
    {"set_intersect",   set_intersect,  2,  2,   "set_intersect(a, b): a's members that are in b"},
    {"set_difference",  set_difference, 2,  2,   "set_difference(a, b): a's members that are not in b"},
    {"set_to_array",    set_to_array,   1,  1,   "set_to_array(s): the members in insertion order"},
    {"Queue",           queue_new,      0,  1,   "Queue(items?): a FIFO queue, front = items[0]"},
    {"queue_enqueue",   queue_enqueue,  2,  2,   "queue_enqueue(q, x): q with x added at the back"},
    {"queue_dequeue",   queue_dequeue,  1,  1,   "queue_dequeue(q): [q without its front, front] ([q, null] if empty)"},
    {"queue_peek",      queue_peek,     1,  1,   "queue_peek(q): the front item, or null"},
    {"queue_is_empty",  queue_is_empty, 1,  1,   "queue_is_empty(q): q has no items"},
    {"queue_to_array",  queue_to_array, 1,  1,   "queue_to_array(q): the items, front first"},
    {"queue_size",      queue_size,     1,  1,   "queue_size(q): the number of items"},
    {"Stack",           stack_new,      0,  1,   "Stack(items?): a LIFO stack, top = the last item"},
    {"stack_push",      stack_push,     2,  2,   "stack_push(s, x): s with x on top"},
    {"stack_pop",       stack_pop,      1,  1,   "stack_pop(s): [s without its top, top] ([s, null] if empty)"},
    {"stack_peek",      stack_peek,     1,  1,   "stack_peek(s): the top item, or null"},
    {"stack_is_empty",  stack_is_empty, 1,  1,   "stack_is_empty(s): s has no items"},
    {"stack_to_array",  stack_to_array, 1,  1,   "stack_to_array(s): the items, bottom first"},
    {"stack_size",      stack_size,     1,  1,   "stack_size(s): the number of items"},
};

}  // namespace

void register_collections(Runtime& rt) { register_table(rt, k_collections_builtins); }

}  // namespace ruff
