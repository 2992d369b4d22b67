#!/usr/bin/env python3
"""The PyTorch side of the own-model cross-check: torchattacks' FGSM and PGD on a TorchScript
MNIST model, over the full test set, for comparison with `bench run experiments/own-model.yaml`
on the same file. A measuring aid (needs torch and torchattacks), not part of the build or of CI.

Two accuracies per epsilon:
  plain      the share of test images the model classifies correctly after the attack at that
             epsilon (what torchattacks users report; a clean error may be "repaired")
  carried    correct clean and after the attack at this and every smaller epsilon of the sweep:
             the workbench's default accounting (skip_decided), where an image fooled once stays fooled

    PYTHONPATH=/path/to/torchattacks python3 scripts/pytorch/torchattacks_compare.py \
        --model src/test/resources/torchscript/mnist-cnn.pt --data-dir ../shared/data
"""
import argparse
import json
import os
import sys
import time

import torch
import torch.nn as nn

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from export_mnist_cnn import MEAN, STD, load  # noqa: E402

import torchattacks  # noqa: E402

EPSILONS = [0.0, 0.05, 0.1, 0.15, 0.2, 0.25, 0.3]


class Normalised(nn.Module):
    """The preprocessing the experiment file gives, in front of the exported network."""

    def __init__(self, net):
        super().__init__()
        self.net = net

    def forward(self, x):
        return self.net((x - MEAN) / STD)


def sweep(model, make_attack, x, y, batch):
    """Predictions after the attack at each epsilon, per image."""
    preds = {}
    for eps in EPSILONS:
        out = []
        for k in range(0, len(y), batch):
            xb, yb = x[k:k + batch], y[k:k + batch]
            adv = xb if eps == 0 else make_attack(eps)(xb, yb)
            with torch.no_grad():
                out.append(model(adv).argmax(1))
        preds[eps] = torch.cat(out)
    return preds


def accuracies(preds, y):
    plain, carried = {}, {}
    alive = torch.ones_like(y, dtype=torch.bool)
    for eps in EPSILONS:
        ok = preds[eps] == y
        alive &= ok
        plain[eps] = ok.float().mean().item()
        carried[eps] = alive.float().mean().item()
    return plain, carried


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--model", default="src/test/resources/torchscript/mnist-cnn.pt")
    parser.add_argument("--data-dir", default=os.environ.get("BENCH_DATA", "../shared/data"))
    parser.add_argument("--pgd-steps", type=int, default=40)
    parser.add_argument("--pgd-alpha", type=float, default=0.01)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--batch", type=int, default=500)
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    torch.manual_seed(0)

    x, y = load(args.data_dir, "test")
    model = Normalised(torch.jit.load(args.model)).eval()
    result = {"torch": torch.__version__, "torchattacks": torchattacks.__version__, "model": args.model, "images": len(y)}
    for name, make in (("FGSM", lambda eps: torchattacks.FGSM(model, eps=eps)),
                       (f"PGD-{args.pgd_steps}", lambda eps: torchattacks.PGD(model, eps=eps, alpha=args.pgd_alpha,
                                                                          steps=args.pgd_steps, random_start=True))):
        start = time.perf_counter()
        plain, carried = accuracies(sweep(model, make, x, y, args.batch), y)
        seconds = time.perf_counter() - start
        result[name] = {"plain": plain, "carried": carried, "seconds": round(seconds, 1)}
        print(f"{name} ({seconds:.1f} s)")
        print("  eps    plain    carried")
        for eps in EPSILONS:
            print(f"  {eps:.2f}  {100 * plain[eps]:7.2f}  {100 * carried[eps]:7.2f}")
    print(json.dumps(result, indent=1))


if __name__ == "__main__":
    main()
