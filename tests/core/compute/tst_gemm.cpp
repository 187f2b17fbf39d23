// Tests of core/compute/gemm.h. Its contract is exact, so the checks are exact: every entry equals the
// fused multiply-add sum in the order gemm.h states (blocks of kGemmKc values of p), computed here
// one entry at a time with std::fma, for every kernel this CPU runs, every layout of A and B, shapes
// that cut every panel and block edge, and 1 to 3 threads. The generic kernel, which rounds the
// product and the sum apart, is checked against that order with two roundings.

#include <QtTest>

#include <cmath>
#include <cstring>
#include <random>
#include <vector>

#include "core/compute/gemm.h"
#include "core/compute/matmul.h"
#include "core/compute/parallel.h"

namespace initscope {
namespace {

struct Shape3 {
  std::int64_t m, n, k;
};

// Entries of both signs and many magnitudes, so that the order of the sums shows in the last bits.
std::vector<float> random_values(std::int64_t count, unsigned seed) {
  std::mt19937 gen(seed);
  std::normal_distribution<float> normal(0.0f, 1.0f);
  std::vector<float> v(static_cast<std::size_t>(count));
  for (float& x : v) x = normal(gen) * std::exp2(static_cast<float>(gen() % 9) - 4.0f);
  return v;
}

float at(const MatrixView& v, std::int64_t i, std::int64_t j) {
  return v.data[i * v.row_stride + j * v.col_stride];
}

// gemm.h's sum for one entry: per block of kGemmKc, an accumulator from 0; the blocks added in order
// (to `start`, C's value before, for GemmUpdate::add).
float reference_entry(const MatrixView& a, const MatrixView& b, std::int64_t i, std::int64_t j,
                      bool fused, const float* start = nullptr) {
  float c = start != nullptr ? *start : 0.0f;
  for (std::int64_t p0 = 0; p0 < a.cols; p0 += kGemmKc) {
    float acc = 0.0f;
    for (std::int64_t p = p0; p < std::min(a.cols, p0 + kGemmKc); ++p) {
      if (fused) {
        acc = std::fma(at(a, i, p), at(b, p, j), acc);
      } else {
        volatile float product = at(a, i, p) * at(b, p, j);  // volatile: no contraction
        acc = acc + product;
      }
    }
    c = p0 == 0 && start == nullptr ? acc : c + acc;
  }
  return c;
}

std::vector<float> reference(const MatrixView& a, const MatrixView& b, bool fused) {
  std::vector<float> c;
  for (std::int64_t i = 0; i < a.rows; ++i)
    for (std::int64_t j = 0; j < b.cols; ++j) c.push_back(reference_entry(a, b, i, j, fused));
  return c;
}

// How many entries of gemm(a, b) differ in any bit from `want`.
std::int64_t mismatches(const MatrixView& a, const MatrixView& b, const std::vector<float>& want,
                        std::int64_t ldc) {
  std::vector<float> c(static_cast<std::size_t>(a.rows * ldc), -7.0f);
  gemm(a, b, c.data(), ldc);
  std::int64_t wrong = 0;
  for (std::int64_t i = 0; i < a.rows; ++i) {
    for (std::int64_t j = 0; j < b.cols; ++j)
      wrong += std::memcmp(&want[static_cast<std::size_t>(i * b.cols + j)],
                           &c[static_cast<std::size_t>(i * ldc + j)], sizeof(float)) != 0;
    // Past the columns of C, the padding of its rows is left alone.
    for (std::int64_t j = b.cols; j < ldc; ++j) wrong += c[static_cast<std::size_t>(i * ldc + j)] != -7.0f;
  }
  return wrong;
}

std::vector<GemmKernel> supported_kernels() {
  std::vector<GemmKernel> kernels;
  for (GemmKernel k : {GemmKernel::avx512, GemmKernel::avx2, GemmKernel::generic})
    if (gemm_kernel_supported(k)) kernels.push_back(k);
  return kernels;
}

// Restores the kernel gemm() picked by itself.
class KernelChoice {
 public:
  explicit KernelChoice(GemmKernel kernel) : previous_(gemm_kernel()) { force_gemm_kernel(kernel); }
  ~KernelChoice() { force_gemm_kernel(previous_); }

 private:
  GemmKernel previous_;
};

}  // namespace

class TestGemm : public QObject {
  Q_OBJECT

 private slots:
  void generic_is_always_there() {
    QVERIFY(gemm_kernel_supported(GemmKernel::generic));
    QVERIFY(gemm_kernel_supported(gemm_kernel()));
  }

  void exact_sums_data() {
    QTest::addColumn<int>("kernel");
    QTest::addColumn<int>("layout");  // 0: A, B row-major; 1: B = Wᵀ; 2: A = Zᵀ
    QTest::addColumn<qint64>("m");
    QTest::addColumn<qint64>("n");
    QTest::addColumn<qint64>("k");
    QTest::addColumn<int>("threads");
    // Edges of every kernel's panels (4, 6, 14 rows; 16, 32 columns), a k of one whole block and of
    // three blocks (the last short), a single entry, and products big enough to be threaded (2^21
    // multiply-adds and up).
    const Shape3 shapes[] = {{1, 1, 1},      {3, 5, 7},       {14, 32, 256},  {15, 33, 257},
                             {29, 65, 600},  {100, 17, 1000}, {130, 140, 130}, {150, 130, 300},
                             {17, 40, 1024}, {15, 33, 2100}};
    for (GemmKernel kernel : supported_kernels())
      for (int layout = 0; layout < 3; ++layout)
        for (const Shape3& s : shapes)
          for (int threads : {1, 3}) {
            QTest::addRow("%s layout %d %lldx%lldx%lld %d threads",
                          std::string(gemm_kernel_name(kernel)).c_str(), layout,
                          static_cast<long long>(s.m), static_cast<long long>(s.n),
                          static_cast<long long>(s.k), threads)
                << static_cast<int>(kernel) << layout << qint64(s.m) << qint64(s.n)
                << qint64(s.k) << threads;
          }
  }
  void exact_sums() {
    QFETCH(int, kernel);
    QFETCH(int, layout);
    QFETCH(qint64, m);
    QFETCH(qint64, n);
    QFETCH(qint64, k);
    QFETCH(int, threads);
    const KernelChoice choice(static_cast<GemmKernel>(kernel));
    const ThreadLimit limit(threads);
    const std::vector<float> a_values = random_values(m * k, 1), b_values = random_values(k * n, 2);
    // The same matrices stored as they are or transposed (the layouts of z = h·Wᵀ, ∂L/∂W = ∂L/∂zᵀ·h).
    const MatrixView a = layout == 2 ? MatrixView{a_values.data(), k, m, m, 1}.transposed()
                                     : MatrixView{a_values.data(), m, k, k, 1};
    const MatrixView b = layout == 1 ? MatrixView{b_values.data(), n, k, k, 1}.transposed()
                                     : MatrixView{b_values.data(), k, n, n, 1};
    const bool fused = static_cast<GemmKernel>(kernel) != GemmKernel::generic;
    const std::vector<float> want = reference(a, b, fused);
    QCOMPARE(mismatches(a, b, want, n), 0);
    QCOMPARE(mismatches(a, b, want, n + 3), 0);  // C with a leading dimension of its own
  }

  // The kernels with FMA give the same bits, so a result does not depend on the CPU's vector width.
  void vector_kernels_agree() {
    if (!gemm_kernel_supported(GemmKernel::avx512) || !gemm_kernel_supported(GemmKernel::avx2))
      QSKIP("this CPU lacks AVX-512 or AVX2");
    const std::int64_t m = 333, n = 222, k = 700;
    const std::vector<float> av = random_values(m * k, 3), bv = random_values(k * n, 4);
    const MatrixView a{av.data(), m, k, k, 1}, b{bv.data(), k, n, n, 1};
    std::vector<float> wide(m * n), narrow(m * n);
    {
      const KernelChoice choice(GemmKernel::avx512);
      gemm(a, b, wide.data(), n);
    }
    {
      const KernelChoice choice(GemmKernel::avx2);
      gemm(a, b, narrow.data(), n);
    }
    QVERIFY(std::memcmp(wide.data(), narrow.data(), wide.size() * sizeof(float)) == 0);
  }

  // GemmUpdate::add: C's own value, then each block's sum added in turn.
  void add_to_c() {
    const std::int64_t m = 29, n = 45, k = 1500;  // two blocks
    const std::vector<float> av = random_values(m * k, 5), bv = random_values(k * n, 6);
    const std::vector<float> start = random_values(m * n, 7);
    const MatrixView a{av.data(), m, k, k, 1}, b{bv.data(), k, n, n, 1};
    for (GemmKernel kernel : supported_kernels()) {
      const KernelChoice choice(kernel);
      std::vector<float> c = start;
      gemm(a, b, c.data(), n, GemmUpdate::add);
      std::int64_t wrong = 0;
      for (std::int64_t i = 0; i < m; ++i)
        for (std::int64_t j = 0; j < n; ++j) {
          const std::size_t e = static_cast<std::size_t>(i * n + j);
          const float want =
              reference_entry(a, b, i, j, kernel != GemmKernel::generic, &start[e]);
          wrong += std::memcmp(&want, &c[e], sizeof(float)) != 0;
        }
      QCOMPARE(wrong, 0);
    }
  }

  void empty_inner_dimension_gives_zeros() {
    std::vector<float> c(6, 5.0f);
    const float none = 0.0f;
    gemm(MatrixView{&none, 2, 0, 0, 1}, MatrixView{&none, 0, 3, 3, 1}, c.data(), 3);
    for (float x : c) QCOMPARE(x, 0.0f);
  }

  void unsupported_kernel_is_refused() {
    for (GemmKernel k : {GemmKernel::avx512, GemmKernel::avx2})
      if (!gemm_kernel_supported(k)) QVERIFY_THROWS_EXCEPTION(std::invalid_argument, force_gemm_kernel(k));
  }

  // matmul.h's three products are gemm on the right views: a check of the wiring on values whose
  // products and sums are exact in float (small integers), so any order gives the same result.
  void matmul_products() {
    MatrixRM a(3, 4), b(5, 4), g(3, 5);
    for (int i = 0; i < a.size(); ++i) a.data()[i] = float(i % 7 - 3);
    for (int i = 0; i < b.size(); ++i) b.data()[i] = float(i % 5 - 2);
    for (int i = 0; i < g.size(); ++i) g.data()[i] = float(i % 3 - 1);
    MatrixRM z(3, 5), h(3, 4), w(5, 4);
    matmul_abt<float>(a, b, z);
    QVERIFY(z == a * b.transpose());
    matmul_ab<float>(g, b, h);
    QVERIFY(h == g * b);
    matmul_atb<float>(g, a, w);
    QVERIFY(w == g.transpose() * a);
  }
};

}  // namespace initscope

QTEST_APPLESS_MAIN(initscope::TestGemm)
#include "tst_gemm.moc"
