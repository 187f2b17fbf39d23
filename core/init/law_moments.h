#pragma once

// The moments of one entry of a weight law: what a layer does to the second moment of the signal
// passing through it. The formula inspector (its "does not follow the fan" pitfall) and the
// mean-field prediction (core/theory/mean_field.h) read the same numbers.

#include <cstdint>
#include <optional>

#include "core/init/law.h"
#include "core/compute/tensor.h"

namespace initscope {

/// The zeros sparse puts in each column: torch's int(math.ceil(sparsity * rows)), in double as
/// Python computes it.
std::int64_t sparse_zeros(const Law& law, const Shape& shape);

/// E[W] of one entry of a law whose entries are exchangeable (uniform, normal, trunc_normal,
/// sparse, orthogonal: 0 by symmetry); nullopt for the structured ones (constant, eye, dirac).
std::optional<double> entry_mean(const Law& law, const Shape& shape);

/// E[W²] of one entry, for the same laws. A layer multiplies the second moment of its input by
/// about fan_in·E[W²]. orthogonal: gain²/max(rows, cols) with rows = shape[0], cols = numel/rows,
/// exactly, since the rows (or the columns) are orthonormal and every entry has the same law.
std::optional<double> second_moment(const Law& law, const Shape& shape);

}  // namespace initscope
