// CascadeSizes: how many likes each viral post gets — drawn from a file of real cascade sizes
// or from a truncated power law.
//
// The file holds `cascade_id,size` rows under that header (the data folder's
// news_cascade_sizes.csv: 20,093 news-tweet cascades, 50 to 35,999 retweets); a draw picks a
// row uniformly. Without a file, P(size >= s) = (s / min)^-alpha for min <= s <= max
// (renormalised there), drawn by inversion. Every draw is multiplied by `scale`.
//
//   absl::StatusOr<CascadeSizes> sizes = CascadeSizes::from_file(path, 1.0);  // or:
//   CascadeSizes sizes = CascadeSizes::power_law(1.5, 50, 1e7, 1.0);
//   double size = sizes->sample(rng);   // expected cascade size
//   sizes->mean();                       // its expectation
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "engine/core/random_stream.h"
#include "workloads/workload_config.h"

namespace likesim {

class CascadeSizes {
 public:
  // A bad file gets one error naming it, the line and the field:
  // `sizes.csv:3: size: expected a positive integer, got "x"`.
  static absl::StatusOr<CascadeSizes> from_file(const std::string& path, double scale);
  // The same from text already read (`name` stands for the file in errors).
  static absl::StatusOr<CascadeSizes> parse(std::string_view text, std::string_view name,
                                            double scale);
  static CascadeSizes power_law(double alpha, double min, double max, double scale);
  // The sizes a [workload.hawkes] table names: its sizes_file, or else its power law.
  static absl::StatusOr<CascadeSizes> from_config(const HawkesConfig& config);

  double sample(RandomStream& rng) const;
  double mean() const { return mean_; }
  // Rows of the file (0 for a power law).
  std::size_t rows() const { return sizes_.size(); }

 private:
  CascadeSizes() = default;

  std::vector<double> sizes_;  // empty: the power law
  double alpha_ = 1;
  double min_ = 1;
  double max_ = 1;
  double tail_ = 0;  // 1 - (min/max)^alpha: the untruncated mass below max
  double scale_ = 1;
  double mean_ = 0;
};

}  // namespace likesim
