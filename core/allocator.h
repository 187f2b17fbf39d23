#pragma once

// How the process's allocator treats the engine's large buffers.
//
// A run allocates its activations, weights and gradients afresh (26 MB for the window's default
// experiment, 130 MB for depth 10 at width 1024), and glibc serves blocks that large straight from
// mmap and unmaps them on free, so every run pays a page fault per 4 KiB it touches again: in a
// virtual machine some 2 µs each, a fifth of a run. Keeping freed blocks in the heap lets the next
// run reuse them without a fault.

namespace initscope {

/// Serves blocks up to 32 MiB from the heap and keeps up to 256 MiB of freed memory there for the
/// next run. For a process that runs one experiment after another (the window); call it before
/// the first run. Does nothing outside glibc.
void keep_freed_memory_for_reuse();

}  // namespace initscope
