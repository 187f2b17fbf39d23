#include "core/stats/seed_bands.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>

#include "core/error.h"
#include "core/io/format.h"

namespace initscope {

std::size_t band_column(std::string_view name) {
  const auto numeric = kStatsColumns.begin() + 1;
  const auto end = numeric + kNumericColumns;
  const auto it = std::find(numeric, end, name);
  if (it == end) throw std::out_of_range("no band column " + std::string(name));
  return static_cast<std::size_t>(it - numeric);
}

std::vector<std::uint64_t> band_seeds(std::uint64_t seed, int k) {
  std::vector<std::uint64_t> seeds;
  for (int i = 0; i < k; ++i) seeds.push_back(seed + static_cast<std::uint64_t>(i));
  return seeds;
}

std::vector<Result> run_seeds(const Config& config, int k, const RunOptions& options,
                              const Progress& progress) {
  if (k < 1 || k > kMaxBandSeeds) {
    throw InputError("seed bands: the number of seeds must lie in 1.." +
                     std::to_string(kMaxBandSeeds) + ", not " + std::to_string(k));
  }
  std::vector<Result> runs;
  const std::vector<std::uint64_t> seeds = band_seeds(config.seed, k);
  for (std::size_t i = 0; i < seeds.size(); ++i) {
    Config c = config;
    c.seed = seeds[i];
    Progress step;
    if (progress) {
      step = [&, i](std::int64_t done, std::int64_t total) {
        const auto runs_before = static_cast<std::int64_t>(i);
        return progress(runs_before * total + done, static_cast<std::int64_t>(k) * total);
      };
    }
    Result r = run(c, options, step);
    if (r.cancelled) return {};
    runs.push_back(std::move(r));
  }
  return runs;
}

SeedBands seed_bands(const std::vector<Result>& runs) {
  if (runs.empty()) throw InputError("seed bands: no runs");
  Config first = runs.front().config;
  first.seed = 0;
  for (const Result& r : runs) {
    Config c = r.config;
    c.seed = 0;
    if (r.cancelled) throw InputError("seed bands: a run was cancelled");
    if (!(c == first) || r.layers.size() != runs.front().layers.size()) {
      throw InputError("seed bands: the runs differ in more than the seed");
    }
  }
  SeedBands bands;
  for (const Result& r : runs) bands.seeds.push_back(r.config.seed);
  bands.layers.resize(runs.front().layers.size());
  for (std::size_t l = 0; l < bands.layers.size(); ++l) {
    for (std::size_t c = 0; c < kNumericColumns; ++c) {
      Band band;
      double sum = 0;
      for (const Result& r : runs) {
        const std::optional<double> value = numeric_stats(r.layers[l])[c];
        if (!value || !std::isfinite(*value) || r.layers[l].overflow) continue;
        band.min = band.count == 0 ? *value : std::min(band.min, *value);
        band.max = band.count == 0 ? *value : std::max(band.max, *value);
        sum += *value;
        ++band.count;
      }
      if (band.count == 0) continue;
      // The mean of finite values can still overflow in the sum; the bounds hold it.
      band.mean = std::clamp(sum / band.count, band.min, band.max);
      bands.layers[l][c] = band;
    }
  }
  return bands;
}

std::string bands_csv(const SeedBands& bands) {
  std::string out = "layer,column,seeds,mean,min,max\n";
  for (std::size_t l = 0; l < bands.layers.size(); ++l) {
    for (std::size_t c = 0; c < kNumericColumns; ++c) {
      const std::optional<Band>& band = bands.layers[l][c];
      if (!band) continue;
      out += std::to_string(l) + ',' + std::string(kStatsColumns[c + 1]) + ',' +
             std::to_string(band->count) + ',' + format_number(band->mean) + ',' +
             format_number(band->min) + ',' + format_number(band->max) + '\n';
    }
  }
  return out;
}

}  // namespace initscope
