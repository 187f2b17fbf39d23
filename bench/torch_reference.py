#!/usr/bin/env python3
"""PyTorch's forward+backward of an MLP experiment, timed alone: the reference `make bench` compares
`initscope run` against. Builds depth × (Linear(in, width) + ReLU) with kaiming_normal_ weights,
a batch of N(0, 1) inputs that require grad (InitScope reports the input's gradient too), and the
loss sum(y · probe); times model(x) and backward() only, the best of several repetitions after a
warm-up. Writes the seconds to --out.

With --schemes, times each torch.nn.init function on a 1024×1024 float tensor instead (best of
--repeats after a warm-up) and writes one "name seconds" line per function."""
import argparse
import time

import torch


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


def main():
    p = argparse.ArgumentParser()
    for name, default in (("threads", 1), ("depth", 10), ("width", 1024), ("batch", 512), ("dim", 1024), ("repeats", 5)):
        p.add_argument("--" + name, type=int, default=default)
    p.add_argument("--out", required=True)
    p.add_argument("--schemes", action="store_true")
    a = p.parse_args()
    torch.set_num_threads(a.threads)
    if a.schemes:
        time_schemes(a)
        return
    torch.manual_seed(0)
    layers = []
    for l in range(a.depth):
        linear = torch.nn.Linear(a.dim if l == 0 else a.width, a.width)
        torch.nn.init.kaiming_normal_(linear.weight, nonlinearity="relu")
        layers += [linear, torch.nn.ReLU()]
    model = torch.nn.Sequential(*layers)
    x = torch.randn(a.batch, a.dim, requires_grad=True)
    probe = torch.randn(a.batch, a.width)
    best = float("inf")
    for repeat in range(a.repeats + 1):
        model.zero_grad(set_to_none=True)
        x.grad = None
        start = time.perf_counter()
        loss = (model(x) * probe).sum()
        loss.backward()
        elapsed = time.perf_counter() - start
        if repeat > 0:  # the first is the warm-up
            best = min(best, elapsed)
    with open(a.out, "w") as f:
        f.write(repr(best) + "\n")


if __name__ == "__main__":
    main()
