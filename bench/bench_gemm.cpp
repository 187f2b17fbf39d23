// The GEMM candidates side by side (README, Performance; core/compute/gemm.h says why the engine has its
// own): core's gemm() with each of its kernels, Eigen, OpenBLAS, BLIS and oneDNN, on the three
// products of one layer of the heavy experiment (batch 512, width 1024, input 1024).
//
// The libraries are opened with dlopen, so the bench builds and runs without them (a missing one
// skips with what to install: `make bench-gemm` installs them). Each library runs single-threaded
// on an equal share of the output rows per thread, the one way InitScope could call it without
// handing it the threading: OpenBLAS's, BLIS's and oneDNN's own threads would split the work by
// the thread count, and their results with it.
#include <benchmark/benchmark.h>
#include <dlfcn.h>

#include <array>
#include <cstdint>
#include <cstdio>
#include <initializer_list>
#include <string>

#include "bench/run_loops.h"
#include "core/compute/gemm.h"
#include "core/compute/matmul.h"
#include "core/compute/parallel.h"
#include "core/compute/tensor.h"

namespace initscope::bench {
namespace {

constexpr double kMaxRelErr = 1e-5;

struct Product {
  MatrixView a, b;
  MatrixRM expected;  // core's gemm() with the CPU's fastest kernel
};

constexpr std::array<const char*, 3> kProductNames = {"abt", "ab", "atb"};

// abt: z = h·Wᵀ (forward), ab: ∂h = ∂z·W (input gradient), atb: ∂W = (∂z)ᵀ·h (weight gradient).
// Built on first use, before any benchmark forces a kernel, so `expected` uses the default one.
const Product& product(int index) {
  static const MatrixRM h = MatrixRM::Random(512, 1024), w = MatrixRM::Random(1024, 1024),
                        dz = MatrixRM::Random(512, 1024);
  static const std::array<Product, 3> products = [] {
    std::array<Product, 3> p = {Product{as_view(h), as_view(w).transposed(), {}},
                                Product{as_view(dz), as_view(w), {}},
                                Product{as_view(dz).transposed(), as_view(h), {}}};
    for (Product& q : p) {
      q.expected.resize(q.a.rows, q.b.cols);
      gemm(q.a, q.b, q.expected.data(), q.b.cols);
    }
    return p;
  }();
  return products[index];
}

// Checks compute(c) once against core's gemm(), then times it on `threads` threads; compute writes
// the whole product into c (row-major, leading dimension b.cols).
template <typename Compute>
void measure(benchmark::State& state, const Product& p, int threads, Compute compute) {
  const ThreadLimit scope(threads);
  MatrixRM out = MatrixRM::Zero(p.a.rows, p.b.cols);
  compute(out.data());
  const double err = (out - p.expected).cwiseAbs().maxCoeff() / p.expected.cwiseAbs().maxCoeff();
  state.counters["max_rel_err"] = err;
  if (!(err <= kMaxRelErr)) {  // NaN included
    char message[80];
    std::snprintf(message, sizeof message, "max relative error %.2g above %.0g", err, kMaxRelErr);
    state.SkipWithError(message);
    return;
  }
  for (auto _ : state) {
    compute(out.data());
    benchmark::ClobberMemory();
  }
  state.counters["GFLOP/s"] = benchmark::Counter(2.0 * p.a.rows * p.b.cols * p.a.cols,
                                                 benchmark::Counter::kIsIterationInvariantRate);
}

// One `block` call per thread on an equal share of the output rows (split_rows).
template <typename BlockFn>
void measure_split(benchmark::State& state, const Product& p, int threads, BlockFn block) {
  measure(state, p, threads, [&](float* c) {
    split_rows(threads, p.a.rows, [&](Eigen::Index begin, Eigen::Index rows) {
      const MatrixView a{p.a.data + begin * p.a.row_stride, rows, p.a.cols, p.a.row_stride,
                         p.a.col_stride};
      block(a, p.b, c + begin * p.b.cols, p.b.cols);
    });
  });
}

// --- Core's gemm(), on its own threads -------------------------------------------------------

void initscope(benchmark::State& state, const Product& p, int threads, GemmKernel kernel) {
  if (!gemm_kernel_supported(kernel)) {
    const std::string message =
        "this CPU or build cannot run the " + std::string(gemm_kernel_name(kernel)) + " kernel";
    state.SkipWithError(message.c_str());
    return;
  }
  const GemmKernel previous = gemm_kernel();
  force_gemm_kernel(kernel);
  measure(state, p, threads, [&](float* c) { gemm(p.a, p.b, c, p.b.cols); });
  force_gemm_kernel(previous);
}

// --- Eigen -----------------------------------------------------------------------------------

// A view as an expression Eigen's GEMM reads in place: a strided row-major map or its transpose.
template <typename Fn>
void as_eigen(const MatrixView& v, Fn fn) {
  using Map = Eigen::Map<const MatrixRM, 0, Eigen::OuterStride<>>;
  if (v.col_stride == 1) {
    fn(Map(v.data, v.rows, v.cols, Eigen::OuterStride<>(v.row_stride)));
  } else {
    fn(Map(v.data, v.cols, v.rows, Eigen::OuterStride<>(v.col_stride)).transpose());
  }
}

// On row-major operands as the engine holds them. Column-major copies of the operands were tried
// (Eigen 3.4, -march=native, AVX-512): about 5% slower on abt, within 4% either way on ab and atb,
// so the copy buys nothing.
void eigen(benchmark::State& state, const Product& p, int threads) {
  const auto block = [](const MatrixView& a, const MatrixView& b, float* c, std::int64_t ldc) {
    Eigen::Map<MatrixRM, 0, Eigen::OuterStride<>> out(c, a.rows, b.cols, Eigen::OuterStride<>(ldc));
    as_eigen(
        a, [&](const auto& ea) { as_eigen(b, [&](const auto& eb) { out.noalias() = ea * eb; }); });
  };
  measure_split(state, p, threads, block);
}

// --- Libraries opened at run time ------------------------------------------------------------

// The first of `paths` that opens; on failure `error` names the library and the package.
void* open_library(std::initializer_list<const char*> paths, const char* package,
                   std::string& error) {
  for (const char* path : paths) {
    if (void* handle = dlopen(path, RTLD_NOW | RTLD_LOCAL)) return handle;
  }
  error = std::string(*paths.begin()) + " not found (apt-get install " + package + ")";
  return nullptr;
}

// Looks `name` up in `library` (and the libraries it loaded); false with `error` set when missing.
template <typename Fn>
bool bind(void* library, const char* name, Fn*& fn, std::string& error) {
  fn = library != nullptr ? reinterpret_cast<Fn*>(dlsym(library, name)) : nullptr;
  if (fn == nullptr && error.empty()) error = std::string(name) + " not found in the library";
  return fn != nullptr;
}

// How row-major BLAS reads a view: op(X) = X (transposed false) or Xᵀ, X with leading dimension ld.
struct BlasOperand {
  bool transposed;
  std::int64_t ld;
};
BlasOperand blas(const MatrixView& v) {
  return v.col_stride == 1 ? BlasOperand{false, v.row_stride} : BlasOperand{true, v.col_stride};
}

struct OpenBlas {
  std::string error;
  // cblas_sgemm(layout, transa, transb, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc), 32-bit ints
  void (*sgemm)(int, int, int, int, int, int, float, const float*, int, const float*, int, float,
                float*, int);
  void (*set_num_threads)(int);
  char* (*corename)();
};

const OpenBlas& openblas() {
  static const OpenBlas lib = [] {
    OpenBlas l{};
    void* h = open_library({"libopenblas.so.0"}, "libopenblas0", l.error);
    if (bind(h, "cblas_sgemm", l.sgemm, l.error) &&
        bind(h, "openblas_set_num_threads", l.set_num_threads, l.error) &&
        bind(h, "openblas_get_corename", l.corename, l.error)) {
      l.set_num_threads(1);
    }
    return l;
  }();
  return lib;
}

// The label is the kernel family OpenBLAS chose, to see whether OPENBLAS_CORETYPE steered it.
void openblas_gemm(benchmark::State& state, const Product& p, int threads) {
  const OpenBlas& lib = openblas();
  if (!lib.error.empty()) {
    state.SkipWithError(lib.error.c_str());
    return;
  }
  state.SetLabel(lib.corename());
  const auto block = [&lib](const MatrixView& a, const MatrixView& b, float* c, std::int64_t ldc) {
    constexpr int kRowMajor = 101, kNoTrans = 111, kTrans = 112;
    const BlasOperand oa = blas(a), ob = blas(b);
    lib.sgemm(kRowMajor, oa.transposed ? kTrans : kNoTrans, ob.transposed ? kTrans : kNoTrans,
              int(a.rows), int(b.cols), int(a.cols), 1.0f, a.data, int(oa.ld), b.data, int(ob.ld),
              0.0f, c, int(ldc));
  };
  measure_split(state, p, threads, block);
}

struct Blis {
  std::string error;
  // bli_sgemm(transa, transb, m, n, k, alpha, a, rsa, csa, b, rsb, csb, beta, c, rsc, csc): BLIS's
  // own interface takes both strides, so a transposed view needs no flag. dim_t and inc_t are
  // 64-bit on x86-64 (the "32bit" of Debian's package is the BLAS interface's integers).
  void (*sgemm)(int, int, std::int64_t, std::int64_t, std::int64_t, const float*, const float*,
                std::int64_t, std::int64_t, const float*, std::int64_t, std::int64_t, const float*,
                float*, std::int64_t, std::int64_t);
  void (*set_num_threads)(std::int64_t);
  int (*arch_query_id)();
  const char* (*arch_string)(int);
};

const Blis& blis() {
  static const Blis lib = [] {
    Blis l{};
    // libblis.so.4 is an alternatives link to one of the threading variants.
    void* h = open_library({"libblis.so.4", "/usr/lib/x86_64-linux-gnu/blis-openmp/libblis.so.4",
                            "/usr/lib/x86_64-linux-gnu/blis-pthread/libblis.so.4",
                            "/usr/lib/x86_64-linux-gnu/blis-serial/libblis.so.4"},
                           "libblis4", l.error);
    if (bind(h, "bli_sgemm", l.sgemm, l.error) &&
        bind(h, "bli_thread_set_num_threads", l.set_num_threads, l.error) &&
        bind(h, "bli_arch_query_id", l.arch_query_id, l.error) &&
        bind(h, "bli_arch_string", l.arch_string, l.error)) {
      l.set_num_threads(1);
    }
    return l;
  }();
  return lib;
}

// The label is the sub-configuration BLIS chose. BLIS 0.9 falls back to "generic" (its reference
// kernels, about a fifth of the speed) on a CPU it does not know; BLIS_ARCH_TYPE=0 forces "skx".
void blis_gemm(benchmark::State& state, const Product& p, int threads) {
  const Blis& lib = blis();
  if (!lib.error.empty()) {
    state.SkipWithError(lib.error.c_str());
    return;
  }
  state.SetLabel(lib.arch_string(lib.arch_query_id()));
  const auto block = [&lib](const MatrixView& a, const MatrixView& b, float* c, std::int64_t ldc) {
    const float one = 1.0f, zero = 0.0f;
    lib.sgemm(0, 0, a.rows, b.cols, a.cols, &one, a.data, a.row_stride, a.col_stride, b.data,
              b.row_stride, b.col_stride, &zero, c, ldc, 1);
  };
  measure_split(state, p, threads, block);
}

struct OneDnn {
  std::string error;
  // dnnl_sgemm(transa, transb, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc), row-major; 0 is
  // dnnl_success.
  int (*sgemm)(char, char, std::int64_t, std::int64_t, std::int64_t, float, const float*,
               std::int64_t, const float*, std::int64_t, float, float*, std::int64_t);
  void (*omp_set_num_threads)(int);  // from the libgomp that Debian's oneDNN threads with
};

const OneDnn& onednn() {
  static const OneDnn lib = [] {
    OneDnn l{};
    void* h = open_library({"libdnnl.so.2"}, "libdnnl2", l.error);
    if (bind(h, "dnnl_sgemm", l.sgemm, l.error)) {
      bind(h, "omp_set_num_threads", l.omp_set_num_threads, l.error);
    }
    return l;
  }();
  return lib;
}

void onednn_gemm(benchmark::State& state, const Product& p, int threads) {
  const OneDnn& lib = onednn();
  if (!lib.error.empty()) {
    state.SkipWithError(lib.error.c_str());
    return;
  }
  const auto block = [&lib](const MatrixView& a, const MatrixView& b, float* c, std::int64_t ldc) {
    // OpenMP's thread count is per thread, and on our pool's threads it starts at one per core.
    lib.omp_set_num_threads(1);
    const BlasOperand oa = blas(a), ob = blas(b);
    return lib.sgemm(oa.transposed ? 'T' : 'N', ob.transposed ? 'T' : 'N', a.rows, b.cols, a.cols,
                     1.0f, a.data, oa.ld, b.data, ob.ld, 0.0f, c, ldc);
  };
  // The status once, on the whole product: a refusal would otherwise show as a wrong result.
  MatrixRM probe(p.a.rows, p.b.cols);
  if (const int status = block(p.a, p.b, probe.data(), p.b.cols); status != 0) {
    const std::string message = "dnnl_sgemm returned status " + std::to_string(status);
    state.SkipWithError(message.c_str());
    return;
  }
  measure_split(state, p, threads, block);
}

// --- Registration ----------------------------------------------------------------------------

struct Candidate {
  const char* name;
  void (*run)(benchmark::State&, const Product&, int threads);
};

constexpr Candidate kCandidates[] = {
    {"initscope_avx512",
     [](benchmark::State& s, const Product& p, int t) { initscope(s, p, t, GemmKernel::avx512); }},
    {"initscope_avx2",
     [](benchmark::State& s, const Product& p, int t) { initscope(s, p, t, GemmKernel::avx2); }},
    {"initscope_generic",
     [](benchmark::State& s, const Product& p, int t) { initscope(s, p, t, GemmKernel::generic); }},
    {"eigen", eigen},
    {"openblas", openblas_gemm},
    {"blis", blis_gemm},
    {"onednn", onednn_gemm},
};

// Product by product and thread count, every candidate in a row, so the figures to compare are
// printed together.
const bool registered = [] {
  for (int i = 0; i < int(kProductNames.size()); ++i) {
    for (int t : {1, 2}) {
      for (const Candidate& c : kCandidates) {
        const std::string name = std::string("gemm_candidates/") + c.name + "/" + kProductNames[i] +
                                 "/threads:" + std::to_string(t);
        benchmark::RegisterBenchmark(
            name.c_str(), [run = c.run, i, t](benchmark::State& s) { run(s, product(i), t); })
            ->UseRealTime()
            ->Unit(benchmark::kMillisecond)
            ->MinTime(0.5);
      }
    }
  }
  return true;
}();

}  // namespace
}  // namespace initscope::bench
