// Promises, tasks and channels with run-at-the-call scheduling (ASYNC.md §5.8 `--sched=seq`).
#include "runtime/tasks.h"

#include "absl/strings/str_cat.h"
#include "runtime/error.h"
#include "runtime/ops.h"

namespace ruff {

Value make_promise() { return Value::adopt(TAG_PROMISE, new Promise()); }

void settle_promise(Thread& th, Promise* p, Value result, bool rejected) {
    if (p->state != PromiseState::Pending) return;
    p->result = std::move(result);
    p->state = rejected ? PromiseState::Rejected : PromiseState::Fulfilled;
}

Value start_task(Thread& th, Value callee, std::vector<Value> args) {
    Value promise = make_promise();
    auto* p = promise.as<Promise>();
    try {
        Value result = call_value(th, callee, args);
        // An async function called from a task returns its own promise: adopt its outcome.
        if (result.is(TAG_PROMISE) && result.as<Promise>()->state != PromiseState::Pending) {
            auto* inner = result.as<Promise>();
            inner->observed = true;
            settle_promise(th, p, inner->result, inner->state == PromiseState::Rejected);
        } else {
            settle_promise(th, p, std::move(result), false);
        }
    } catch (RuffException& e) {
        settle_promise(th, p, std::move(e.error), true);
    }
    if (p->state == PromiseState::Rejected) note_unhandled(th, promise);
    return promise;
}

Value await_value(Thread& th, Value const& v) {
    if (!v.is(TAG_PROMISE)) return v;
    auto* p = v.as<Promise>();
    if (p->state == PromiseState::Rejected) {
        p->observed = true;
        reraise(p->result);
    }
    return p->result;
}

Value await_all(Thread& th, std::span<Value const> items) {
    // Fail fast with the lowest-index rejection among those settled.
    for (auto const& item : items) {
        if (item.is(TAG_PROMISE) && item.as<Promise>()->state == PromiseState::Rejected) {
            await_value(th, item);
        }
    }
    std::vector<Value> results;
    results.reserve(items.size());
    for (auto const& item : items) results.push_back(await_value(th, item));
    return make_array(std::move(results));
}

Value make_channel() { return Value::adopt(TAG_CHANNEL, new Channel()); }

bool channel_send(Thread& th, Channel* ch, Value v) {
    std::lock_guard<std::mutex> lock(ch->mutex);
    if (ch->closed) raise(th, ErrorType::ValueError, "Channel is closed");
    ch->items.push_back(std::move(v));
    return true;
}

Value channel_try_receive(Thread& th, Channel* ch) {
    std::lock_guard<std::mutex> lock(ch->mutex);
    if (ch->items.empty()) return Value();
    Value v = std::move(ch->items.front());
    ch->items.pop_front();
    return v;
}

Value channel_receive(Thread& th, Channel* ch) { return channel_try_receive(th, ch); }

void channel_close(Thread& th, Channel* ch) {
    std::lock_guard<std::mutex> lock(ch->mutex);
    ch->closed = true;
}

void note_unhandled(Thread& th, Value error_or_promise) {
    std::lock_guard<std::mutex> lock(th.rt.unhandled_mutex);
    th.rt.unhandled.push_back(std::move(error_or_promise));
}

bool report_unhandled(Thread& th, std::string (*format)(Value const&)) {
    std::vector<Value> items;
    {
        std::lock_guard<std::mutex> lock(th.rt.unhandled_mutex);
        items.swap(th.rt.unhandled);
    }
    bool any = false;
    for (auto const& v : items) {
        if (v.is(TAG_PROMISE)) {
            auto* p = v.as<Promise>();
            if (p->observed) continue;
            th.rt.write_stderr(format(p->result));
        } else {
            th.rt.write_stderr(format(v));
        }
        any = true;
    }
    return any;
}

}  // namespace ruff
