// The [workload] section of a scenario: the kind of traffic and its sub-tables. Ranges are in
// scenario_schema.cpp; what is checked here is what ties keys together.
#include <filesystem>

#include "engine/scenario/scenario_reader.h"
#include "engine/scenario/scenario_schema.h"
#include "workloads/cascade_sizes.h"

namespace likesim {

void ScenarioReader::read_workload(const toml::table& t, WorkloadConfig& w) {
  int kind = 0;
  choice(t, "workload", "kind", {"steady", "celebrity", "hawkes", "replay"}, kind);
  constexpr const char* kKinds[] = {"steady", "celebrity", "hawkes", "replay"};
  w.kind = kKinds[kind];
  w.celebrity.enabled = kind == 1;
  number(t, "workload", "retry_fraction", w.retry_fraction);
  number(t, "workload", "retry_delay_ms", w.retry_delay_ms);

  if (const toml::table* st = take_table(t, "workload", "steady")) {
    constexpr std::string_view p = "workload.steady";
    SteadyConfig& c = w.steady;
    number(*st, p, "writes_per_s", c.writes_per_s);
    number(*st, p, "reads_per_s", c.reads_per_s);
    integer(*st, p, "posts", c.posts);
    number(*st, p, "zipf_s", c.zipf_s);
    integer(*st, p, "users", c.users);
    number(*st, p, "unlike_fraction", c.unlike_fraction);
    number(*st, p, "status_fraction", c.status_fraction);
    number(*st, p, "batch_fraction", c.batch_fraction);
    integer(*st, p, "batch_size", c.batch_size);
    if (c.status_fraction + c.batch_fraction > 1) {
      fail_at_either(*st, p, "batch_fraction", "status_fraction",
                     cat("status_fraction + batch_fraction must be <= 1, got ",
                         format_number(c.status_fraction), " + ", format_number(c.batch_fraction)));
    }
  }
  if (const toml::table* ce = take_table(t, "workload", "celebrity")) {
    constexpr std::string_view p = "workload.celebrity";
    CelebrityConfig& c = w.celebrity;
    if (const toml::node* n = ce->get("enabled")) {
      fail_at(*n, "workload.celebrity.enabled",
              "not a setting: workload.kind = \"celebrity\" turns the burst on");
    }
    integer(*ce, p, "post", c.post);
    number(*ce, p, "start_s", c.start_s);
    number(*ce, p, "ramp_s", c.ramp_s);
    number(*ce, p, "hold_s", c.hold_s);
    number(*ce, p, "decay_s", c.decay_s);
    number(*ce, p, "peak_likes_per_s", c.peak_likes_per_s);
    number(*ce, p, "reads_per_like", c.reads_per_like);
  }
  // A path in the scenario is relative to the scenario's folder, so a scenario runs the same
  // from any working directory.
  const auto path_from_here = [&](const toml::table& table, std::string_view prefix,
                                  std::string_view key, std::string& out) {
    string(table, prefix, key, out);
    if (out.empty() || std::filesystem::path(out).is_absolute()) return;
    out = (std::filesystem::path(file()).parent_path() / out).lexically_normal().string();
  };
  if (const toml::table* h = take_table(t, "workload", "hawkes")) {
    constexpr std::string_view p = "workload.hawkes";
    HawkesConfig& c = w.hawkes;
    int k = 0;
    if (choice(*h, p, "kernel", {"seismic", "power_law"}, k)) {
      c.kernel = k == 0 ? "seismic" : "power_law";
    }
    number(*h, p, "seismic_c", c.seismic_c);
    number(*h, p, "seismic_s0_s", c.seismic_s0_s);
    number(*h, p, "seismic_theta", c.seismic_theta);
    number(*h, p, "power_law_c_s", c.power_law_c_s);
    number(*h, p, "power_law_theta", c.power_law_theta);
    number(*h, p, "branching", c.branching);
    number(*h, p, "mark_alpha", c.mark_alpha);
    number(*h, p, "mark_beta", c.mark_beta);
    if (c.mark_alpha > 0 && c.mark_beta >= c.mark_alpha) {
      fail_at_either(*h, p, "mark_beta", "mark_alpha",
                     cat("mark_beta must be < mark_alpha (else E[m^beta] is infinite), got ",
                         format_number(c.mark_beta), " >= ", format_number(c.mark_alpha)));
    }
    number(*h, p, "horizon_s", c.horizon_s);
    number(*h, p, "rate_multiplier", c.rate_multiplier);
    number(*h, p, "cascades_per_s", c.cascades_per_s);
    number(*h, p, "first_cascade_s", c.first_cascade_s);
    path_from_here(*h, p, "sizes_file", c.sizes_file);
    if (!c.sizes_file.empty()) {
      // Read now, so that a bad row stops the load (exit 2) naming the sizes file's line.
      const absl::StatusOr<CascadeSizes> sizes = CascadeSizes::from_file(c.sizes_file, 1);
      if (absl::IsNotFound(sizes.status())) {
        fail_at(*h->get("sizes_file"), join_key(p, "sizes_file"),
                std::string(sizes.status().message()));
      }
      if (!sizes.ok()) throw LoadError{std::string(sizes.status().message())};
    }
    number(*h, p, "size_alpha", c.size_alpha);
    number(*h, p, "size_min", c.size_min);
    number(*h, p, "size_max", c.size_max);
    if (c.size_max < c.size_min) {
      fail_at_either(*h, p, "size_max", "size_min",
                     cat("size_max must be >= size_min, got ", format_number(c.size_max), " < ",
                         format_number(c.size_min)));
    }
    number(*h, p, "size_scale", c.size_scale);
    integer(*h, p, "first_post", c.first_post);
    number(*h, p, "reads_per_like", c.reads_per_like);
  }
  if (const toml::table* r = take_table(t, "workload", "replay")) {
    constexpr std::string_view p = "workload.replay";
    ReplayConfig& c = w.replay;
    path_from_here(*r, p, "trace", c.trace);
    int f = 0;
    if (choice(*r, p, "format", {"auto", "csv", "binary", "cascade"}, f)) {
      constexpr const char* kFormats[] = {"auto", "csv", "binary", "cascade"};
      c.format = kFormats[f];
    }
    number(*r, p, "compress", c.compress);
    integer(*r, p, "replicate", c.replicate);
    number(*r, p, "jitter_s", c.jitter_s);
    number(*r, p, "reads_per_like", c.reads_per_like);
    boolean(*r, p, "background", c.background);
    integer(*r, p, "first_post", c.first_post);
  }
  if (w.kind == "replay" && w.replay.trace.empty()) {
    fail_at(*t.get("kind"), "workload.kind",
            "\"replay\" needs a trace: add [workload.replay] trace = \"FILE\"");
  }
  if (const toml::table* f = take_table(t, "workload", "flash")) {
    constexpr std::string_view p = "workload.flash";
    number(*f, p, "at_s", w.flash.at_s);
    number(*f, p, "factor", w.flash.factor);
    number(*f, p, "for_s", w.flash.for_s);
  }
  if (const toml::table* c = take_table(t, "workload", "churn")) {
    constexpr std::string_view p = "workload.churn";
    number(*c, p, "fraction", w.churn.fraction);
    number(*c, p, "unlike_after_s", w.churn.unlike_after_s);
    number(*c, p, "relike_fraction", w.churn.relike_fraction);
    number(*c, p, "relike_after_s", w.churn.relike_after_s);
  }
  if (const toml::table* c = take_table(t, "workload", "client")) {
    constexpr std::string_view p = "workload.client";
    ClientRetryConfig& x = w.client;
    number(*c, p, "timeout_ms", x.timeout_ms);
    integer(*c, p, "max_attempts", x.max_attempts);
    number(*c, p, "backoff_ms", x.backoff_ms);
    number(*c, p, "multiplier", x.multiplier);
    number(*c, p, "max_backoff_ms", x.max_backoff_ms);
    number(*c, p, "jitter", x.jitter);
    number(*c, p, "budget", x.budget);
    boolean(*c, p, "reads", x.reads);
  }
}

}  // namespace likesim
