#include "engine/core/runtime.h"

#include <stdexcept>

namespace likesim {
namespace {

// A self-destroying coroutine that owns a spawned Task and reports its exception.
struct Detached {
  struct promise_type {
    static void* operator new(std::size_t size) { return FramePool::allocate(size); }
    static void operator delete(void* p, std::size_t size) noexcept {
      FramePool::deallocate(p, size);
    }
    Detached get_return_object() noexcept {
      return Detached{std::coroutine_handle<promise_type>::from_promise(*this)};
    }
    std::suspend_always initial_suspend() noexcept { return {}; }
    std::suspend_never final_suspend() noexcept { return {}; }
    void return_void() noexcept {}
    void unhandled_exception() noexcept { std::terminate(); }  // run_detached catches all
  };
  std::coroutine_handle<promise_type> h;
};

Detached run_detached(Task<void> task, Runtime* rt) {
  try {
    co_await std::move(task);
  } catch (...) {
    rt->report_error(std::current_exception());
  }
  rt->task_finished();
}

}  // namespace

void Runtime::spawn(Task<void> task) {
  ++live_tasks_;
  Detached d = run_detached(std::move(task), this);
  resume_at(now(), d.h);
}

void Runtime::start_now(Task<void> task) {
  ++live_tasks_;
  Detached d = run_detached(std::move(task), this);
  d.h.resume();
}

std::string describe(std::exception_ptr e) {
  if (!e) return "no error";
  try {
    std::rethrow_exception(e);
  } catch (const std::exception& ex) {
    return ex.what();
  } catch (...) {
    return "unknown error";
  }
}

}  // namespace likesim
