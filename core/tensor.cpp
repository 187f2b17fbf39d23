#include "core/tensor.h"

#include "core/error.h"

namespace initscope {

std::string to_string(const Shape& shape) {
  std::string text = "[";
  for (std::size_t i = 0; i < shape.size(); ++i) {
    if (i > 0) text += ", ";
    text += std::to_string(shape[i]);
  }
  return text + "]";
}

namespace {

MatrixRM zero_storage(const Shape& shape) {
  if (shape.empty() || shape.size() > 5) {
    throw InputError("a tensor has 1 to 5 dimensions, not " + std::to_string(shape.size()));
  }
  std::int64_t rest = 1;
  for (std::size_t i = 0; i < shape.size(); ++i) {
    if (shape[i] < 1) throw InputError("tensor shape " + to_string(shape) + " has a size below 1");
    if (i > 0) rest *= shape[i];
  }
  return MatrixRM::Zero(shape[0], rest);
}

}  // namespace

Tensor::Tensor(Shape shape) : shape_(std::move(shape)), data_(zero_storage(shape_)) {}

std::int64_t Tensor::offset(std::span<const std::int64_t> index) const {
  std::int64_t offset = 0;
  for (std::size_t d = 0; d < shape_.size(); ++d) offset = offset * shape_[d] + index[d];
  return offset;
}

}  // namespace initscope
