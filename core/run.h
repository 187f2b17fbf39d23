#pragma once

// The one entry point for an experiment: the window, the command line, the exports and the tests
// all call run(). Plain values in and out; a progress callback that may stop it between layers.

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "core/config.h"
#include "core/result.h"
#include "core/init/rng.h"
#include "core/nn/stack.h"

namespace initscope {

/// Called after each layer's weight sampling, forward pass and backward pass (total = 3·depth
/// steps).
/// Returning false stops the run, which then returns a Result with cancelled = true.
using Progress = std::function<bool(std::int64_t done, std::int64_t total)>;

struct RunOptions {
  std::uint64_t max_memory = kDefaultMaxMemory;  // bytes; larger runs are refused before allocating
  int threads = 0;                               // 0: every core
  int histogram_bins = 64;
};

/// The bytes a run allocates, from the same sizes the engine allocates.
struct MemoryEstimate {
  double weights = 0;  // W and b of every layer
  double activations =
      0;               // what the forward pass keeps for the backward: x, z_l, h_l, norm outputs
  double scratch = 0;  // the backward's working buffers, the loss probe
  double total() const { return weights + activations + scratch; }
};
MemoryEstimate estimate_memory(const Config& config);

/// Why run() would refuse this config for its size ("the run needs about 9.0 TiB (…), over the
/// limit of 4.0 GiB"), or nullopt when its estimate fits in options.max_memory. Computed from
/// the sizes alone: nothing is allocated.
std::optional<std::string> memory_refusal(const Config& config, const RunOptions& options = {});

/// "1.5 GiB", "320 MiB", "12 KiB"
std::string format_bytes(double bytes);

/// Resolves init.gain, kaiming's nonlinearity and a, and the scheme's arguments (SPEC section 2).
InitResolution resolve_init(const Config& config);

/// The block of every layer: activation with its parameter, norm and placement, residual α.
BlockSpec block_spec(const Config& config);

/// The random streams of an experiment: each tensor draws from its own Philox stream of the seed,
/// so that changing one setting (the depth, say) leaves every other tensor's numbers as they were.
/// Training's streams (SPEC section 8) come after run()'s.
enum class Stream : std::uint64_t {
  weight = 1,
  bias = 2,
  input = 3,
  probe = 4,
  readout = 5,      // the readout's weight
  batch_order = 6,  // Fashion-MNIST: one permutation per epoch (index = epoch)
  teacher = 7,      // the teacher task: A, B, the evaluation set, then the batches
};
Generator stream_generator(const Config& config, Stream stream, std::int64_t index = 0);

/// Layer l's weight and bias (l in 1..depth) exactly as run() samples them: each tensor draws from
/// its own stream of the seed, so a layer can be drawn alone. LSUV's rescaling is not applied.
Layer<float> sample_layer(const Config& config, const InitResolution& init, std::int64_t l);

/// The input batch x exactly as run() draws it: batch × input.dim (conv2d: (N·H·W) × channels).
MatrixRM sample_input(const Config& config);

/// LSUV's rescaling of W_l (Mishkin & Matas 2016), as run() applies it after computing z_l in a
/// stack whose layers before l are complete: W_l is scaled by 1/√Var(z_l) until
/// |Var(z_l) − 1| < 0.1, at most 10 times. Returns the variances seen, the last one included.
std::vector<double> lsuv_rescale(Stack<float>& stack, int l);

/// Layer l's statistics of SPEC section 4 from the forward pass (l = 0: the input), as run()
/// measures them: weights, pre-activations, activations, their histograms.
void measure_forward(const Stack<float>& stack, int l, Activation activation, int bins,
                     LayerStats& stats, LayerHistograms& histograms);

/// The gradient columns of the layer the backward pass hands out, and the histogram of ∂L/∂h_l.
/// Returns the summary of ∂L/∂h_l, which the mean-field prediction starts from at the top layer.
Summary measure_backward(const LayerGradients<float>& grads, int bins, LayerStats& stats,
                         LayerHistograms& histograms);

/// Initializes the stack, runs the forward and backward passes and measures every layer.
/// Throws InputError for an invalid config or a run over the memory limit (nothing allocated).
Result run(const Config& config, const RunOptions& options = {}, const Progress& progress = {});

}  // namespace initscope
