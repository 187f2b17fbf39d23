#!/usr/bin/env python3
"""PyTorch's forward+backward of an MLP (or, with --conv, a Conv2d stack) experiment, timed alone: the reference `make bench` compares
`initscope run` against. Builds depth × (Linear(in, width) + ReLU) with kaiming_normal_ weights,
a batch of N(0, 1) inputs that require grad (InitScope reports the input's gradient too), and the
loss sum(y · probe); times model(x) and backward() only, the best of several repetitions after a
warm-up. Writes the seconds to --out, with the thread split that gave them and OpenBLAS's kernel.

Threads, "at its best": torch's own threads (torch.set_num_threads) and OpenBLAS's pthreads are two
pools that know nothing of each other. torch.set_num_threads(1) alone leaves OpenBLAS on every
core, and set_num_threads(2) with OpenBLAS on 2 runs four threads on two cores. For --threads T the
script times each split (torch threads, OpenBLAS threads) with at most T of either and keeps the
fastest, so that "T threads" never uses more than T cores and is torch's best on T cores. Run it
with OPENBLAS_CORETYPE and OPENBLAS_L2_SIZE unset (bench/bench_run.cpp does) so that OpenBLAS picks
its kernels for this CPU.

With --schemes, times each torch.nn.init function on a 1024×1024 float tensor instead (best of
--repeats after a warm-up) and writes one "name seconds" line per function.

With --train STEPS, times training steps instead (issue 17): the same stack with a readout
Linear(width, 10), cross-entropy on a fixed batch with fixed labels, torch.optim.SGD; one step is
zero_grad, forward, loss, backward and step. Writes the seconds per step (the best of --repeats
runs of STEPS steps), so that the data pipeline is left out on both sides."""
import argparse
import ctypes
import time

import torch


def openblas():
    """The OpenBLAS that torch loaded (the same library: dlopen returns the loaded one)."""
    try:
        return ctypes.CDLL("libopenblas.so.0")
    except OSError:
        return None


def set_threads(torch_threads, blas_threads):
    torch.set_num_threads(torch_threads)
    lib = openblas()
    if lib is not None:
        lib.openblas_set_num_threads(blas_threads)


def openblas_core():
    lib = openblas()
    if lib is None:
        return "no OpenBLAS"
    lib.openblas_get_corename.restype = ctypes.c_char_p
    return lib.openblas_get_corename().decode()


def best_time(fn, repeats):
    fn()  # warm-up
    best = float("inf")
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - start)
    return best


def time_schemes(a):
    init = torch.nn.init
    w = torch.empty(1024, 1024)
    schemes = {
        "uniform": lambda: init.uniform_(w, -1, 1),
        "normal": lambda: init.normal_(w),
        "trunc_normal": lambda: init.trunc_normal_(w),
        "constant": lambda: init.constant_(w, 0.5),
        "ones": lambda: init.ones_(w),
        "zeros": lambda: init.zeros_(w),
        "eye": lambda: init.eye_(w),
        "xavier_uniform": lambda: init.xavier_uniform_(w),
        "xavier_normal": lambda: init.xavier_normal_(w),
        "kaiming_uniform": lambda: init.kaiming_uniform_(w),
        "kaiming_normal": lambda: init.kaiming_normal_(w),
        "orthogonal": lambda: init.orthogonal_(w),
        "sparse": lambda: init.sparse_(w, 0.1),
    }
    with open(a.out, "w") as f:
        for name, fn in schemes.items():
            f.write("%s %r\n" % (name, best_time(fn, a.repeats)))


def time_training(a, model):
    x = torch.randn(a.batch, a.dim)
    labels = torch.randint(0, 10, (a.batch,))
    optimizer = torch.optim.SGD(model.parameters(), lr=1e-4)

    def steps():
        for _ in range(a.train):
            optimizer.zero_grad(set_to_none=True)
            torch.nn.functional.cross_entropy(model(x), labels).backward()
            optimizer.step()

    write_best_split(a, steps, a.train)


def write_best_split(a, fn, per):
    """Times fn on each split of torch's and OpenBLAS's threads with at most a.threads of either and
    writes the best time divided by `per`, with its split."""
    results = []
    for split in sorted({(a.threads, a.threads), (1, a.threads), (a.threads, 1)}):
        set_threads(*split)
        results.append((best_time(fn, a.repeats) / per, split))
    best, (torch_threads, blas_threads) = min(results)
    with open(a.out, "w") as f:
        f.write("%r torch_threads=%d openblas_threads=%d openblas_core=%s\n"
                % (best, torch_threads, blas_threads, openblas_core()))


def main():
    p = argparse.ArgumentParser()
    for name, default in (("threads", 1), ("depth", 10), ("width", 1024), ("batch", 512), ("dim", 1024), ("repeats", 5)):
        p.add_argument("--" + name, type=int, default=default)
    p.add_argument("--out", required=True)
    p.add_argument("--schemes", action="store_true")
    # --conv: depth × (Conv2d(in, width, kernel, padding kernel/2) + ReLU) on batch × channels ×
    # size × size images (issue 8's stack); --dim is then unused.
    p.add_argument("--conv", action="store_true")
    p.add_argument("--train", type=int, default=0)
    p.add_argument("--activation", choices=("relu", "tanh"), default="relu")
    for name, default in (("channels", 3), ("size", 32), ("kernel", 3)):
        p.add_argument("--" + name, type=int, default=default)
    a = p.parse_args()
    set_threads(a.threads, a.threads)
    if a.schemes:
        time_schemes(a)
        return
    torch.manual_seed(0)
    layers = []
    for l in range(a.depth):
        if a.conv:
            layer = torch.nn.Conv2d(a.channels if l == 0 else a.width, a.width, a.kernel,
                                    padding=a.kernel // 2)
        else:
            layer = torch.nn.Linear(a.dim if l == 0 else a.width, a.width)
        torch.nn.init.kaiming_normal_(layer.weight, nonlinearity="relu")
        layers += [layer, torch.nn.ReLU() if a.activation == "relu" else torch.nn.Tanh()]
    if a.train:
        time_training(a, torch.nn.Sequential(*layers, torch.nn.Linear(a.width, 10)))
        return
    model = torch.nn.Sequential(*layers)
    if a.conv:
        x = torch.randn(a.batch, a.channels, a.size, a.size, requires_grad=True)
        probe = torch.randn(a.batch, a.width, a.size, a.size)
    else:
        x = torch.randn(a.batch, a.dim, requires_grad=True)
        probe = torch.randn(a.batch, a.width)

    def forward_backward():
        model.zero_grad(set_to_none=True)
        x.grad = None
        loss = (model(x) * probe).sum()
        loss.backward()

    write_best_split(a, forward_backward, 1)


if __name__ == "__main__":
    main()
