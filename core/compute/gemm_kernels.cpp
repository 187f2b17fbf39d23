#include "core/compute/gemm_kernels.h"

#include <algorithm>

#if defined(__x86_64__)
#include <immintrin.h>
#define INITSCOPE_TARGET(isa) __attribute__((target(isa)))
#else
#define INITSCOPE_TARGET(isa)
#endif

namespace initscope::gemm_detail {
namespace {

// One panel of W lines (rows of A, or columns of B) by kc values of p: out[p·W + line] = the entry
// at src[line·line_stride + p·k_stride], lines past `live` zero. pack_a is this on A as it is and
// pack_b on B transposed (gemm.h's MatrixView), so both packs share it.
template <int W>
void pack_panel(const float* src, std::int64_t line_stride, std::int64_t k_stride,
                std::int64_t live, std::int64_t kc, float* out) {
  if (k_stride == 1) {
    for (std::int64_t line = 0; line < live; ++line) {
      const float* in = src + line * line_stride;
      for (std::int64_t p = 0; p < kc; ++p) out[p * W + line] = in[p];
    }
  } else {
    for (std::int64_t p = 0; p < kc; ++p) {
      const float* in = src + p * k_stride;
      for (std::int64_t line = 0; line < live; ++line) out[p * W + line] = in[line * line_stride];
    }
  }
  if (live < W)
    for (std::int64_t p = 0; p < kc; ++p)
      for (std::int64_t line = live; line < W; ++line) out[p * W + line] = 0.0f;
}

template <int W>
void pack_a_generic(const float* src, std::int64_t row_stride, std::int64_t col_stride,
                    std::int64_t live, std::int64_t kc, float* out) {
  pack_panel<W>(src, row_stride, col_stride, live, kc, out);
}

template <int W>
void pack_b_generic(const float* src, std::int64_t row_stride, std::int64_t col_stride,
                    std::int64_t live, std::int64_t kc, float* out) {
  pack_panel<W>(src, col_stride, row_stride, live, kc, out);
}

#if defined(__x86_64__)

// MR rows × NV vectors of 16: 14 × 32 keeps 28 accumulators, the two vectors of B and the
// broadcast of A in the 32 zmm registers; per value of p, 28 FMAs against 2 loads and 14 broadcasts,
// so the two FMA pipes stay busy (bench/bench_gemm.cpp measured 14×32 ahead of 12×32, 8×48, 6×64).
constexpr int kAvx512Mr = 14;
constexpr int kAvx512Nv = 2;

template <int MR, int NV>
INITSCOPE_TARGET("avx512f")
void kernel_avx512(std::int64_t kc, const float* pa, const float* pb, float* c, std::int64_t ldc,
                   bool accumulate) {
  constexpr int NR = 16 * NV;
  // C's tile is read (or written) only at the end: ask for it now, while the sums run.
#pragma GCC unroll 32
  for (int i = 0; i < MR; ++i)
#pragma GCC unroll 8
    for (int v = 0; v < NV; ++v) _mm_prefetch(reinterpret_cast<const char*>(c + i * ldc + 16 * v), _MM_HINT_T0);
  __m512 acc[MR][NV];
#pragma GCC unroll 32
  for (int i = 0; i < MR; ++i)
#pragma GCC unroll 8
    for (int v = 0; v < NV; ++v) acc[i][v] = _mm512_setzero_ps();
  for (std::int64_t p = 0; p < kc; ++p) {
    __m512 b[NV];
#pragma GCC unroll 8
    for (int v = 0; v < NV; ++v) b[v] = _mm512_load_ps(pb + p * NR + 16 * v);
#pragma GCC unroll 32
    for (int i = 0; i < MR; ++i) {
      const __m512 a = _mm512_set1_ps(pa[p * MR + i]);
#pragma GCC unroll 8
      for (int v = 0; v < NV; ++v) acc[i][v] = _mm512_fmadd_ps(a, b[v], acc[i][v]);
    }
  }
#pragma GCC unroll 32
  for (int i = 0; i < MR; ++i)
#pragma GCC unroll 8
    for (int v = 0; v < NV; ++v) {
      float* out = c + i * ldc + 16 * v;
      _mm512_storeu_ps(out, accumulate ? _mm512_add_ps(_mm512_loadu_ps(out), acc[i][v]) : acc[i][v]);
    }
}

// rows[q] = column q of the 16 × 16 block whose row i is rows[i] on entry (Intel's usual
// unpack, unpack, two-shuffle transpose).
INITSCOPE_TARGET("avx512f")
inline void transpose16(__m512 rows[16]) {
  __m512 t[16], u[16];
  for (int i = 0; i < 8; ++i) {
    t[2 * i] = _mm512_unpacklo_ps(rows[2 * i], rows[2 * i + 1]);
    t[2 * i + 1] = _mm512_unpackhi_ps(rows[2 * i], rows[2 * i + 1]);
  }
  // u[4i + c], 128-bit lane L: rows 4i … 4i + 3 of column 4L + c.
  for (int i = 0; i < 4; ++i)
    for (int h = 0; h < 2; ++h) {
      const __m512d x = _mm512_castps_pd(t[4 * i + h]), y = _mm512_castps_pd(t[4 * i + 2 + h]);
      u[4 * i + 2 * h] = _mm512_castpd_ps(_mm512_unpacklo_pd(x, y));
      u[4 * i + 2 * h + 1] = _mm512_castpd_ps(_mm512_unpackhi_pd(x, y));
    }
  for (int c = 0; c < 4; ++c) {
    const __m512 a01 = _mm512_shuffle_f32x4(u[c], u[4 + c], _MM_SHUFFLE(1, 0, 1, 0));
    const __m512 b01 = _mm512_shuffle_f32x4(u[8 + c], u[12 + c], _MM_SHUFFLE(1, 0, 1, 0));
    const __m512 a23 = _mm512_shuffle_f32x4(u[c], u[4 + c], _MM_SHUFFLE(3, 2, 3, 2));
    const __m512 b23 = _mm512_shuffle_f32x4(u[8 + c], u[12 + c], _MM_SHUFFLE(3, 2, 3, 2));
    rows[c] = _mm512_shuffle_f32x4(a01, b01, _MM_SHUFFLE(2, 0, 2, 0));
    rows[4 + c] = _mm512_shuffle_f32x4(a01, b01, _MM_SHUFFLE(3, 1, 3, 1));
    rows[8 + c] = _mm512_shuffle_f32x4(a23, b23, _MM_SHUFFLE(2, 0, 2, 0));
    rows[12 + c] = _mm512_shuffle_f32x4(a23, b23, _MM_SHUFFLE(3, 1, 3, 1));
  }
}

// pack_panel<W> with vectors: lines contiguous in p (A row-major, B = Wᵀ) go through 16 × 16
// transposes; lines contiguous across the panel (A = dZᵀ, B row-major) are copied 16 at a time.
// The same values land in the same places, so the packs cannot change a result.
template <int W>
INITSCOPE_TARGET("avx512f")
void pack_panel_avx512(const float* src, std::int64_t line_stride, std::int64_t k_stride,
                       std::int64_t live, std::int64_t kc, float* out) {
  constexpr int kGroups = (W + 15) / 16;
  if (k_stride == 1) {
    const std::int64_t whole = kc / 16 * 16;
    for (int g = 0; g < kGroups; ++g) {
      const int lines = static_cast<int>(std::min<std::int64_t>(16, live - 16 * g));
      const __mmask16 keep = static_cast<__mmask16>((1u << std::min(16, W - 16 * g)) - 1);
      for (std::int64_t p = 0; p < whole; p += 16) {
        __m512 block[16];
        for (int i = 0; i < 16; ++i)
          block[i] = i < lines ? _mm512_loadu_ps(src + (16 * g + i) * line_stride + p)
                               : _mm512_setzero_ps();
        transpose16(block);
        for (int q = 0; q < 16; ++q) _mm512_mask_storeu_ps(out + (p + q) * W + 16 * g, keep, block[q]);
      }
    }
    for (std::int64_t p = whole; p < kc; ++p)
      for (int line = 0; line < W; ++line)
        out[p * W + line] = line < live ? src[line * line_stride + p] : 0.0f;
    return;
  }
  if (line_stride == 1) {
    for (std::int64_t p = 0; p < kc; ++p)
      for (int g = 0; g < kGroups; ++g) {
        const std::int64_t lines = std::clamp<std::int64_t>(live - 16 * g, 0, 16);
        const __mmask16 read = static_cast<__mmask16>((1u << lines) - 1);
        const __mmask16 keep = static_cast<__mmask16>((1u << std::min(16, W - 16 * g)) - 1);
        const __m512 v = _mm512_maskz_loadu_ps(read, src + p * k_stride + 16 * g);
        _mm512_mask_storeu_ps(out + p * W + 16 * g, keep, v);
      }
    return;
  }
  pack_panel<W>(src, line_stride, k_stride, live, kc, out);
}

template <int W>
INITSCOPE_TARGET("avx512f")
void pack_a_avx512(const float* src, std::int64_t row_stride, std::int64_t col_stride,
                   std::int64_t live, std::int64_t kc, float* out) {
  pack_panel_avx512<W>(src, row_stride, col_stride, live, kc, out);
}

template <int W>
INITSCOPE_TARGET("avx512f")
void pack_b_avx512(const float* src, std::int64_t row_stride, std::int64_t col_stride,
                   std::int64_t live, std::int64_t kc, float* out) {
  pack_panel_avx512<W>(src, col_stride, row_stride, live, kc, out);
}

// The same with 8-float vectors in the 16 ymm registers: 6 × 16, 12 accumulators.
constexpr int kAvx2Mr = 6;
constexpr int kAvx2Nv = 2;

template <int MR, int NV>
INITSCOPE_TARGET("avx2,fma")
void kernel_avx2(std::int64_t kc, const float* pa, const float* pb, float* c, std::int64_t ldc,
                 bool accumulate) {
  constexpr int NR = 8 * NV;
  __m256 acc[MR][NV];
#pragma GCC unroll 16
  for (int i = 0; i < MR; ++i)
#pragma GCC unroll 8
    for (int v = 0; v < NV; ++v) acc[i][v] = _mm256_setzero_ps();
  for (std::int64_t p = 0; p < kc; ++p) {
    __m256 b[NV];
#pragma GCC unroll 8
    for (int v = 0; v < NV; ++v) b[v] = _mm256_load_ps(pb + p * NR + 8 * v);
#pragma GCC unroll 16
    for (int i = 0; i < MR; ++i) {
      const __m256 a = _mm256_broadcast_ss(pa + p * MR + i);
#pragma GCC unroll 8
      for (int v = 0; v < NV; ++v) acc[i][v] = _mm256_fmadd_ps(a, b[v], acc[i][v]);
    }
  }
#pragma GCC unroll 16
  for (int i = 0; i < MR; ++i)
#pragma GCC unroll 8
    for (int v = 0; v < NV; ++v) {
      float* out = c + i * ldc + 8 * v;
      _mm256_storeu_ps(out, accumulate ? _mm256_add_ps(_mm256_loadu_ps(out), acc[i][v]) : acc[i][v]);
    }
}

#endif  // __x86_64__

// Plain C++ for any CPU. This file is compiled with -ffp-contract=off, so `acc += a * b` rounds the
// product and the sum apart on every machine, whatever -march says (core/CMakeLists.txt).
constexpr int kGenericMr = 4;
constexpr int kGenericNr = 16;

void kernel_generic(std::int64_t kc, const float* pa, const float* pb, float* c, std::int64_t ldc,
                    bool accumulate) {
  float acc[kGenericMr][kGenericNr] = {};
  for (std::int64_t p = 0; p < kc; ++p)
    for (int i = 0; i < kGenericMr; ++i) {
      const float a = pa[p * kGenericMr + i];
      for (int j = 0; j < kGenericNr; ++j) acc[i][j] += a * pb[p * kGenericNr + j];
    }
  for (int i = 0; i < kGenericMr; ++i)
    for (int j = 0; j < kGenericNr; ++j)
      c[i * ldc + j] = accumulate ? c[i * ldc + j] + acc[i][j] : acc[i][j];
}

}  // namespace

KernelShape avx512_kernel() {
#if defined(__x86_64__)
  constexpr int nr = 16 * kAvx512Nv;
  return {kAvx512Mr, nr, kernel_avx512<kAvx512Mr, kAvx512Nv>, pack_a_avx512<kAvx512Mr>,
          pack_b_avx512<nr>};
#else
  return {0, 0, nullptr, nullptr, nullptr};
#endif
}

KernelShape avx2_kernel() {
#if defined(__x86_64__)
  constexpr int nr = 8 * kAvx2Nv;
  return {kAvx2Mr, nr, kernel_avx2<kAvx2Mr, kAvx2Nv>, pack_a_generic<kAvx2Mr>,
          pack_b_generic<nr>};
#else
  return {0, 0, nullptr, nullptr, nullptr};
#endif
}

KernelShape generic_kernel() {
  return {kGenericMr, kGenericNr, kernel_generic, pack_a_generic<kGenericMr>,
          pack_b_generic<kGenericNr>};
}

}  // namespace initscope::gemm_detail
