#pragma once

// The engine's float GEMM: packed panels and a register-blocked micro-kernel (Goto and van de Geijn,
// "Anatomy of high-performance matrix multiplication", 2008; the BLIS loop order), with the kernel
// chosen at run time from the CPU's features rather than from the compiler's -march.
//
// Why not a library (bench/bench_gemm.cpp, `make bench-gemm`, measures them on these shapes): Eigen
// reaches about two thirds of this kernel's speed; OpenBLAS is steered by environment variables,
// which this machine sets to its AVX2 kernels (then 55% of this speed); BLIS 0.9 does not know
// this CPU and falls back to reference code; oneDNN's sgemm is level with this one (a few percent
// ahead on two of the three products, behind on the third) but picks its code and its sums by the
// ISA its JIT finds and threads itself. None promises the same bits for any thread count and
// vector width, as this one does, nor lets the engine fuse its own work into the products.
//
// Determinism: every entry of C is the sum over k of a(i, p)·b(p, j) in the order p = 0, 1, ...,
// fused multiply-adds into an accumulator that starts at 0, one accumulator per block of kGemmKc
// values of p, the blocks added to C in order. Nothing of that depends on the thread count, the
// tiling or which tile a thread takes, and the AVX-512 and AVX2 kernels do the same operations, so
// C is the same to the bit on any machine with FMA. The generic kernel (CPUs without FMA) rounds
// the product and the sum apart and so differs in the last bits.

#include <cstdint>
#include <string_view>

namespace initscope {

/// A read-only matrix of `rows × cols` floats, entry (i, j) at data[i·row_stride + j·col_stride]:
/// one type for a matrix and its transpose.
struct MatrixView {
  const float* data;
  std::int64_t rows;
  std::int64_t cols;
  std::int64_t row_stride;
  std::int64_t col_stride;

  MatrixView transposed() const { return {data, cols, rows, col_stride, row_stride}; }
};

/// The values of p summed in one accumulator before it is added to C: the whole sum for layers up to
/// 1024 wide, so that C is written once (256, which keeps a panel of B in L1, ran 10–15% slower on
/// two threads here: the kernel's 28 FMAs per 184 bytes read are fed well enough from L2).
inline constexpr std::int64_t kGemmKc = 1024;

/// Whether gemm() writes a·b over C or adds it to what C holds (each block of k's sum added in turn).
enum class GemmUpdate { overwrite, add };

/// c = a · b (or c += a · b), with c row-major of a.rows × b.cols and leading dimension ldc
/// (≥ b.cols); a.cols must equal b.rows. c must not overlap a or b. Runs on up to max_threads()
/// threads when the product is large enough to gain from them.
void gemm(const MatrixView& a, const MatrixView& b, float* c, std::int64_t ldc,
          GemmUpdate update = GemmUpdate::overwrite);

/// The micro-kernels, from the fastest the CPU can run to the one every x86-64 (and any other CPU)
/// runs.
enum class GemmKernel { avx512, avx2, generic };

/// The kernel gemm() uses: the fastest the CPU supports, or the one set by force_gemm_kernel.
GemmKernel gemm_kernel();
/// Whether this CPU (and this build) can run `kernel`.
bool gemm_kernel_supported(GemmKernel kernel);
/// For the tests and benchmarks: makes gemm() use `kernel` (which must be supported) from now on.
void force_gemm_kernel(GemmKernel kernel);
std::string_view gemm_kernel_name(GemmKernel kernel);

}  // namespace initscope
