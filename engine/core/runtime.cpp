#include "engine/core/runtime.h"

#include <stdexcept>

namespace likesim {
namespace detail {

void detached_task_finished(Runtime* rt, std::exception_ptr error) noexcept {
  if (error) rt->report_error(std::move(error));
  rt->task_finished();
}

}  // namespace detail

Task<void>::Handle Runtime::detach(Task<void> task) {
  ++live_tasks_;
  const Task<void>::Handle h = task.release();
  h.promise().detached_by = this;
  return h;
}

void Runtime::spawn(Task<void> task) { resume_at(now(), detach(std::move(task))); }

void Runtime::start_now(Task<void> task) { detach(std::move(task)).resume(); }

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
