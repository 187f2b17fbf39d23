#include "core/train/task_data.h"

#include <cmath>
#include <numeric>
#include <span>
#include <stdexcept>

#include "core/compute/matmul.h"
#include "core/data/fashion_mnist.h"
#include "core/error.h"
#include "core/init/sampling.h"
#include "core/run.h"

namespace initscope {
namespace {

constexpr std::int64_t kTeacherHidden = 64;

MatrixRM normal_matrix(std::int64_t rows, std::int64_t cols, double std, Generator& gen) {
  MatrixRM m(rows, cols);
  fill_normal({m.data(), static_cast<std::size_t>(m.size())}, 0.0, std, gen);
  return m;
}

}  // namespace

std::int64_t Batch::samples() const {
  return labels.empty() ? targets.rows() : static_cast<std::int64_t>(labels.size());
}

std::vector<std::int64_t> random_permutation(std::int64_t n, Generator& gen) {
  std::vector<std::int64_t> order(static_cast<std::size_t>(n));
  std::iota(order.begin(), order.end(), 0);
  if (n < 2) return order;
  const std::uint64_t counters = (static_cast<std::uint64_t>(n) + 3) / 4;
  std::vector<std::uint32_t> words(4 * counters);
  gen.words(gen.reserve(counters), words);
  for (std::int64_t i = n - 1; i > 0; --i) {
    const std::uint64_t word = words[static_cast<std::size_t>(i)];
    const auto j = static_cast<std::int64_t>((word * static_cast<std::uint64_t>(i + 1)) >> 32);
    std::swap(order[static_cast<std::size_t>(i)], order[static_cast<std::size_t>(j)]);
  }
  return order;
}

MatrixRM teacher_targets(const MatrixRM& x, const MatrixRM& a, const MatrixRM& b) {
  MatrixRM hidden(x.rows(), a.cols());
  matmul_ab<float>(x, a, hidden);
  hidden = hidden.array().tanh();
  MatrixRM y(x.rows(), b.cols());
  matmul_ab<float>(hidden, b, y);
  return y;
}

TaskData::TaskData(const Config& config)
    : task_(config.train->task),
      conv_(config.network.type == NetworkType::conv2d),
      batch_(config.train->batch),
      eval_size_(config.train->eval_size),
      dim_(config.input.dim),
      config_(config),
      teacher_gen_(stream_generator(config, Stream::teacher)) {
  if (task_ == TrainTask::fashion_mnist) {
    data_ = load_fashion_mnist(config.train->data_dir);
    eval_size_ = std::min<std::int64_t>(eval_size_, data_->test.count);
    if (data_->train.count < batch_) {
      throw InputError("train.batch: " + std::to_string(batch_) + " is more than the " +
                       std::to_string(data_->train.count) + " training images in " +
                       data_->folder);
    }
    return;
  }
  a_ = normal_matrix(dim_, kTeacherHidden, 1.0 / std::sqrt(static_cast<double>(dim_)),
                     teacher_gen_);
  b_ = normal_matrix(kTeacherHidden, kReadoutOutputs,
                     1.0 / std::sqrt(static_cast<double>(kTeacherHidden)), teacher_gen_);
  eval_x_ = normal_matrix(eval_size_, dim_, 1.0, teacher_gen_);
  eval_y_ = teacher_targets(eval_x_, a_, b_);
}

TaskData::~TaskData() = default;

void TaskData::layout(MatrixRM& input) const {
  // One channel: each image's 784 pixels, row by row, are its 784 rows of one column.
  if (conv_) input.resize(input.size(), 1);
}

const std::vector<std::int64_t>& TaskData::epoch_order(std::int64_t epoch) {
  if (epoch != order_epoch_) {
    Generator gen = stream_generator(config_, Stream::batch_order, epoch);
    order_ = random_permutation(data_->train.count, gen);
    order_epoch_ = epoch;
  }
  return order_;
}

void TaskData::training_batch(std::int64_t step, Batch& out) {
  if (task_ == TrainTask::teacher) {
    if (step != next_step_) throw std::logic_error("TaskData: teacher batches are drawn in order");
    ++next_step_;
    out.input = normal_matrix(batch_, dim_, 1.0, teacher_gen_);
    out.targets = teacher_targets(out.input, a_, b_);
    out.labels.clear();
    return;
  }
  const std::int64_t per_epoch = data_->train.count / batch_;  // drop_last
  const std::vector<std::int64_t>& order = epoch_order(step / per_epoch);
  const std::span<const std::int64_t> indices(order.data() + (step % per_epoch) * batch_,
                                              static_cast<std::size_t>(batch_));
  out.input.resize(batch_, kFashionMnistPixels);
  gather_images(data_->train, indices,
                {out.input.data(), static_cast<std::size_t>(out.input.size())});
  layout(out.input);
  out.labels.resize(indices.size());
  for (std::size_t i = 0; i < indices.size(); ++i)
    out.labels[i] = data_->train.labels[static_cast<std::size_t>(indices[i])];
  out.targets.resize(0, 0);
}

void TaskData::eval_batch(std::int64_t first, std::int64_t count, Batch& out) const {
  if (task_ == TrainTask::teacher) {
    out.input = eval_x_.middleRows(first, count);
    out.targets = eval_y_.middleRows(first, count);
    out.labels.clear();
    return;
  }
  std::vector<std::int64_t> indices(static_cast<std::size_t>(count));
  std::iota(indices.begin(), indices.end(), first);
  out.input.resize(count, kFashionMnistPixels);
  gather_images(data_->test, indices,
                {out.input.data(), static_cast<std::size_t>(out.input.size())});
  layout(out.input);
  out.labels.assign(data_->test.labels.begin() + first, data_->test.labels.begin() + first + count);
  out.targets.resize(0, 0);
}

}  // namespace initscope
