#pragma once

// The engine's parallel loops, on a small pool of threads of its own rather than OpenMP's.
//
// Why not OpenMP: libgomp's idle threads spin for up to ~16 ms before they sleep, and how long is
// fixed by environment variables read when the library loads. When the machine is busy (a second
// program, the window's own thread drawing plots, two tests at once on two cores) a thread that
// waits at a barrier for a descheduled partner burns the core that partner needs: a 70 ms run was
// seen to take 1.4 s. Here idle threads spin for at most kSpin (50 µs, enough to catch the next
// loop of a run) and then sleep, and blocks are claimed one at a time, so a descheduled thread
// holds up at most the block it is on.
//
// Determinism: a loop's indices are independent pieces of a fixed partition (chosen by the caller
// from the data's size, never from the thread count), so which thread runs which index cannot
// change a result.

#include <cstdint>
#include <functional>

namespace initscope {

/// How many threads a loop may use, the calling thread included: the number set by
/// set_max_threads, or by default the machine's cores.
int max_threads();

/// Sets max_threads() for the loops that follow; 0 restores the default (every core).
void set_max_threads(int threads);

/// Calls body(i) once for each i in [0, count) and returns when every call has returned; body must
/// not throw. Runs on up
/// to max_threads() threads when `parallel` holds; on the calling thread alone when it does not,
/// when count < 2, inside another loop's body, or while another thread's loop holds the pool.
void parallel_for(std::int64_t count, const std::function<void(std::int64_t)>& body,
                  bool parallel = true);

/// Calls fn(begin, count) for the consecutive ranges of `block` indices (the last one shorter) that
/// cover [0, size), through parallel_for: the fixed partition of a loop over rows or values.
template <typename RangeFn>
void parallel_for_ranges(std::int64_t size, std::int64_t block, RangeFn fn, bool parallel = true) {
  const std::int64_t ranges = (size + block - 1) / block;
  parallel_for(
      ranges,
      [&](std::int64_t r) {
        const std::int64_t begin = r * block;
        fn(begin, size - begin < block ? size - begin : block);
      },
      parallel);
}

/// Sets max_threads() for a scope and restores the previous value after.
class ThreadLimit {
 public:
  explicit ThreadLimit(int threads) : previous_(max_threads()) { set_max_threads(threads); }
  ~ThreadLimit() { set_max_threads(previous_); }
  ThreadLimit(const ThreadLimit&) = delete;
  ThreadLimit& operator=(const ThreadLimit&) = delete;

 private:
  int previous_;
};

}  // namespace initscope
