// ProgressPrinter: shows how far a run has got, on stderr, while the simulation threads work.
//
// On a terminal it redraws one line in place ("celebrity  [#####.....] 48%  sharded_counter
// running 86.4/180 s ..."); otherwise (CI logs, pipes) it prints a plain line every 10 s of
// wall time so logs stay short. It reads RunProgress's atomics and never blocks the workers.
//
//   ProgressPrinter printer(scenario.name, progress, /*enabled=*/!quiet);
//   RunReport r = run_simulated(...);
//   printer.finish();
#pragma once

#include <atomic>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <string>
#include <thread>

#include "engine/run/run_progress.h"

namespace likesim {

class ProgressPrinter {
 public:
  ProgressPrinter(std::string title, const RunProgress& progress, bool enabled);
  // Any other progress (a sweep's): `line` makes the text after the title (a bar first).
  ProgressPrinter(std::string title, std::function<std::string()> line, bool enabled);
  ~ProgressPrinter();
  void finish();
  // Prints `text` (whole lines) on stderr without garbling the progress line.
  void say(const std::string& text);

 private:
  void loop();
  std::string run_line() const;

  std::string title_;
  const RunProgress* progress_ = nullptr;
  std::function<std::string()> line_;
  bool tty_;
  std::mutex mutex_;
  std::condition_variable wake_;
  bool stop_ = false;
  std::thread thread_;
};

}  // namespace likesim
