#!/usr/bin/env python3
"""What the same attack phases cost a Python user in eager PyTorch, for comparison with
`bench benchmark`. Needs Python 3 with torch, which the workbench itself does not; it is a
measuring aid, not part of the build or of CI.

It mirrors bench benchmark's small-cnn rows: the first --images MNIST test images read from
$BENCH_DATA (or --data-dir), batch 500, the same thread count, every timing repeated for at
least --min-seconds, the median of three. It adds the FGSM sweep as PyTorch's FGSM tutorial
writes it, with a fresh gradient per epsilon.

    scripts/pytorch-baseline.py --data-dir ../shared/data
"""
import argparse
import gzip
import os
import statistics
import time

import torch
import torch.nn as nn
import torch.nn.functional as F

EPSILONS = [0.0, 0.05, 0.1, 0.15, 0.2, 0.25, 0.3]


def test_images(data_dir, n):
    for folder in (os.path.join(data_dir, "mnist"), data_dir):
        path = os.path.join(folder, "t10k-images-idx3-ubyte.gz")
        if os.path.exists(path):
            with gzip.open(path) as f:
                images = f.read()[16:16 + n * 784]
            with gzip.open(os.path.join(folder, "t10k-labels-idx1-ubyte.gz")) as f:
                labels = f.read()[8:8 + n]
            x = torch.frombuffer(bytearray(images), dtype=torch.uint8).float().div(255).view(-1, 1, 28, 28)
            return x, torch.tensor(list(labels), dtype=torch.long)
    raise SystemExit(f"error: no MNIST test files in {data_dir}")


def small_cnn():
    """The workbench's small-cnn: conv16(5x5)-pool-conv32(5x5)-pool-fc100-fc10."""
    return nn.Sequential(nn.Conv2d(1, 16, 5, padding=2), nn.ReLU(), nn.MaxPool2d(2),
                         nn.Conv2d(16, 32, 5, padding=2), nn.ReLU(), nn.MaxPool2d(2),
                         nn.Flatten(), nn.Linear(32 * 7 * 7, 100), nn.ReLU(), nn.Linear(100, 10))


def input_gradient(model, x, y):
    x = x.clone().requires_grad_(True)
    logits = model(x)
    loss = F.cross_entropy(logits, y, reduction="sum")
    grad, = torch.autograd.grad(loss, x)
    return grad, logits.detach()


def forward(model, x, y):
    with torch.no_grad():
        return model(x).argmax(1)


def fgsm_one_gradient(model, x, y):
    grad, _ = input_gradient(model, x, y)
    sign = grad.sign()
    with torch.no_grad():
        return [model((x + eps * sign).clamp(0, 1)).argmax(1) for eps in EPSILONS if eps > 0]


def fgsm_tutorial(model, x, y):
    """As PyTorch's FGSM tutorial loops: a forward and backward pass for every epsilon."""
    out = []
    for eps in EPSILONS:
        grad, _ = input_gradient(model, x, y)
        with torch.no_grad():
            out.append(model((x + eps * grad.sign()).clamp(0, 1)).argmax(1))
    return out


def pgd40(model, x, y, eps=0.1, steps=40):
    alpha = 2.5 * eps / steps
    adv = (x + torch.empty_like(x).uniform_(-eps, eps)).clamp(0, 1)
    for _ in range(steps):
        grad, _ = input_gradient(model, adv, y)
        adv = torch.min(torch.max(adv + alpha * grad.sign(), x - eps), x + eps).clamp(0, 1)
    with torch.no_grad():
        return model(adv).argmax(1)


def time_pass(op, model, x, y, batch, min_seconds):
    op(model, x[:batch], y[:batch])  # warm-up batch, untimed
    start, passes = time.perf_counter(), 0
    while True:
        for i in range(0, len(x), batch):
            op(model, x[i:i + batch], y[i:i + batch])
        passes += 1
        elapsed = time.perf_counter() - start
        if elapsed >= min_seconds:
            return elapsed / passes


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--data-dir", default=os.environ.get("BENCH_DATA", "../shared/data"))
    p.add_argument("--images", type=int, default=2000)
    p.add_argument("--batch-size", type=int, default=500)
    p.add_argument("--threads", type=int, default=os.cpu_count())
    p.add_argument("--min-seconds", type=float, default=2.0)
    a = p.parse_args()
    torch.set_num_threads(a.threads)
    torch.set_num_interop_threads(1)
    torch.manual_seed(1)
    x, y = test_images(a.data_dir, a.images)
    model = small_cnn().eval()
    for param in model.parameters():
        param.requires_grad_(False)

    def fb(m, xb, yb):
        return input_gradient(m, xb, yb)

    phases = [("forward", forward, 1), ("FGSM sweep, 7 eps, one gradient, every sample", fgsm_one_gradient, 1),
              ("FGSM sweep, 7 eps, tutorial loop (gradient per eps)", fgsm_tutorial, 1),
              ("PGD step (PGD-40 / 40), every sample", pgd40, 40)]
    print(f"PyTorch {torch.__version__} eager, small-cnn, {len(x)} MNIST test images, batch {a.batch_size}, {a.threads} threads")
    base = statistics.median(time_pass(fb, model, x, y, a.batch_size, a.min_seconds) for _ in range(3))
    print(f"  {'forward+backward (input gradient)':<56} {len(x) / base:10.0f} img/s {1.0:8.2f}")
    for name, op, passes in phases:
        seconds, ratios = [], []
        for _ in range(3):
            f = time_pass(fb, model, x, y, a.batch_size, a.min_seconds)
            t = time_pass(op, model, x, y, a.batch_size, a.min_seconds) / passes
            seconds.append(t)
            ratios.append(t / f)
            if t * passes > 30:
                break
        t = statistics.median(seconds)
        print(f"  {name:<56} {len(x) / t:10.0f} img/s {statistics.median(ratios):8.2f}")


if __name__ == "__main__":
    main()
