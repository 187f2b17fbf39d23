#include "core/compute/parallel.h"

#include <immintrin.h>
#include <pthread.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <thread>
#include <vector>

namespace initscope {
namespace {

// How long an idle thread spins before it sleeps: long enough to catch the next loop of a run
// (statistics, then the next GEMM) without a wake-up, short enough to cost nothing when idle.
constexpr auto kSpin = std::chrono::microseconds(50);

thread_local bool inside_loop = false;

// A condition that other threads make true: wait() spins on it for kSpin, then sleeps on a
// condition variable. Made of a mutex and a condition variable rather than std::atomic::wait,
// whose libstdc++ 12 implementation is not trusted here to never miss a wake-up.
//
// No wake-up is lost: a sleeper counts itself in `sleepers_` and then tests the condition; a
// notifier changes the state and then reads `sleepers_`. All sequentially consistent, so either the
// notifier sees the sleeper (and takes the mutex, which the sleeper holds until it waits), or the
// sleeper sees the new state.
class Event {
 public:
  template <typename Ready>
  void wait(Ready ready) {
    const auto until = std::chrono::steady_clock::now() + kSpin;
    for (int i = 0; !ready(); ++i) {
      _mm_pause();
      if (i % 64 == 63 && std::chrono::steady_clock::now() > until) {
        std::unique_lock lock(mutex_);
        sleepers_.fetch_add(1);
        cv_.wait(lock, ready);
        sleepers_.fetch_sub(1);
        return;
      }
    }
  }

  /// After a (sequentially consistent) change that may make a waiter's condition true.
  void notify() {
    if (sleepers_.load() == 0) return;
    { const std::lock_guard lock(mutex_); }
    cv_.notify_all();
  }

 private:
  std::mutex mutex_;
  std::condition_variable cv_;
  std::atomic<int> sleepers_{0};
};

class Pool {
 public:
  ~Pool() {
    {
      const std::lock_guard lock(job_mutex_);
      stop_ = true;
    }
    generation_.fetch_add(1);
    new_job_.notify();
    for (std::thread& t : workers_) t.join();
  }

  void run(std::int64_t count, const std::function<void(std::int64_t)>& body, int threads) {
    const std::unique_lock busy(busy_, std::try_to_lock);
    if (!busy.owns_lock()) {  // another thread's loop holds the pool: run this one here
      serial(count, body);
      return;
    }
    grow(threads - 1);
    {
      const std::lock_guard lock(job_mutex_);
      body_ = &body;
      count_ = count;
      helpers_wanted_ = static_cast<int>(std::min<std::int64_t>(threads, count)) - 1;
      helpers_joined_ = 0;
      open_ = true;
      next_.store(0, std::memory_order_relaxed);
      done_.store(0, std::memory_order_relaxed);
    }
    generation_.fetch_add(1);
    new_job_.notify();
    inside_loop = true;
    work(body, count);
    inside_loop = false;
    progress_.wait([&] { return done_.load() >= count; });
    // Every index ran. Close the job so that late risers stay out, then wait for the helpers that
    // joined to leave it: they hold a reference to `body`.
    {
      const std::lock_guard lock(job_mutex_);
      open_ = false;
    }
    progress_.wait([&] { return active_.load() == 0; });
  }

  static void serial(std::int64_t count, const std::function<void(std::int64_t)>& body) {
    for (std::int64_t i = 0; i < count; ++i) body(i);
  }

 private:
  // Claims indices one at a time until none is left.
  void work(const std::function<void(std::int64_t)>& body, std::int64_t count) {
    for (std::int64_t i = next_.fetch_add(1, std::memory_order_relaxed); i < count;
         i = next_.fetch_add(1, std::memory_order_relaxed)) {
      body(i);
      if (done_.fetch_add(1) + 1 == count) progress_.notify();
    }
  }

  // Called before the job is published: a new helper starts from the generation before it, so it
  // takes part in the job about to start (read later, that job's step would be missed).
  void grow(int helpers) {
    while (static_cast<int>(workers_.size()) < helpers) {
      workers_.emplace_back([this, seen = generation_.load()] { helper(seen); });
    }
  }

  void helper(std::uint64_t seen) {
    // Its own name: a thread otherwise inherits its creator's (the window's worker, say), which
    // would make the pool's threads look like more of that one in a debugger or in /proc.
    pthread_setname_np(pthread_self(), "initscope-pool");
    inside_loop = true;  // a body that loops again runs that loop serially
    for (;;) {
      new_job_.wait([&] { return generation_.load() != seen; });
      seen = generation_.load();
      const std::function<void(std::int64_t)>* body = nullptr;
      std::int64_t count = 0;
      {
        const std::lock_guard lock(job_mutex_);
        if (stop_) return;
        if (!open_ || helpers_joined_ >= helpers_wanted_) continue;
        ++helpers_joined_;
        active_.fetch_add(1);
        body = body_;
        count = count_;
      }
      work(*body, count);
      if (active_.fetch_sub(1) == 1) progress_.notify();
    }
  }

  std::mutex busy_;  // held by the thread whose loop runs on the pool
  std::vector<std::thread> workers_;
  std::atomic<std::uint64_t> generation_{0};  // one step per loop
  Event new_job_;                             // the helpers wait on generation_
  Event progress_;                            // the caller waits on done_ and active_

  std::mutex job_mutex_;  // the job's description, and joining it
  const std::function<void(std::int64_t)>* body_ = nullptr;
  std::int64_t count_ = 0;
  int helpers_wanted_ = 0;
  int helpers_joined_ = 0;
  bool open_ = false;
  bool stop_ = false;

  std::atomic<std::int64_t> next_{0};  // the next index to claim
  std::atomic<std::int64_t> done_{0};  // indices whose call returned
  std::atomic<int> active_{0};         // helpers inside the current job
};

std::atomic<int> thread_setting{0};  // 0: every core

Pool& pool() {
  static Pool instance;
  return instance;
}

}  // namespace

int max_threads() {
  const int set = thread_setting.load(std::memory_order_relaxed);
  return set > 0 ? set : std::max(1, static_cast<int>(std::thread::hardware_concurrency()));
}

void set_max_threads(int threads) {
  thread_setting.store(std::max(0, threads), std::memory_order_relaxed);
}

void parallel_for(std::int64_t count, const std::function<void(std::int64_t)>& body,
                  bool parallel) {
  const int threads = max_threads();
  if (!parallel || count < 2 || threads < 2 || inside_loop) {
    Pool::serial(count, body);
    return;
  }
  pool().run(count, body, threads);
}

}  // namespace initscope
