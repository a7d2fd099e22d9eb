// Task<T>: the lazy coroutine type every strategy operation and simulated process returns.
//
// A Task does nothing until it is co_awaited (or handed to Runtime::spawn); on completion it
// resumes its awaiter by symmetric transfer, so long chains of awaits do not grow the stack.
// An exception thrown inside travels as an exception_ptr and is rethrown at the co_await
// (cppcoro's rule), never swallowed. A task handed to Runtime::spawn or start_now runs
// detached: at its end it destroys its own frame and gives its exception to the runtime.
// Frames come from FramePool.
//
//   Task<int> answer() { co_return 42; }
//   Task<void> caller() { int v = co_await answer(); ... }
//
// GCC 12 pitfall (STYLE.md §7): never `co_await` inside an `if` condition or a compound
// expression; put the awaited value in a local first.
#pragma once

#include <cassert>
#include <coroutine>
#include <exception>
#include <utility>

#include "engine/core/frame_pool.h"

namespace likesim {

template <class T>
class Task;
class Runtime;

namespace detail {

// Runtime::spawn / start_now's end of a detached task, told after its frame is gone
// (runtime.cpp).
void detached_task_finished(Runtime* rt, std::exception_ptr error) noexcept;

struct TaskPromiseBase {
  std::coroutine_handle<> continuation = std::noop_coroutine();
  std::exception_ptr error;
  // Set when the task runs detached: at its end it destroys its own frame and tells the
  // runtime. (A wrapper coroutine that awaited it cost a second frame and ~50 instructions a
  // request.)
  Runtime* detached_by = nullptr;

  static void* operator new(std::size_t size) { return FramePool::allocate(size); }
  static void operator delete(void* p, std::size_t size) noexcept {
    FramePool::deallocate(p, size);
  }

  std::suspend_always initial_suspend() noexcept { return {}; }
  struct FinalAwaiter {
    bool await_ready() noexcept { return false; }
    template <class P>
    std::coroutine_handle<> await_suspend(std::coroutine_handle<P> h) noexcept {
      TaskPromiseBase& p = h.promise();
      if (p.detached_by == nullptr) return p.continuation;
      Runtime* rt = p.detached_by;
      std::exception_ptr error = std::move(p.error);
      h.destroy();  // allowed: the coroutine is suspended here, and nothing else owns it
      detached_task_finished(rt, std::move(error));
      return std::noop_coroutine();
    }
    void await_resume() noexcept {}
  };
  FinalAwaiter final_suspend() noexcept { return {}; }
  void unhandled_exception() noexcept { error = std::current_exception(); }
};

template <class T>
struct TaskPromise : TaskPromiseBase {
  alignas(T) unsigned char storage[sizeof(T)];
  bool has_value = false;

  Task<T> get_return_object() noexcept;
  template <class U>
  void return_value(U&& v) {
    ::new (static_cast<void*>(storage)) T(std::forward<U>(v));
    has_value = true;
  }
  T take() {
    if (error) std::rethrow_exception(error);
    assert(has_value);
    return std::move(*std::launder(reinterpret_cast<T*>(storage)));
  }
  ~TaskPromise() {
    if (has_value) std::launder(reinterpret_cast<T*>(storage))->~T();
  }
};

template <>
struct TaskPromise<void> : TaskPromiseBase {
  Task<void> get_return_object() noexcept;
  void return_void() noexcept {}
  void take() {
    if (error) std::rethrow_exception(error);
  }
};

}  // namespace detail

template <class T = void>
class [[nodiscard]] Task {
 public:
  using promise_type = detail::TaskPromise<T>;
  using Handle = std::coroutine_handle<promise_type>;

  Task() = default;
  explicit Task(Handle h) : h_(h) {}
  Task(Task&& o) noexcept : h_(std::exchange(o.h_, {})) {}
  Task& operator=(Task&& o) noexcept {
    if (this != &o) {
      if (h_) h_.destroy();
      h_ = std::exchange(o.h_, {});
    }
    return *this;
  }
  Task(const Task&) = delete;
  Task& operator=(const Task&) = delete;
  ~Task() {
    if (h_) h_.destroy();
  }

  bool valid() const { return static_cast<bool>(h_); }
  bool done() const { return h_ && h_.done(); }

  struct Awaiter {
    Handle h;
    bool await_ready() const noexcept { return false; }
    std::coroutine_handle<> await_suspend(std::coroutine_handle<> awaiting) noexcept {
      h.promise().continuation = awaiting;
      return h;
    }
    T await_resume() { return h.promise().take(); }
  };
  Awaiter operator co_await() && noexcept {
    assert(h_ && !h_.done());
    return Awaiter{h_};
  }

  // For the runtime: start a task from outside any coroutine, and read its result.
  Handle handle() const { return h_; }
  // For the runtime: the frame, which the caller now owns.
  Handle release() { return std::exchange(h_, {}); }

 private:
  Handle h_;
};

namespace detail {
template <class T>
Task<T> TaskPromise<T>::get_return_object() noexcept {
  return Task<T>(std::coroutine_handle<TaskPromise<T>>::from_promise(*this));
}
inline Task<void> TaskPromise<void>::get_return_object() noexcept {
  return Task<void>(std::coroutine_handle<TaskPromise<void>>::from_promise(*this));
}
}  // namespace detail

}  // namespace likesim
