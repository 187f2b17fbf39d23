#pragma once

// The optimizers of SPEC section 8, with torch.optim's semantics and its float32 arithmetic in its
// order (torch 1.13's single-tensor code paths, the CPU default):
//   sgd:  d = g + wd·p;  b ← d at the first step, else b ← μ·b + d;  p ← p − lr·(μ ≠ 0 ? b : d)
//   adam: d = g + wd·p;  m ← β₁·m + (1 − β₁)·d;  v ← β₂·v + (1 − β₂)·d²;
//         p ← p − lr/(1 − β₁ᵗ) · m / (√v / √(1 − β₂ᵗ) + ε)
// The bias corrections are taken in double, as Python computes them, and every elementwise step in
// float with the scalars rounded to float, as torch's kernels do.

#include <cstdint>
#include <span>
#include <vector>

#include "core/names.h"

namespace initscope {

enum class OptimizerKind { sgd, adam };
template <>
struct EnumNames<OptimizerKind> {
  static constexpr std::string_view family = "optimizer";
  static constexpr std::array<NameEntry<OptimizerKind>, 2> table{{
      {OptimizerKind::sgd, "sgd"},
      {OptimizerKind::adam, "adam"},
  }};
};

struct OptimizerSpec {
  OptimizerKind kind = OptimizerKind::sgd;
  double lr = 0.05;
  double momentum = 0.0;      // sgd
  double weight_decay = 0.0;  // both: L2, added to the gradient
  double beta1 = 0.9;         // adam
  double beta2 = 0.999;
  double eps = 1e-8;
  bool operator==(const OptimizerSpec&) const = default;
};

/// The state of one optimizer over a fixed list of parameter tensors, each known by its slot
/// (0, 1, 2, … in the same order at every step). Every update is elementwise, so results do not
/// depend on how many threads run it.
class Optimizer {
 public:
  explicit Optimizer(const OptimizerSpec& spec) : spec_(spec) {}

  const OptimizerSpec& spec() const { return spec_; }
  /// Steps begun so far (torch's state["step"]).
  std::int64_t steps() const { return step_; }

  /// Starts step t = steps() + 1; call it once before the step's updates.
  void begin_step() { ++step_; }

  /// Updates the parameter tensor of `slot` in place by its gradient (param and grad of the same
  /// size, which must not change between steps).
  void update(std::size_t slot, std::span<float> param, std::span<const float> grad);

 private:
  struct Slot {
    std::vector<float> first;   // sgd: the momentum buffer; adam: m
    std::vector<float> second;  // adam: v
  };
  Slot& slot_state(std::size_t slot, std::size_t size);

  OptimizerSpec spec_;
  std::int64_t step_ = 0;
  std::vector<Slot> slots_;
};

}  // namespace initscope
