#include "core/compute/tensor.h"

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

// Storage for a valid shape, its entries unset.
MatrixRM storage(const Shape& shape) {
  if (shape.empty() || shape.size() > 5) {
    throw InputError("a tensor has 1 to 5 dimensions, not " + std::to_string(shape.size()));
  }
  std::int64_t rest = 1;
  for (std::size_t i = 0; i < shape.size(); ++i) {
    if (shape[i] < 1) throw InputError("tensor shape " + to_string(shape) + " has a size below 1");
    if (i > 0) rest *= shape[i];
  }
  return MatrixRM(shape[0], rest);
}

}  // namespace

Tensor::Tensor(Shape shape) : Tensor(std::move(shape), Unset{}) {
  data_.setZero();
}

Tensor::Tensor(Shape shape, Unset) : shape_(std::move(shape)), data_(storage(shape_)) {}

Tensor Tensor::for_overwrite(Shape shape) {
  return Tensor(std::move(shape), Unset{});
}

std::int64_t Tensor::offset(std::span<const std::int64_t> index) const {
  std::int64_t offset = 0;
  for (std::size_t d = 0; d < shape_.size(); ++d) offset = offset * shape_[d] + index[d];
  return offset;
}

}  // namespace initscope
