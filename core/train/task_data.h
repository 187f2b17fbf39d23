#pragma once

// What a training run learns from (SPEC section 8's tasks): the training batches in order and the
// fixed evaluation set, laid out for the stack (an mlp: one row per sample; conv2d: the rows of
// core/nn/conv.h, one per pixel, Fashion-MNIST's one channel as the column).
//   fashion_mnist: epoch e draws a permutation of the training images from the seed; step s takes
//     the next train.batch images; an epoch's incomplete last batch is dropped. Evaluation: the
//     first eval_size test images. Labels 0..9.
//   teacher: x ~ N(0, 1) of input.dim, a fresh batch every step; y = tanh(x·A)·B with A [dim, 64]
//     ~ N(0, 1/dim) and B [64, 10] ~ N(0, 1/64). A, B and the evaluation set are drawn first,
//     then the batches, all from one stream of the seed.

#include <cstdint>
#include <memory>
#include <vector>

#include "core/compute/tensor.h"
#include "core/config.h"
#include "core/init/rng.h"

namespace initscope {

struct FashionMnist;

struct Batch {
  MatrixRM input;
  std::vector<std::uint8_t> labels;  // fashion_mnist
  MatrixRM targets;                  // teacher: samples × 10
  std::int64_t samples() const;
};

class TaskData {
 public:
  /// Loads Fashion-MNIST (once per process) or draws the teacher. Throws InputError for missing or
  /// corrupt data files.
  explicit TaskData(const Config& config);
  ~TaskData();

  bool classifies() const { return task_ == TrainTask::fashion_mnist; }
  /// Training batch `step`; the teacher's batches must be asked for in order, from step 0.
  void training_batch(std::int64_t step, Batch& out);
  std::int64_t eval_size() const { return eval_size_; }
  /// Samples [first, first + count) of the evaluation set.
  void eval_batch(std::int64_t first, std::int64_t count, Batch& out) const;

 private:
  void layout(MatrixRM& input) const;
  const std::vector<std::int64_t>& epoch_order(std::int64_t epoch);

  TrainTask task_;
  bool conv_;
  std::int64_t batch_, eval_size_, dim_;
  Config config_;  // for its random streams
  // fashion_mnist
  std::shared_ptr<const FashionMnist> data_;
  std::int64_t order_epoch_ = -1;
  std::vector<std::int64_t> order_;
  // teacher
  MatrixRM a_, b_, eval_x_, eval_y_;
  Generator teacher_gen_;
  std::int64_t next_step_ = 0;
};

/// The teacher's targets tanh(x·A)·B, in float.
MatrixRM teacher_targets(const MatrixRM& x, const MatrixRM& a, const MatrixRM& b);

/// A permutation of [0, n) from `gen` (Fisher–Yates from the last index down, each j drawn from
/// one 32-bit word as ⌊word·(i + 1)/2³²⌋).
std::vector<std::int64_t> random_permutation(std::int64_t n, Generator& gen);

}  // namespace initscope
