#include "core/init/sampling.h"

#include <algorithm>
#include <array>
#include <bit>
#include <cmath>
#include <limits>
#include <numbers>
#include <string>
#include <utility>

#include <Eigen/Core>

#include "core/error.h"
#include "core/io/format.h"
#include "core/compute/parallel.h"

#if defined(__AVX512F__)
#include <immintrin.h>
#endif

namespace initscope {

void Generator::words(std::uint64_t first, std::span<std::uint32_t> out) const {
  const auto counters = static_cast<std::int64_t>(out.size() / 4);
  std::int64_t j = 0;
#if defined(__AVX512F__)
  // Sixteen counters as two sets of eight 64-bit lanes, each lane holding one 32-bit word in its
  // low half: vpmuludq multiplies exactly those halves into the 64-bit product Philox needs, whose
  // halves are then the new words; the high halves carry garbage that nothing reads. Two sets
  // interleaved keep the multiplier busy across each round's dependency chain.
  const __m512i m0 = _mm512_set1_epi64(0xD2511F53), m1 = _mm512_set1_epi64(0xCD9E8D57);
  const __m512i s0 = _mm512_set1_epi64(static_cast<std::uint32_t>(stream_));
  const __m512i s1 = _mm512_set1_epi64(static_cast<std::int64_t>(stream_ >> 32));
  const __m512i lanes = _mm512_set_epi64(7, 6, 5, 4, 3, 2, 1, 0);
  // Writes counter c's four words to dst[4c..4c+3] for the eight counters of one set.
  const auto store = [](std::uint32_t* dst, __m512i c0, __m512i c1, __m512i c2, __m512i c3) {
    const __m512i x01 = _mm512_mask_blend_epi32(0xAAAA, c0, _mm512_slli_epi64(c1, 32));
    const __m512i x23 = _mm512_mask_blend_epi32(0xAAAA, c2, _mm512_slli_epi64(c3, 32));
    const __m512i even = _mm512_unpacklo_epi64(x01, x23);  // counters 0 2 4 6
    const __m512i odd = _mm512_unpackhi_epi64(x01, x23);   // counters 1 3 5 7
    _mm512_storeu_si512(
        dst, _mm512_permutex2var_epi64(even, _mm512_set_epi64(11, 10, 3, 2, 9, 8, 1, 0), odd));
    _mm512_storeu_si512(dst + 16, _mm512_permutex2var_epi64(
                                      even, _mm512_set_epi64(15, 14, 7, 6, 13, 12, 5, 4), odd));
  };
  for (; j + 16 <= counters; j += 16) {
    __m512i a0 = _mm512_add_epi64(_mm512_set1_epi64(static_cast<std::int64_t>(first + j)), lanes);
    __m512i b0 = _mm512_add_epi64(a0, _mm512_set1_epi64(8));
    __m512i a1 = _mm512_srli_epi64(a0, 32), b1 = _mm512_srli_epi64(b0, 32);
    __m512i a2 = s0, b2 = s0, a3 = s1, b3 = s1;
    auto k0 = static_cast<std::uint32_t>(seed_), k1 = static_cast<std::uint32_t>(seed_ >> 32);
    for (int round = 0; round < 10; ++round) {
      const __m512i key0 = _mm512_set1_epi64(k0), key1 = _mm512_set1_epi64(k1);
      const __m512i pa0 = _mm512_mul_epu32(a0, m0), pa1 = _mm512_mul_epu32(a2, m1);
      const __m512i pb0 = _mm512_mul_epu32(b0, m0), pb1 = _mm512_mul_epu32(b2, m1);
      // 0x96: three-way xor
      a0 = _mm512_ternarylogic_epi64(_mm512_srli_epi64(pa1, 32), a1, key0, 0x96);
      a2 = _mm512_ternarylogic_epi64(_mm512_srli_epi64(pa0, 32), a3, key1, 0x96);
      b0 = _mm512_ternarylogic_epi64(_mm512_srli_epi64(pb1, 32), b1, key0, 0x96);
      b2 = _mm512_ternarylogic_epi64(_mm512_srli_epi64(pb0, 32), b3, key1, 0x96);
      a1 = pa1, a3 = pa0, b1 = pb1, b3 = pb0;
      k0 += 0x9E3779B9;  // Weyl key increments, as in philox4x32
      k1 += 0xBB67AE85;
    }
    store(out.data() + 4 * j, a0, a1, a2, a3);
    store(out.data() + 4 * j + 32, b0, b1, b2, b3);
  }
#endif
  for (; j < counters; ++j) {
    const PhiloxCounter r = block(first + static_cast<std::uint64_t>(j));
    std::copy(r.begin(), r.end(), out.begin() + 4 * j);
  }
}

namespace {

// Values per parallel block: a multiple of kChunk, small enough that a block's words stay in L1.
constexpr std::int64_t kBlock = 4096;
// Below this many values a fill stays on the calling thread: starting the team costs more.
constexpr std::int64_t kParallelMin = 1 << 16;
// Words turned into values at a time (16 counters): the laws' SIMD code always runs on whole
// chunks, so a value never depends on where it falls in its fill or block.
constexpr std::int64_t kChunk = 64;

constexpr double kTwoPow32 = 4294967296.0;

// Candidate counters per block of fill_trunc_normal's rejection sampler: 4·4096 candidates for at
// most 4096 values. At the smallest acceptance it is used with, 0.3, they run short with
// probability e^(−16384·KL(0.25‖0.3)) < 1e-43, so the fallback is there for exactness, not speed.
constexpr std::int64_t kCandidateCounters = kBlock;

std::int64_t round_up(std::int64_t n, std::int64_t multiple) {
  return (n + multiple - 1) / multiple * multiple;
}

// Runs fn(values, words) over consecutive blocks of `out`, where words[i] is the 32-bit random
// word of value i of the block: word i%4 of counter first + (block start + i)/4. `words` runs on to
// a whole number of chunks; the words past the fill are computed but belong to no value. Blocks are
// independent, so the thread count does not change a single value.
template <typename BlockFn>
void for_each_block(std::span<float> out, Generator& gen, BlockFn fn) {
  const auto n = static_cast<std::int64_t>(out.size());
  const std::uint64_t first = gen.reserve(static_cast<std::uint64_t>((n + 3) / 4));
  parallel_for_ranges(
      n, kBlock,
      [&](std::int64_t begin, std::int64_t length) {
        alignas(64) std::array<std::uint32_t, kBlock> words;
        const std::span<std::uint32_t> used(words.data(), round_up(length, kChunk));
        gen.words(first + static_cast<std::uint64_t>(begin / 4), used);
        fn(out.subspan(begin, length), std::span<const std::uint32_t>(used));
      },
      n >= kParallelMin);
}

// Box–Muller on one chunk: z[2p] = r·cos θ and z[2p+1] = r·sin θ from words 2p and 2p+1, with
// r = √(−2 ln u₁), u₁ ∈ (0, 1) at 2⁻³³ resolution near 0 (tails out to 6.7σ), θ = 2π·u₂ with
// u₂ = (top 24 bits of the second word + ½)·2⁻²⁴. Neither factor is ever exactly 0: u₁ stays below
// 1 (the float sum would round the largest words up to 2³²) and θ is never a whole quarter turn, so
// an exact 0.0 never comes out, as it would not from a continuous law. Written on fixed-size stack
// arrays so that it all vectorizes.
void box_muller(const std::uint32_t* words, float* z) {
  constexpr int kPairs = kChunk / 2;
  using Pairs = Eigen::Array<float, kPairs, 1>;
  Pairs u1;
  std::array<std::int32_t, kPairs> turns;  // θ/2π in units of 2⁻²⁵, always odd
  // Both words of a pair in one loop: a loop reading only the odd words would vectorize with
  // loads past the end of the chunk, which the compiler avoids by running the last ones scalar.
  for (int p = 0; p < kPairs; ++p) {
    u1[p] = std::min((static_cast<float>(words[2 * p]) + 0.5f) * 0x1p-32f, 0x1.fffffep-1f);
    turns[p] = static_cast<std::int32_t>(((words[2 * p + 1] >> 8) << 1) | 1);
  }
  const Pairs r = (-2.0f * u1.log()).sqrt();  // Eigen's vectorized log
  Pairs cos_theta, sin_theta;
  for (int p = 0; p < kPairs; ++p) {
    // Reduce θ = 2π·m·2⁻²⁵ exactly to the nearest quarter turn q and an angle
    // x = 2π·(m − q·2²³)·2⁻²⁵ in [−π/4, π/4], where the minimax polynomials of Cephes' sinf and
    // cosf are good to an ulp; then rotate by q quarter turns.
    const std::int32_t m = turns[p];
    const std::int32_t q = (m + (1 << 22)) >> 23;
    const float x =
        static_cast<float>(m - (q << 23)) * (2.0f * std::numbers::pi_v<float> * 0x1p-25f);
    const float x2 = x * x;
    const float sin_x =
        x + x * x2 * (-1.6666654611e-1f + x2 * (8.3321608736e-3f + x2 * -1.9515295891e-4f));
    const float cos_x =
        1.0f - 0.5f * x2 +
        x2 * x2 *
            (4.166664568298827e-2f + x2 * (-1.388731625493765e-3f + x2 * 2.443315711809948e-5f));
    // θ = q·π/2 + x: swap sin and cos for odd q, and flip signs with the sign bit, all without
    // branches so that the loop vectorizes.
    const auto cos_bits = std::bit_cast<std::uint32_t>(cos_x);
    const auto sin_bits = std::bit_cast<std::uint32_t>(sin_x);
    const std::uint32_t swap = 0u - static_cast<std::uint32_t>(q & 1);
    const auto cos_sign = static_cast<std::uint32_t>((q + 1) & 2) << 30;  // q = 1, 2
    const auto sin_sign = static_cast<std::uint32_t>(q & 2) << 30;        // q = 2, 3
    cos_theta[p] = std::bit_cast<float>(((cos_bits & ~swap) | (sin_bits & swap)) ^ cos_sign);
    sin_theta[p] = std::bit_cast<float>(((sin_bits & ~swap) | (cos_bits & swap)) ^ sin_sign);
  }
  const Pairs zc = r * cos_theta, zs = r * sin_theta;
  for (int p = 0; p < kPairs; ++p) {
    z[2 * p] = zc[p];
    z[2 * p + 1] = zs[p];
  }
}

void require(bool ok, const char* what, const std::string& message) {
  if (!ok) throw InputError(std::string(what) + ": " + message);
}

// ln Q(t) for the upper tail Q(t) = P(Z > t), t ≥ 30, by the asymptotic series
// Q(t) = φ(t)/t · (1 − 1/t² + 3/t⁴ − 15/t⁶ + 105/t⁸ − 945/t¹⁰), accurate to ~1e-14 there
// (Abramowitz & Stegun 26.2.12).
double log_upper_tail(double t) {
  if (std::isinf(t)) return -std::numeric_limits<double>::infinity();
  const double s = 1.0 / (t * t);
  const double series = 1 - s * (1 - s * (3 - s * (15 - s * (105 - s * 945))));
  return -0.5 * t * t - std::log(t * std::sqrt(2 * std::numbers::pi)) + std::log(series);
}

// The truncated standard normal on [alpha, beta] as a map from u ∈ (0,1) to x. The interval is
// reflected into the lower half so that Φ of its ends keeps full relative precision; beyond 37σ,
// where Φ underflows, the upper-tail CDF is inverted in log space by Newton's method.
class TruncatedStandardNormal {
 public:
  TruncatedStandardNormal(double alpha, double beta) {
    flip_ = alpha + beta > 0;
    if (flip_) std::tie(alpha, beta) = std::pair(-beta, -alpha);
    alpha_ = alpha;
    beta_ = beta;
    cdf_alpha_ = normal_cdf(alpha);
    mass_ = normal_cdf(beta) - cdf_alpha_;
    log_space_ = beta < -kDirectLimit;
    if (log_space_) {
      // Work with t = −x on [−beta, −alpha], all beyond 37σ.
      log_q_low_ = log_upper_tail(-beta);
      ratio_ = std::exp(log_upper_tail(-alpha) - log_q_low_);  // Q(−alpha)/Q(−beta) < 1
    }
  }

  /// Φ(beta) − Φ(alpha), the share of N(0, 1) in the interval (0 beyond 37σ, where it underflows).
  double mass() const { return mass_; }

  double operator()(double u) const {
    double x = log_space_ ? -tail_quantile(u) : normal_quantile(cdf_alpha_ + u * mass_);
    x = std::clamp(x, alpha_, beta_);
    return flip_ ? -x : x;
  }

 private:
  static constexpr double kDirectLimit = 37.0;

  // The t ≥ −beta with Q(t) = Q(−beta)·(1 − u·(1 − ratio)), solved for ln Q by Newton's method,
  // starting from the exponential approximation of the tail.
  double tail_quantile(double u) const {
    const double t_low = -beta_;
    const double target = log_q_low_ + std::log1p(-u * (1 - ratio_));
    double t = t_low + (log_q_low_ - target) / t_low;
    for (int iteration = 0; iteration < 50; ++iteration) {
      const double log_q = log_upper_tail(t);
      // d ln Q / dt = −φ(t)/Q(t)
      const double slope = -std::exp(-0.5 * t * t - 0.5 * std::log(2 * std::numbers::pi) - log_q);
      const double step = (log_q - target) / slope;
      t -= step;
      if (std::abs(step) <= 1e-15 * t) break;
    }
    return t;
  }

  bool flip_ = false;
  bool log_space_ = false;
  double alpha_ = 0, beta_ = 0, cdf_alpha_ = 0, mass_ = 0, log_q_low_ = 0, ratio_ = 0;
};

// A word as a uniform on (0, 1), for the inverse CDF.
double open_unit(std::uint32_t word) {
  return (static_cast<double>(word) + 0.5) / kTwoPow32;
}

// Copies the values of z[0..kChunk) that lie in [low, high] to kept, in order, and returns how
// many. Writes up to 15 floats past the last one kept.
std::int64_t keep_inside(const float* z, float low, float high, float* kept) {
  std::int64_t count = 0;
#if defined(__AVX512F__)
  // A compaction loop does not vectorize by itself; vcompressps does 16 at once.
  for (int i = 0; i < kChunk; i += 16) {
    const __m512 v = _mm512_loadu_ps(z + i);
    const __mmask16 inside = _mm512_cmp_ps_mask(v, _mm512_set1_ps(low), _CMP_GE_OQ) &
                             _mm512_cmp_ps_mask(v, _mm512_set1_ps(high), _CMP_LE_OQ);
    _mm512_storeu_ps(kept + count, _mm512_maskz_compress_ps(inside, v));
    count += std::popcount(static_cast<unsigned>(inside));
  }
#else
  for (int i = 0; i < kChunk; ++i) {
    kept[count] = z[i];
    count += z[i] >= low && z[i] <= high ? 1 : 0;
  }
#endif
  return count;
}

// The rejection sampler of fill_trunc_normal: standard normal candidates from box_muller, kept when
// they fall in [alpha, beta]. The number of candidates a block needs varies, so each block of
// kBlock values owns a fixed span of counters — `candidate_counters` for its candidates, in order,
// then kBlock/4 for a fallback — and its values do not depend on what other blocks drew or on the
// thread count. If the candidates run short, the rest of the block comes from the inverse CDF of
// the fallback counters' words: still exact, as every value is then an independent draw of the law.
void fill_by_rejection(std::span<float> out, double mean, double std, double a, double b,
                       const TruncatedStandardNormal& law, Generator& gen,
                       std::int64_t candidate_counters) {
  // For a float z, alpha ≤ z ⟺ low ≤ z with low the least float ≥ alpha; likewise for beta.
  const double alpha = (a - mean) / std;
  const double beta = (b - mean) / std;
  auto low = static_cast<float>(alpha);
  if (low < alpha) low = std::nextafter(low, std::numeric_limits<float>::infinity());
  auto high = static_cast<float>(beta);
  if (high > beta) high = std::nextafter(high, -std::numeric_limits<float>::infinity());
  const auto n = static_cast<std::int64_t>(out.size());
  const std::int64_t blocks = (n + kBlock - 1) / kBlock;
  const std::int64_t span = candidate_counters + kBlock / 4;
  const std::uint64_t first = gen.reserve(static_cast<std::uint64_t>(blocks * span));
  parallel_for(
      blocks,
      [&](std::int64_t block) {
        const std::span<float> values =
            out.subspan(block * kBlock, std::min(kBlock, n - block * kBlock));
        const auto length = static_cast<std::int64_t>(values.size());
        const std::uint64_t base = first + static_cast<std::uint64_t>(block * span);
        alignas(64) std::array<std::uint32_t, kChunk> words;
        alignas(64) std::array<float, kChunk> z;
        alignas(64) std::array<float, kBlock + kChunk> kept;  // room for a chunk past `length`
        std::int64_t count = 0;
        for (std::int64_t c = 0; c < candidate_counters && count < length; c += kChunk / 4) {
          gen.words(base + static_cast<std::uint64_t>(c), words);
          box_muller(words.data(), z.data());
          count += keep_inside(z.data(), low, high, kept.data() + count);
        }
        count = std::min(count, length);
        for (std::int64_t i = 0; i < count; ++i) {
          values[i] = static_cast<float>(std::clamp(mean + std * kept[i], a, b));
        }
        if (count < length) {
          std::array<std::uint32_t, kBlock> fallback;
          const std::span<std::uint32_t> used(fallback.data(), round_up(length - count, 4));
          gen.words(base + static_cast<std::uint64_t>(candidate_counters), used);
          for (std::int64_t i = count; i < length; ++i) {
            values[i] =
                static_cast<float>(std::clamp(mean + std * law(open_unit(used[i - count])), a, b));
          }
        }
      },
      n >= kParallelMin);
}

}  // namespace

double normal_cdf(double x) {
  return 0.5 * std::erfc(-x / std::numbers::sqrt2);
}

double normal_quantile(double p) {
  if (std::isnan(p) || p < 0 || p > 1) return std::numeric_limits<double>::quiet_NaN();
  if (p == 0) return -std::numeric_limits<double>::infinity();
  if (p == 1) return std::numeric_limits<double>::infinity();
  // Upper half by symmetry: 1 − p is exact there (Sterbenz), whereas Φ(x) − p near 1 would cancel
  // all but the last few digits of the Halley correction.
  if (p > 0.5) return -normal_quantile(1 - p);
  // P. J. Acklam's rational approximation (relative error 1.15e-9), then one Halley step on
  // Φ(x) − p, which brings it to full double precision.
  static constexpr double a[] = {-3.969683028665376e+01, 2.209460984245205e+02,
                                 -2.759285104469687e+02, 1.383577518672690e+02,
                                 -3.066479806614716e+01, 2.506628277459239e+00};
  static constexpr double b[] = {-5.447609879822406e+01, 1.615858368580409e+02,
                                 -1.556989798598866e+02, 6.680131188771972e+01,
                                 -1.328068155288572e+01};
  static constexpr double c[] = {-7.784894002430293e-03, -3.223964580411365e-01,
                                 -2.400758277161838e+00, -2.549732539343734e+00,
                                 4.374664141464968e+00,  2.938163982698783e+00};
  static constexpr double d[] = {7.784695709041462e-03, 3.224671290700398e-01,
                                 2.445134137142996e+00, 3.754408661907416e+00};
  constexpr double kLow = 0.02425;
  auto tail = [&](double q) {
    return (((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) /
           ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1);
  };
  double x;
  if (p < kLow) {
    x = tail(std::sqrt(-2 * std::log(p)));
  } else {
    const double q = p - 0.5, r = q * q;
    x = (((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r + a[5]) * q /
        (((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r + b[4]) * r + 1);
  }
  const double e = normal_cdf(x) - p;
  const double u = e * std::sqrt(2 * std::numbers::pi) * std::exp(0.5 * x * x);
  return x - u / (1 + 0.5 * x * u);
}

void fill_uniform(std::span<float> out, double low, double high, Generator& gen) {
  require(std::isfinite(low) && std::isfinite(high), "uniform", "bounds must be finite numbers");
  require(low <= high, "uniform",
          "low must not exceed high (low " + format_number(low) + ", high " + format_number(high) +
              ")");
  const double width = high - low;
  for_each_block(out, gen, [&](std::span<float> values, std::span<const std::uint32_t> words) {
    for (std::size_t i = 0; i < values.size(); ++i) {
      const double u = static_cast<double>(words[i] >> 8) * 0x1p-24;  // [0, 1), float's resolution
      values[i] = static_cast<float>(low + width * u);
    }
  });
}

void fill_normal(std::span<float> out, double mean, double std, Generator& gen) {
  require(std::isfinite(mean), "normal", "mean must be a finite number");
  require(std::isfinite(std) && std >= 0, "normal",
          "std must be a finite number >= 0, not " + format_number(std));
  const auto fmean = static_cast<float>(mean);
  const auto fstd = static_cast<float>(std);
  for_each_block(out, gen, [&](std::span<float> values, std::span<const std::uint32_t> words) {
    alignas(64) std::array<float, kChunk> z;
    for (std::size_t begin = 0; begin < values.size(); begin += kChunk) {
      box_muller(words.data() + begin, z.data());
      const std::size_t length = std::min<std::size_t>(kChunk, values.size() - begin);
      for (std::size_t i = 0; i < length; ++i) values[begin + i] = fmean + fstd * z[i];
    }
  });
}

void fill_trunc_normal(std::span<float> out, double mean, double std, double a, double b,
                       Generator& gen) {
  require(std::isfinite(mean), "trunc_normal", "mean must be a finite number");
  require(std::isfinite(std) && std > 0, "trunc_normal",
          "std must be a finite number > 0, not " + format_number(std));
  require(!std::isnan(a) && !std::isnan(b) && a < b, "trunc_normal",
          "the bounds need a < b (a " + format_number(a) + ", b " + format_number(b) + ")");
  const double alpha = (a - mean) / std;
  const double beta = (b - mean) / std;
  const TruncatedStandardNormal law(alpha, beta);
  // Rejection costs a Box–Muller value per 1/mass candidates, the inverse CDF about 30 ns a value:
  // rejection is far faster from a mass of 0.3 on (at least 3 candidates in 10 kept). It is as
  // exact, however far the interval reaches: its candidates cover ±6.76σ (u₁ ≥ 2⁻³³), beyond which
  // N(0, 1) holds 1.4e-11, less than one 2⁻³² step of the uniform word the inverse CDF maps, and
  // that path's values for its part end at ±6.34σ (Φ⁻¹(2⁻³³)) when the interval is wider.
  constexpr double kRejectionMinMass = 0.3;
  if (law.mass() >= kRejectionMinMass) {
    fill_by_rejection(out, mean, std, a, b, law, gen, kCandidateCounters);
    return;
  }
  for_each_block(out, gen, [&](std::span<float> values, std::span<const std::uint32_t> words) {
    for (std::size_t i = 0; i < values.size(); ++i) {
      values[i] = static_cast<float>(std::clamp(mean + std * law(open_unit(words[i])), a, b));
    }
  });
}

namespace detail {

void fill_trunc_normal_by_rejection(std::span<float> out, double mean, double std, double a,
                                    double b, Generator& gen, std::int64_t candidate_counters) {
  require(candidate_counters >= 0 && candidate_counters % (kChunk / 4) == 0, "trunc_normal",
          "candidate counters must be a multiple of 16");
  fill_by_rejection(out, mean, std, a, b,
                    TruncatedStandardNormal((a - mean) / std, (b - mean) / std), gen,
                    candidate_counters);
}

}  // namespace detail

std::vector<std::int64_t> random_subsets(std::int64_t n, std::int64_t count, std::int64_t subsets,
                                         Generator& gen) {
  if (n < 0 || count < 0 || count > n || subsets < 0) {
    throw InputError("random_subset: need 0 <= count <= n and subsets >= 0 (count " +
                     std::to_string(count) + ", n " + std::to_string(n) + ", subsets " +
                     std::to_string(subsets) + ")");
  }
  // Each subset: the `count` indices with the smallest 64-bit random keys (ties broken by index),
  // a uniformly random subset, with index i's key from counter first + i/2 of the subset's own
  // ceil(n/2) counters. Fixed counters per subset, so the subsets can be drawn in parallel.
  const auto per_subset = static_cast<std::uint64_t>((n + 1) / 2);
  const std::uint64_t first = gen.reserve(per_subset * static_cast<std::uint64_t>(subsets));
  std::vector<std::int64_t> chosen(static_cast<std::size_t>(subsets * count));
  const double share =
      n == 0 ? 1.0
             : (static_cast<double>(count) + 8.0 * std::sqrt(count) + 8.0) / static_cast<double>(n);
  const std::uint64_t threshold = share >= 1.0 ? std::numeric_limits<std::uint64_t>::max()
                                               : static_cast<std::uint64_t>(share * 0x1p64);
  // Subsets per parallel piece: each piece allocates its working buffers once.
  constexpr std::int64_t kSubsetsPerPiece = 64;
  const std::int64_t pieces = (subsets + kSubsetsPerPiece - 1) / kSubsetsPerPiece;
  parallel_for(
      pieces,
      [&](std::int64_t piece) {
        std::vector<std::uint32_t> words(static_cast<std::size_t>(round_up(2 * n, 4)));
        using Keyed = std::pair<std::uint64_t, std::int64_t>;
        std::vector<Keyed> keyed(static_cast<std::size_t>(n));
        std::vector<Keyed> order;
        const std::int64_t end = std::min(subsets, (piece + 1) * kSubsetsPerPiece);
        for (std::int64_t s = piece * kSubsetsPerPiece; s < end; ++s) {
          gen.words(first + static_cast<std::uint64_t>(s) * per_subset, words);
          // Only the keys up to the threshold take part in the selection: expected 8√count + 8 more
          // than `count` of them, some 8 standard deviations, they hold the `count` smallest keys,
          // for a fraction of the work; in the rare other case all keys do. Index i = 2c + h takes
          // words 2h and 2h + 1 of counter c: words 2i and 2i + 1 in order.
          std::size_t size = 0;
          for (std::uint64_t limit : {threshold, std::numeric_limits<std::uint64_t>::max()}) {
            size = 0;
            for (std::int64_t i = 0; i < n; ++i) {  // branch-free: a key is below at random
              const std::uint64_t key =
                  (static_cast<std::uint64_t>(words[2 * i]) << 32) | words[2 * i + 1];
              keyed[size] = {key, i};
              size += key <= limit ? 1 : 0;
            }
            if (static_cast<std::int64_t>(size) >= count) break;
          }
          if (count == 0) continue;
          // The count-th smallest (key, index) pair bounds the subset; the candidates are in index
          // order, so reading them off below it gives the subset ascending without a sort.
          order.assign(keyed.begin(), keyed.begin() + static_cast<std::ptrdiff_t>(size));
          std::nth_element(order.begin(), order.begin() + (count - 1), order.end());
          const Keyed last = order[static_cast<std::size_t>(count - 1)];
          auto subset = chosen.begin() + s * count;
          for (std::size_t k = 0; k < size; ++k) {
            if (keyed[k] <= last) *subset++ = keyed[k].second;
          }
        }
      },
      subsets * n >= kParallelMin);
  return chosen;
}

std::vector<std::int64_t> random_subset(std::int64_t n, std::int64_t count, Generator& gen) {
  return random_subsets(n, count, 1, gen);
}

}  // namespace initscope
