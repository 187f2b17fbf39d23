#pragma once

// Seed bands: the same experiment under K seeds, and per layer the mean, minimum and maximum of
// each numeric stats.csv column over them, so that the fluctuation of a finite network is seen next
// to the single run (issue 9). A seed draws new weights, a new input and a new loss probe;
// everything else stays.

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/io/report.h"
#include "core/result.h"
#include "core/run.h"

namespace initscope {

/// The most seeds a band is taken over.
inline constexpr int kMaxBandSeeds = 32;

/// Index among the numeric columns of stats.csv (core/io/report.h: kStatsColumns[1 + index]) of the
/// column `name`; throws std::out_of_range for another name ("layer", "status" included).
std::size_t band_column(std::string_view name);

/// One statistic of one layer over the runs where it is finite (a run that overflowed at that
/// layer, or where the column is empty, does not count).
struct Band {
  double mean = 0;
  double min = 0;
  double max = 0;
  int count = 0;  // the runs it is taken over
};

struct SeedBands {
  std::vector<std::uint64_t> seeds;
  /// layers[l][c]: layer l = 0..depth, numeric column c (band_column); empty where no run has a
  /// finite value.
  std::vector<std::array<std::optional<Band>, kNumericColumns>> layers;

  const std::optional<Band>& at(int layer, std::string_view column) const {
    return layers[static_cast<std::size_t>(layer)][band_column(column)];
  }
};

/// The seeds of a band of k runs starting from `seed`: seed, seed + 1, …, seed + k − 1 (mod 2⁶⁴).
std::vector<std::uint64_t> band_seeds(std::uint64_t seed, int k);

/// Runs `config` under band_seeds(config.seed, k), 1 ≤ k ≤ kMaxBandSeeds (InputError otherwise),
/// one after the other, each with all threads. Progress counts the steps of all k runs; when it
/// stops the runs, the result is empty.
std::vector<Result> run_seeds(const Config& config, int k, const RunOptions& options = {},
                              const Progress& progress = {});

/// The bands of runs of one experiment under different seeds. Throws InputError when `runs` is
/// empty, when a run was cancelled, or when the runs differ in more than the seed.
SeedBands seed_bands(const std::vector<Result>& runs);

/// The bands in long form, one row per layer and column with a band:
/// layer,column,seeds,mean,min,max (numbers as stats.csv prints them).
std::string bands_csv(const SeedBands& bands);

}  // namespace initscope
