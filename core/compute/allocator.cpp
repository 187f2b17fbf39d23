#include "core/compute/allocator.h"

#include <algorithm>
#include <cstdint>
#include <cstdlib>  // defines __GLIBC__ on glibc, which the tests below need

#if defined(__GLIBC__)
#include <malloc.h>
#endif
#if defined(__GLIBC__) && defined(__linux__)
#include <sys/mman.h>
#include <unistd.h>
#endif

namespace initscope {

void keep_freed_memory_for_reuse() {
#if defined(__GLIBC__)
  mallopt(M_MMAP_THRESHOLD, 32 << 20);  // glibc's largest allowed value
  mallopt(M_TRIM_THRESHOLD, 256 << 20);
#endif
}

void prefer_huge_pages(std::size_t bytes) {
#if defined(__GLIBC__) && defined(__linux__)
  constexpr std::uintptr_t kHuge = std::uintptr_t(2) << 20;
  const int reserve = static_cast<int>(std::min<std::size_t>(bytes + kHuge, 1u << 30));
  keep_freed_memory_for_reuse();
  mallopt(M_TRIM_THRESHOLD, reserve);
  // Grow the heap once by the whole estimate (glibc pads the next extension by M_TOP_PAD), then
  // advise the range: the pages are not touched, so nothing is committed until the run uses it.
  mallopt(M_TOP_PAD, reserve);
  void* probe = std::malloc(1 << 20);  // more than a new process's heap has free: it grows
  if (probe == nullptr) return;
  const auto begin = (reinterpret_cast<std::uintptr_t>(probe) + kHuge - 1) & ~(kHuge - 1);
  const auto end = reinterpret_cast<std::uintptr_t>(sbrk(0)) & ~(kHuge - 1);
  if (end > begin) madvise(reinterpret_cast<void*>(begin), end - begin, MADV_HUGEPAGE);
  std::free(probe);
  mallopt(M_TOP_PAD, 128 << 10);  // glibc's default again
#else
  (void)bytes;
#endif
}

}  // namespace initscope
