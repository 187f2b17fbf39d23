#pragma once

// Which of Config::Init's fields each scheme reads, and the torch (or Keras) call it stands for:
// the control panel shows a scheme's own parameters only, and cites the call in its tooltips.

#include <QString>

#include "core/init/schemes.h"

namespace initscope::ui {

/// The init fields a scheme reads (SPEC section 2).
struct SchemeControls {
  bool gain = false;              // init.gain: xavier_*, orthogonal, lsuv, kaiming_*
  bool mode = false;              // init.mode: kaiming_* (fan_in, fan_out), variance_scaling
  bool fan_avg = false;           // fan_avg among the modes: variance_scaling only
  bool kaiming = false;           // init.nonlinearity and init.a
  bool mean = false;              // normal, trunc_normal
  bool std = false;               // normal, trunc_normal, sparse
  bool low_high = false;          // uniform
  bool value = false;             // constant
  bool trunc = false;             // trunc_normal's bounds a and b
  bool sparsity = false;          // sparse
  bool variance_scaling = false;  // scale and distribution
  bool groups = false;            // dirac
  double default_std = 1.0;       // what an unset init.std means: 0.01 for sparse, else 1
};

SchemeControls controls_of(Scheme scheme);

/// The call a scheme stands for, e.g. "torch.nn.init.xavier_uniform_(w, gain=1.0)", with a
/// sentence where it is not a single torch call.
QString scheme_call(Scheme scheme);

}  // namespace initscope::ui
