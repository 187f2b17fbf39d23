#pragma once

// What an initializer draws, as a value: the kind of law and its parameters, computed from the
// scheme's formula and the tensor's fans. Sampling, the plots' theoretical density and the formula
// inspector all read the same Law, so a formula lives in one place (core/init/schemes.cpp).

#include <cmath>
#include <cstdint>

#include "core/names.h"

namespace initscope {

enum class LawKind {
  uniform,       // U[low, high)
  normal,        // N(mean, std²)
  trunc_normal,  // N(mean, std²) conditioned on [low, high]
  constant,      // every entry = value
  eye,           // identity on the leading square of a 2-D tensor
  dirac,         // Dirac delta at the kernel centre, `groups` groups
  orthogonal,    // gain · (semi-)orthogonal matrix from the QR of a Gaussian matrix
  sparse,        // N(0, std²), then ceil(sparsity·rows) zeros per column
};

template <>
struct EnumNames<LawKind> {
  static constexpr std::string_view family = "law";
  static constexpr std::array<NameEntry<LawKind>, 8> table{{
      {LawKind::uniform, "uniform"},
      {LawKind::normal, "normal"},
      {LawKind::trunc_normal, "trunc_normal"},
      {LawKind::constant, "constant"},
      {LawKind::eye, "eye"},
      {LawKind::dirac, "dirac"},
      {LawKind::orthogonal, "orthogonal"},
      {LawKind::sparse, "sparse"},
  }};
};

struct Law {
  LawKind kind = LawKind::constant;
  double low = 0.0;  // uniform and trunc_normal bounds
  double high = 0.0;
  double mean = 0.0;        // normal, trunc_normal
  double std = 0.0;         // normal, trunc_normal (before truncation), sparse
  double value = 0.0;       // constant
  double gain = 1.0;        // orthogonal
  double sparsity = 0.0;    // sparse
  std::int64_t groups = 1;  // dirac

  static Law uniform(double low, double high) {
    return {.kind = LawKind::uniform, .low = low, .high = high};
  }
  static Law normal(double mean, double std) {
    return {.kind = LawKind::normal, .mean = mean, .std = std};
  }
  static Law trunc_normal(double mean, double std, double a, double b) {
    return {.kind = LawKind::trunc_normal, .low = a, .high = b, .mean = mean, .std = std};
  }
  static Law constant(double value) { return {.kind = LawKind::constant, .value = value}; }
};

}  // namespace initscope
