#include "core/compute/gemm.h"

#include <algorithm>
#include <atomic>
#include <cstdlib>
#include <memory>
#include <stdexcept>
#include <string>

#include "core/compute/gemm_kernels.h"
#include "core/compute/parallel.h"

namespace initscope {
namespace {

using gemm_detail::KernelShape;

GemmKernel fastest_supported() {
  if (gemm_kernel_supported(GemmKernel::avx512)) return GemmKernel::avx512;
  if (gemm_kernel_supported(GemmKernel::avx2)) return GemmKernel::avx2;
  return GemmKernel::generic;
}

std::atomic<GemmKernel>& chosen() {
  static std::atomic<GemmKernel> kernel{fastest_supported()};
  return kernel;
}

KernelShape shape_of(GemmKernel kernel) {
  switch (kernel) {
    case GemmKernel::avx512: return gemm_detail::avx512_kernel();
    case GemmKernel::avx2: return gemm_detail::avx2_kernel();
    case GemmKernel::generic: return gemm_detail::generic_kernel();
  }
  return gemm_detail::generic_kernel();
}

// How the work is cut, never how an entry is summed (gemm.h). All of A's rows in a chunk are packed
// once, up to kChunkFloats (4 MiB: in L3, and a bound on the memory a product takes whatever its
// size); then each column tile of C packs its kc × cols block of B and the kernel runs down the
// panels of A with one kc × nr panel of B (128 KiB) held in L2.
constexpr std::int64_t kTileCols = 256;
constexpr std::int64_t kChunkFloats = std::int64_t(1) << 20;
// Below this many multiply-adds a product stays on the calling thread.
constexpr double kParallelMinWork = 1 << 21;

std::int64_t round_up(std::int64_t x, std::int64_t to) { return (x + to - 1) / to * to; }

struct FreeDeleter {
  void operator()(float* p) const { std::free(p); }
};

// A 64-byte aligned buffer of at least `floats`, one per thread and per use, kept between calls (a
// GEMM per layer would otherwise allocate and fault in its buffers each time).
template <int Use>
float* scratch(std::size_t floats) {
  thread_local std::unique_ptr<float, FreeDeleter> buffer;
  thread_local std::size_t capacity = 0;
  if (floats > capacity) {
    buffer.reset();
    const std::size_t bytes = round_up(static_cast<std::int64_t>(floats * sizeof(float)), 64);
    buffer.reset(static_cast<float*>(std::aligned_alloc(64, bytes)));
    if (!buffer) {
      capacity = 0;
      throw std::bad_alloc();
    }
    capacity = floats;
  }
  return buffer.get();
}

// Where panel r of block `block` (kc values of p) of a chunk of `panels` packed panels of A starts.
std::int64_t panel_offset(std::int64_t panels, std::int64_t block, std::int64_t r, std::int64_t kc,
                          int mr) {
  return block * panels * mr * kGemmKc + r * mr * kc;
}

// A chunk of a's rows packed for every block of k.
struct PackedRows {
  const float* data;
  std::int64_t first_row;
  std::int64_t rows;
  std::int64_t panels;

  const float* panel(std::int64_t block, std::int64_t r, std::int64_t kc, int mr) const {
    return data + panel_offset(panels, block, r, kc, mr);
  }
};

// Columns [j0, j0 + cols) of C for panels [first, last) of `packed`, over every block of k.
void gemm_tile(const KernelShape& kernel, const PackedRows& packed, std::int64_t first,
               std::int64_t last, const MatrixView& b, float* c, std::int64_t ldc,
               std::int64_t j0, std::int64_t cols, bool add) {
  const int mr = kernel.mr, nr = kernel.nr;
  const std::int64_t k = b.rows;
  float* packed_b = scratch<0>(kGemmKc * round_up(cols, nr));
  alignas(64) float edge[64 * 64];  // a partial mr × nr tile, computed whole, then copied
  for (std::int64_t p0 = 0, block = 0; p0 < k; p0 += kGemmKc, ++block) {
    const std::int64_t kc = std::min(kGemmKc, k - p0);
    const bool accumulate = add || p0 > 0;
    for (std::int64_t jp = 0; jp < cols; jp += nr)
      kernel.pack_b(b.data + p0 * b.row_stride + (j0 + jp) * b.col_stride, b.row_stride,
                    b.col_stride, std::min<std::int64_t>(nr, cols - jp), kc, packed_b + jp * kc);
    for (std::int64_t jp = 0; jp < cols; jp += nr) {
      const float* pb = packed_b + jp * kc;
      const std::int64_t live_cols = std::min<std::int64_t>(nr, cols - jp);
      for (std::int64_t r = first; r < last; ++r) {
        const float* pa = packed.panel(block, r, kc, mr);
        const std::int64_t row = packed.first_row + r * mr;
        const std::int64_t live_rows = std::min<std::int64_t>(mr, packed.rows - r * mr);
        float* out = c + row * ldc + j0 + jp;
        if (live_rows == mr && live_cols == nr) {
          kernel.run(kc, pa, pb, out, ldc, accumulate);
          continue;
        }
        // The same sums as a whole tile's, so an entry's bits do not depend on where it falls.
        kernel.run(kc, pa, pb, edge, nr, false);
        for (std::int64_t i = 0; i < live_rows; ++i)
          for (std::int64_t j = 0; j < live_cols; ++j)
            out[i * ldc + j] = accumulate ? out[i * ldc + j] + edge[i * nr + j] : edge[i * nr + j];
      }
    }
  }
}

}  // namespace

bool gemm_kernel_supported(GemmKernel kernel) {
  if (shape_of(kernel).run == nullptr) return false;
#if defined(__x86_64__)
  switch (kernel) {
    case GemmKernel::avx512: return __builtin_cpu_supports("avx512f");
    case GemmKernel::avx2:
      return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
    case GemmKernel::generic: return true;
  }
#endif
  return kernel == GemmKernel::generic;
}

GemmKernel gemm_kernel() { return chosen().load(std::memory_order_relaxed); }

void force_gemm_kernel(GemmKernel kernel) {
  if (!gemm_kernel_supported(kernel))
    throw std::invalid_argument("this CPU cannot run the " +
                                std::string(gemm_kernel_name(kernel)) + " GEMM kernel");
  chosen().store(kernel);
}

std::string_view gemm_kernel_name(GemmKernel kernel) {
  switch (kernel) {
    case GemmKernel::avx512: return "avx512";
    case GemmKernel::avx2: return "avx2";
    case GemmKernel::generic: return "generic";
  }
  return "?";
}

void gemm(const MatrixView& a, const MatrixView& b, float* c, std::int64_t ldc,
          GemmUpdate update) {
  const std::int64_t m = a.rows, n = b.cols, k = a.cols;
  const bool add = update == GemmUpdate::add;
  if (m == 0 || n == 0 || (k == 0 && add)) return;
  if (k == 0) {
    for (std::int64_t i = 0; i < m; ++i) std::fill(c + i * ldc, c + i * ldc + n, 0.0f);
    return;
  }
  const KernelShape kernel = shape_of(gemm_kernel());
  const int mr = kernel.mr, nr = kernel.nr;
  const std::int64_t blocks = (k + kGemmKc - 1) / kGemmKc;
  const std::int64_t chunk_rows =
      std::max<std::int64_t>(mr, kChunkFloats / (blocks * kGemmKc) / mr * mr);
  const bool parallel = double(m) * double(n) * double(k) >= kParallelMinWork && max_threads() > 1;
  // Column tiles of at most kTileCols, halved (down to one panel) until the threads have several
  // each to share.
  std::int64_t tile_cols = round_up(std::min(n, kTileCols), nr);
  while (parallel && (n + tile_cols - 1) / tile_cols < 2 * max_threads() && tile_cols > nr)
    tile_cols = round_up(tile_cols / 2, nr);
  const std::int64_t tiles = (n + tile_cols - 1) / tile_cols;

  for (std::int64_t i0 = 0; i0 < m; i0 += chunk_rows) {
    const std::int64_t rows = std::min(chunk_rows, m - i0);
    const std::int64_t panels = (rows + mr - 1) / mr;
    float* packed_a = scratch<1>(blocks * panels * mr * kGemmKc);
    parallel_for(
        panels,
        [&](std::int64_t r) {
          for (std::int64_t p0 = 0, block = 0; p0 < k; p0 += kGemmKc, ++block) {
            const std::int64_t kc = std::min(kGemmKc, k - p0);
            const std::int64_t row = i0 + r * mr;
            kernel.pack_a(a.data + row * a.row_stride + p0 * a.col_stride, a.row_stride,
                          a.col_stride, std::min<std::int64_t>(mr, m - row), kc,
                          packed_a + panel_offset(panels, block, r, kc, mr));
          }
        },
        parallel);
    const PackedRows packed{packed_a, i0, rows, panels};
    // When the column tiles are still too few (a narrow C: a conv layer's 64 channels), the rows
    // are cut into groups of panels too, each group packing its own copy of B's tile.
    std::int64_t groups = 1;
    while (parallel && tiles * groups < 2 * max_threads() && panels / (2 * groups) >= 4) groups *= 2;
    parallel_for(
        tiles * groups,
        [&](std::int64_t task) {
          const std::int64_t t = task / groups, g = task % groups;
          const std::int64_t j0 = t * tile_cols;
          gemm_tile(kernel, packed, panels * g / groups, panels * (g + 1) / groups, b, c, ldc, j0,
                    std::min(tile_cols, n - j0), add);
        },
        parallel);
  }
}

}  // namespace initscope
