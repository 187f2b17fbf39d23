#include "core/train/optimizer.h"

#include <cmath>

#include "core/compute/parallel.h"

namespace initscope {
namespace {

constexpr std::int64_t kBlock = 1 << 14;

// fn(begin, end) over a fixed partition of [0, size): the same arithmetic whichever thread runs.
template <typename Fn>
void for_blocks(std::size_t size, Fn fn) {
  parallel_for_ranges(
      static_cast<std::int64_t>(size), kBlock,
      [&](std::int64_t begin, std::int64_t count) {
        fn(static_cast<std::size_t>(begin), static_cast<std::size_t>(begin + count));
      },
      size >= 2 * static_cast<std::size_t>(kBlock));
}

}  // namespace

Optimizer::Slot& Optimizer::slot_state(std::size_t slot, std::size_t size) {
  if (slot >= slots_.size()) slots_.resize(slot + 1);
  Slot& s = slots_[slot];
  if (spec_.kind == OptimizerKind::adam && s.first.empty()) {
    s.first.assign(size, 0.0f);
    s.second.assign(size, 0.0f);
  }
  return s;
}

void Optimizer::update(std::size_t slot, std::span<float> param, std::span<const float> grad) {
  Slot& s = slot_state(slot, param.size());
  // torch rounds each Python scalar to the tensor's float when it applies it.
  const float wd = static_cast<float>(spec_.weight_decay);
  if (spec_.kind == OptimizerKind::sgd) {
    const float lr = static_cast<float>(spec_.lr);
    const float mu = static_cast<float>(spec_.momentum);
    const bool start_buffer = spec_.momentum != 0.0 && s.first.empty();
    if (start_buffer) s.first.resize(param.size());
    float* buffer = s.first.data();
    for_blocks(param.size(), [&](std::size_t begin, std::size_t end) {
      for (std::size_t i = begin; i < end; ++i) {
        float d = spec_.weight_decay != 0.0 ? std::fma(param[i], wd, grad[i]) : grad[i];
        if (spec_.momentum != 0.0) {
          buffer[i] = start_buffer ? d : buffer[i] * mu + d;
          d = buffer[i];
        }
        param[i] = std::fma(d, -lr, param[i]);
      }
    });
    return;
  }
  const double t = static_cast<double>(step_);
  const double correction1 = 1.0 - std::pow(spec_.beta1, t);
  const double correction2 = 1.0 - std::pow(spec_.beta2, t);
  const float beta1 = static_cast<float>(spec_.beta1);
  const float beta2 = static_cast<float>(spec_.beta2);
  const float one_minus_beta1 = static_cast<float>(1.0 - spec_.beta1);
  const float one_minus_beta2 = static_cast<float>(1.0 - spec_.beta2);
  const float root_correction2 = static_cast<float>(std::sqrt(correction2));
  const float eps = static_cast<float>(spec_.eps);
  const float step_size = static_cast<float>(-(spec_.lr / correction1));
  float* m = s.first.data();
  float* v = s.second.data();
  for_blocks(param.size(), [&](std::size_t begin, std::size_t end) {
    for (std::size_t i = begin; i < end; ++i) {
      const float d = spec_.weight_decay != 0.0 ? std::fma(param[i], wd, grad[i]) : grad[i];
      m[i] = std::fma(d, one_minus_beta1, m[i] * beta1);
      const float scaled = one_minus_beta2 * d;
      v[i] = v[i] * beta2 + scaled * d;
      const float denominator = std::sqrt(v[i]) / root_correction2 + eps;
      param[i] = param[i] + step_size * (m[i] / denominator);
    }
  });
}

}  // namespace initscope
