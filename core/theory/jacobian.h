#pragma once

// The spectrum of the input–output Jacobian of an mlp at initialization (Saxe, McClelland & Ganguli
// 2013; Pennington, Schoenholz & Ganguli 2017). For one sample x (a row of the input batch):
//
//   J = ∂h_depth/∂x = J_depth ⋯ J_1,   J_l = B_l·W_l            (width × input.dim)
//   residual (where the shapes match): J_l = I + α·B_l·W_l
//
// with B_l the block's own Jacobian at this sample: diag φ′(z_l) without a norm,
// diag φ′(u_l)·N_l for "pre" (u_l = norm(z_l)), N_l·diag φ′(z_l) for "post", where N_l is the
// per-sample norm's Jacobian. Its singular values σ_1 ≥ … ≥ σ_n, n = min(width, input.dim), say how
// the network stretches a small change of the input in each direction: all equal (dynamical
// isometry) when every direction passes through alike, spread over decades when some directions
// explode and others vanish.
//
// The network is the very one run() measures: the same seed gives the same weights and the same
// input batch (core/run.h sample_layer, sample_input; LSUV rescaled exactly as run() does). The
// product and the singular values are computed in double, from those float32 weights and the
// sample's forward pass evaluated in double.

#include <cstdint>
#include <vector>

#include "core/config.h"
#include "core/run.h"
#include "core/stats/summary.h"
#include "core/compute/tensor.h"

namespace initscope {

/// The largest width and input.dim the spectrum takes: J is width × input.dim, and its product
/// costs depth·width²·input.dim.
inline constexpr std::int64_t kMaxJacobianExtent = 1024;

struct JacobianOptions {
  /// The row of the input batch, 0..input.batch − 1. The whole batch is drawn, as run() draws it,
  /// and this row kept.
  std::int64_t sample = 0;
  int histogram_bins = 64;
  int threads = 0;  // 0: every core
  /// LSUV only: its rescaling needs the batch's forward pass, which is refused, as by run(), when
  /// its estimated memory exceeds this. Without LSUV the spectrum holds one layer at a time.
  std::uint64_t max_memory = kDefaultMaxMemory;
  bool keep_matrix = false;  // also hand out J itself (JacobianSpectrum::matrix)
};

struct JacobianSpectrum {
  std::int64_t sample = 0;
  std::int64_t rows = 0;  // network.width: the entries of h_depth
  std::int64_t cols = 0;  // input.dim: the entries of x

  /// σ_1 ≥ … ≥ σ_n, n = min(rows, cols). Values at or below the noise floor of the decomposition,
  /// σ_1·max(rows, cols)·2⁻⁵² (LAPACK's and Eigen's rank threshold), are indistinguishable from 0
  /// in double and are reported as exactly 0 (e.g. the directions a ReLU switches off).
  std::vector<double> singular_values;
  std::int64_t zero_count = 0;  // how many of them are 0

  /// ‖J‖_F²/n = mean of σ² (computed from J's entries, not from the σ). With width = input.dim,
  /// the factor by which the network scales the squared norm of a small input change of random
  /// direction, on average; 1 at criticality.
  double mean_squared = 0;
  double mean = 0;     // of σ
  double std_dev = 0;  // of σ (population)
  /// Var(σ²)/mean(σ²)²: the spread of JJᵀ's eigenvalues, free of the overall scale. 0 exactly for
  /// dynamical isometry (orthogonal weights, linear network); for wide critical networks it adds up
  /// over the layers (free probability), e.g. ≈ depth for Gaussian weights and identity, ≈ 2·depth
  /// for ReLU with He init (Pennington et al. 2017). NaN when every σ is 0.
  double normalized_variance = 0;
  /// Std of log10 σ over the non-zero σ: the spread in decades, the histogram's axis. NaN when
  /// every σ is 0.
  double log10_std = 0;
  /// σ_1/σ_n: +∞ when some σ is 0; NaN when all are.
  double condition = 0;
  /// q95/q05 of σ (quantiles by linear interpolation, numpy's default), the zeros included: a
  /// spread that, unlike the condition number, a handful of tiny or zero σ does not decide.
  /// +∞ when q05 is 0; NaN when q95 is.
  double quantile_ratio = 0;
  /// Of log10 σ over the non-zero σ (spreads span decades; σ = 0 is counted in zero_count
  /// instead). Built like every histogram of the project (core/stats/summary.h): equal-width bins
  /// spanning the values, a single value centred in a bin of width |v| (1 for v = 0).
  Histogram log10_histogram;

  /// std of W_1 … W_depth as used, computed as run() computes its weight_std column (so equal to
  /// it bit for bit). With an overflow, of the layers up to it.
  std::vector<double> weight_std;
  /// 0, or the first layer where the sample's activations or the product reached Inf or NaN in
  /// double: then there is no spectrum (singular_values empty, the measures NaN).
  int overflow_layer = 0;
  /// The progress callback stopped it: nothing but sample, rows and cols is set.
  bool cancelled = false;
  /// J, rows × cols, when JacobianOptions::keep_matrix is set; else empty.
  MatrixR<double> matrix;
};

/// The input–output Jacobian of sample options.sample and its singular values (Eigen's BDCSVD,
/// values only). Progress counts one step per layer (its sampling, forward pass and product) and
/// one for the decomposition; with LSUV first 2·depth more (every layer's sampling, then the
/// batch's forward pass with the rescaling). Cost: depth·width²·input.dim multiply-adds and an
/// SVD of width × input.dim, in double.
///
/// Throws InputError for an invalid config; for a conv2d network, batch norm, width or input.dim
/// over kMaxJacobianExtent, or a sample outside the batch (the message says why); and, with LSUV,
/// for a batch over options.max_memory.
JacobianSpectrum jacobian_spectrum(const Config& config, const JacobianOptions& options = {},
                                   const Progress& progress = {});

}  // namespace initscope
