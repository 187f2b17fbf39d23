#pragma once

// How the process's allocator treats the engine's large buffers.
//
// A run allocates its activations, weights and gradients afresh (26 MB for the window's default
// experiment, 130 MB for depth 10 at width 1024), and glibc serves blocks that large straight from
// mmap and unmaps them on free, so every run pays a page fault per 4 KiB it touches again: in a
// virtual machine some 2 to 10 µs each, a fifth of a run in the window and half of a one-shot
// `initscope run` on the development machine.

#include <cstddef>

namespace initscope {

/// Serves blocks up to 32 MiB from the heap and keeps up to 256 MiB of freed memory there for the
/// next run. For a process that runs one experiment after another (the window); call it before
/// the first run; `initscope train` calls it too, whose steps allocate the same buffers again and
/// again. Does nothing outside glibc.
void keep_freed_memory_for_reuse();

/// For a process that runs one experiment and exits (`initscope run`, `export`): serves blocks up
/// to 32 MiB from a heap grown at once by `bytes` (the run's estimate) and asks the kernel for
/// transparent huge pages there, so that the run takes one fault per 2 MiB instead of one per
/// 4 KiB (25,900 faults down to about 1,100 for depth 10 at width 1024). Nothing changes where
/// the kernel offers no huge pages to madvise or outside glibc on Linux.
void prefer_huge_pages(std::size_t bytes);

}  // namespace initscope
