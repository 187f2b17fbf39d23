#pragma once

// A counter-based generator (Philox4x32-10, Salmon et al., "Parallel random numbers: as easy as
// 1, 2, 3", SC 2011). Random numbers are a pure function of (seed, stream, counter), so value i of
// a fill can be computed by any thread in any order, and a tensor is byte-identical whatever the
// thread count. Each layer draws from its own stream, so changing the depth leaves the first
// layers' weights as they were.

#include <array>
#include <cstdint>
#include <span>

namespace initscope {

using PhiloxKey = std::array<std::uint32_t, 2>;
using PhiloxCounter = std::array<std::uint32_t, 4>;

/// Philox4x32 with 10 rounds: four independent uniform 32-bit words per counter. One counter at a
/// time; Generator::words computes many at once.
inline PhiloxCounter philox4x32(PhiloxCounter ctr, PhiloxKey key) {
  constexpr std::uint32_t kM0 = 0xD2511F53, kM1 = 0xCD9E8D57;  // round multipliers
  constexpr std::uint32_t kW0 = 0x9E3779B9, kW1 = 0xBB67AE85;  // Weyl key increments
  for (int round = 0; round < 10; ++round) {
    if (round > 0) {
      key[0] += kW0;
      key[1] += kW1;
    }
    const std::uint64_t p0 = static_cast<std::uint64_t>(kM0) * ctr[0];
    const std::uint64_t p1 = static_cast<std::uint64_t>(kM1) * ctr[2];
    ctr = {static_cast<std::uint32_t>(p1 >> 32) ^ ctr[1] ^ key[0], static_cast<std::uint32_t>(p1),
           static_cast<std::uint32_t>(p0 >> 32) ^ ctr[3] ^ key[1], static_cast<std::uint32_t>(p0)};
  }
  return ctr;
}

/// Hands out consecutive Philox counters of one (seed, stream). A fill reserves every counter it
/// may use (ceil(n/4) for n values of most laws, four words each; sampling.h says which use more),
/// so successive fills draw fresh numbers, and a fill's values depend only on the seed, the stream
/// and the fills made before it on this generator.
class Generator {
 public:
  explicit Generator(std::uint64_t seed, std::uint64_t stream = 0) : seed_(seed), stream_(stream) {}

  std::uint64_t seed() const { return seed_; }
  std::uint64_t stream() const { return stream_; }
  /// The next counter a fill would use.
  std::uint64_t position() const { return position_; }

  /// Reserves `count` counters and returns the first.
  std::uint64_t reserve(std::uint64_t count) {
    const std::uint64_t first = position_;
    position_ += count;
    return first;
  }

  /// The four words of counter number `index` of this generator.
  PhiloxCounter block(std::uint64_t index) const {
    return philox4x32(
        {static_cast<std::uint32_t>(index), static_cast<std::uint32_t>(index >> 32),
         static_cast<std::uint32_t>(stream_), static_cast<std::uint32_t>(stream_ >> 32)},
        {static_cast<std::uint32_t>(seed_), static_cast<std::uint32_t>(seed_ >> 32)});
  }

  /// The words of counters first, first + 1, … in order: out[4j + k] = block(first + j)[k].
  /// out.size() must be a multiple of 4. Computes 16 counters per step in AVX-512 registers where
  /// the build has them, several times faster than block() in a loop. Defined in sampling.cpp, so
  /// that the intrinsics stay out of this header.
  void words(std::uint64_t first, std::span<std::uint32_t> out) const;

 private:
  std::uint64_t seed_;
  std::uint64_t stream_;
  std::uint64_t position_ = 0;
};

}  // namespace initscope
