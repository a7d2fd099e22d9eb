#include "engine/cli/progress_printer.h"

#include <unistd.h>

#include <chrono>
#include <cstdio>

namespace likesim {

ProgressPrinter::ProgressPrinter(std::string title, const RunProgress& progress, bool enabled)
    : title_(std::move(title)), progress_(&progress), tty_(isatty(STDERR_FILENO) == 1) {
  if (enabled) thread_ = std::thread([this] { loop(); });
}

ProgressPrinter::ProgressPrinter(std::string title, std::function<std::string()> line, bool enabled)
    : title_(std::move(title)), line_(std::move(line)), tty_(isatty(STDERR_FILENO) == 1) {
  if (enabled) thread_ = std::thread([this] { loop(); });
}

ProgressPrinter::~ProgressPrinter() { finish(); }

void ProgressPrinter::finish() {
  if (!thread_.joinable()) return;
  {
    std::lock_guard lock(mutex_);
    stop_ = true;
  }
  wake_.notify_all();
  thread_.join();
  if (tty_) std::fprintf(stderr, "\r\033[K");
  std::fflush(stderr);
}

void ProgressPrinter::say(const std::string& text) {
  std::lock_guard lock(mutex_);
  if (tty_) std::fprintf(stderr, "\r\033[K");
  std::fputs(text.c_str(), stderr);
  std::fflush(stderr);
}

std::string ProgressPrinter::run_line() const {
  double total = 0;
  std::string detail;
  for (const auto& s : progress_->strategies) {
    const int phase = s->phase.load(std::memory_order_relaxed);
    const double target = static_cast<double>(s->target_ns.load(std::memory_order_relaxed));
    const double at = static_cast<double>(s->simulated_ns.load(std::memory_order_relaxed));
    double fraction = phase >= 2 ? 1.0 : (target > 0 ? std::min(1.0, at / target) : 0.0);
    total += fraction;
    if (phase >= 1 && phase <= 3) {
      char buf[160];
      std::snprintf(buf, sizeof buf, "  %s %s %.1f/%.0f s", s->name.c_str(), phase_name(phase),
                    at * 1e-9, target * 1e-9);
      detail += buf;
    }
  }
  const double pct = progress_->strategies.empty()
                         ? 100.0
                         : 100.0 * total / static_cast<double>(progress_->strategies.size());
  const int filled = static_cast<int>(pct / 5);
  std::string bar(static_cast<std::size_t>(filled), '#');
  bar.resize(20, '.');
  char head[256];
  std::snprintf(head, sizeof head, "%s [%s] %3.0f%%", title_.c_str(), bar.c_str(), pct);
  return head + detail;
}

void ProgressPrinter::loop() {
  using namespace std::chrono_literals;
  const auto period = tty_ ? 200ms : 10s;
  std::unique_lock lock(mutex_);
  while (!wake_.wait_for(lock, period, [this] { return stop_; })) {
    std::string l = line_ ? title_ + " " + line_() : run_line();
    if (tty_) {
      if (l.size() > 160) l.resize(160);
      std::fprintf(stderr, "\r\033[K%s", l.c_str());
    } else {
      std::fprintf(stderr, "%s\n", l.c_str());
    }
    std::fflush(stderr);
  }
}

}  // namespace likesim
