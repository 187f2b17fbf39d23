#pragma once

// The micro-kernels behind core/compute/gemm.h, one per instruction set, each compiled for its own target
// (function attributes) so that one binary carries them all and gemm.cpp picks one at run time.

#include <cstdint>

namespace initscope::gemm_detail {

/// c[0..mr) × [0..nr) (leading dimension ldc) = (accumulate ? c + : ) Σ_p pa[p·mr + i] · pb[p·nr + j]
/// over p in [0, kc): pa is an mr-row panel of A and pb an nr-column panel of B, both packed k-major
/// (packed B is 64-byte aligned).
using MicroKernel = void (*)(std::int64_t kc, const float* pa, const float* pb, float* c,
                             std::int64_t ldc, bool accumulate);

/// Packs one panel: mr rows of A (pack_a) or nr columns of B (pack_b) by kc values of p, k-major
/// (out[p·mr + r], out[p·nr + j]), from the matrix entry at `src` with the given strides; `live`
/// rows or columns are read and the rest of the panel is zero.
using PackPanel = void (*)(const float* src, std::int64_t row_stride, std::int64_t col_stride,
                           std::int64_t live, std::int64_t kc, float* out);

struct KernelShape {
  int mr;  // rows of C per call
  int nr;  // columns of C per call
  MicroKernel run;
  PackPanel pack_a;
  PackPanel pack_b;
};

/// Null `run` where this build has no kernel for that instruction set (not x86-64).
KernelShape avx512_kernel();
KernelShape avx2_kernel();
KernelShape generic_kernel();

}  // namespace initscope::gemm_detail
