#!/usr/bin/env python3
"""What the same attack phases cost a Python user in eager PyTorch, for comparison with
`bench benchmark`. Needs Python 3 with torch, which the workbench itself does not; it is a
measuring aid, not part of the build or of CI.

It mirrors bench benchmark's small-cnn rows: the first --images MNIST test images read from
$BENCH_DATA (or --data-dir), batch 500, the same thread count, every timing repeated for at
least --min-seconds, the median of three. It adds the FGSM sweep as PyTorch's FGSM tutorial
writes it, with a fresh gradient per epsilon.

    scripts/pytorch-baseline.py --data-dir ../shared/data

Two more phases are the PyTorch side of `bench benchmark --vs-pytorch`, each in a fresh process
as a user would run it, printing one JSON line last:

    scripts/pytorch-baseline.py train --epochs 2 --batch-size 128 --save-model /tmp/cnn.pt
        the small CNN trained on the 60,000 MNIST training images as an eager PyTorch user writes
        it (Adam 0.001, a new permutation every epoch, loss.item() each step for the epoch's
        mean, test accuracy after every epoch); "seconds" spans the first batch to the last
        epoch's test accuracy
    PYTHONPATH=<torchattacks> scripts/pytorch-baseline.py fgsm-sweep --model /tmp/cnn.pt
        torchattacks' FGSM called once per epsilon over the 10,000 test images (batch 500), each
        adversarial batch classified; epsilon 0 is one clean forward (no attack call), which is
        the kinder reading for PyTorch; "seconds" spans the whole sweep
"""
import argparse
import gzip
import json
import os
import statistics
import sys
import time

import torch
import torch.nn as nn
import torch.nn.functional as F

EPSILONS = [0.0, 0.05, 0.1, 0.15, 0.2, 0.25, 0.3]


def mnist_split(data_dir, prefix, n=None):
    """The first n images of an MNIST split ("train" or "t10k"), pixels in [0, 1]."""
    for folder in (os.path.join(data_dir, "mnist"), data_dir):
        path = os.path.join(folder, f"{prefix}-images-idx3-ubyte.gz")
        if os.path.exists(path):
            with gzip.open(path) as f:
                images = f.read()[16:] if n is None else f.read()[16:16 + n * 784]
            with gzip.open(os.path.join(folder, f"{prefix}-labels-idx1-ubyte.gz")) as f:
                labels = f.read()[8:] if n is None else f.read()[8:8 + n]
            x = torch.frombuffer(bytearray(images), dtype=torch.uint8).float().div(255).view(-1, 1, 28, 28)
            return x, torch.frombuffer(bytearray(labels), dtype=torch.uint8).long()
    raise SystemExit(f"error: no MNIST {prefix} files in {data_dir}")


def test_images(data_dir, n):
    return mnist_split(data_dir, "t10k", n)


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


def accuracy(model, x, y, batch=1000):
    with torch.no_grad():
        return sum((model(x[i:i + batch]).argmax(1) == y[i:i + batch]).sum().item() for i in range(0, len(y), batch)) / len(y)


def train(a):
    """Eager training as a PyTorch user writes it; prints an epoch line each epoch, JSON last."""
    x, y = mnist_split(a.data_dir, "train")
    xt, yt = mnist_split(a.data_dir, "t10k")
    model = small_cnn()
    opt = torch.optim.Adam(model.parameters(), lr=0.001)
    start, epochs = time.perf_counter(), []
    for epoch in range(1, a.epochs + 1):
        t0 = time.perf_counter()
        model.train()
        order = torch.randperm(len(y))
        loss_sum, correct = 0.0, 0
        for i in range(0, len(y), a.batch_size):
            idx = order[i:i + a.batch_size]
            xb, yb = x[idx], y[idx]
            logits = model(xb)
            loss = F.cross_entropy(logits, yb)
            opt.zero_grad()
            loss.backward()
            opt.step()
            loss_sum += loss.item() * len(idx)
            correct += (logits.argmax(1) == yb).sum().item()
        model.eval()
        test = accuracy(model, xt, yt)
        epochs.append(time.perf_counter() - t0)
        print(f"epoch {epoch}/{a.epochs}: loss {loss_sum / len(y):.4f}, train accuracy {100 * correct / len(y):.2f}%, "
              f"test accuracy {100 * test:.2f}% ({epochs[-1]:.1f} s)", flush=True)
    seconds = time.perf_counter() - start
    if a.save_model:
        torch.save(model.state_dict(), a.save_model)
    print(json.dumps({"phase": "train", "torch": torch.__version__, "threads": a.threads, "batch_size": a.batch_size,
                      "epochs": a.epochs, "seconds": seconds, "epoch_seconds": epochs, "test_accuracy": test}))


def fgsm_sweep(a):
    """torchattacks' FGSM once per epsilon over the test set; prints accuracies, JSON last."""
    import torchattacks
    x, y = mnist_split(a.data_dir, "t10k", a.images)
    model = small_cnn()
    if a.model:
        model.load_state_dict(torch.load(a.model))
    model.eval()
    start, accuracies = time.perf_counter(), []
    for eps in EPSILONS:
        attack = None if eps == 0 else torchattacks.FGSM(model, eps=eps)
        correct = 0
        for i in range(0, len(y), a.batch_size):
            xb, yb = x[i:i + a.batch_size], y[i:i + a.batch_size]
            adv = xb if attack is None else attack(xb, yb)
            with torch.no_grad():
                correct += (model(adv).argmax(1) == yb).sum().item()
        accuracies.append(correct / len(y))
    seconds = time.perf_counter() - start
    print("accuracy: " + " ".join(f"eps {e}: {100 * c:.2f}%" for e, c in zip(EPSILONS, accuracies)))
    print(json.dumps({"phase": "fgsm-sweep", "torch": torch.__version__, "torchattacks": torchattacks.__version__,
                      "threads": a.threads, "batch_size": a.batch_size, "images": len(y), "epsilons": EPSILONS,
                      "seconds": seconds, "accuracies": accuracies}))


def main():
    if len(sys.argv) > 1 and sys.argv[1] in ("train", "fgsm-sweep"):
        phase = sys.argv.pop(1)
        p = argparse.ArgumentParser(prog=f"pytorch-baseline.py {phase}")
        p.add_argument("--data-dir", default=os.environ.get("BENCH_DATA", "../shared/data"))
        p.add_argument("--threads", type=int, default=os.cpu_count())
        p.add_argument("--seed", type=int, default=1)
        if phase == "train":
            p.add_argument("--epochs", type=int, default=2)
            p.add_argument("--batch-size", type=int, default=128)
            p.add_argument("--save-model", help="write the trained state_dict here, for fgsm-sweep --model")
        else:
            p.add_argument("--images", type=int, default=10000)
            p.add_argument("--batch-size", type=int, default=500)
            p.add_argument("--model", help="a state_dict from train --save-model (else fresh weights: the time is the same)")
        a = p.parse_args()
        torch.set_num_threads(a.threads)
        torch.set_num_interop_threads(1)
        torch.manual_seed(a.seed)
        (train if phase == "train" else fgsm_sweep)(a)
        return
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
