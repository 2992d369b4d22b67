#!/usr/bin/env python3
"""Trains a small MNIST CNN in PyTorch and exports it as TorchScript, the way a user would bring
their own model to the workbench. It made src/test/resources/torchscript/mnist-cnn.pt, which
experiments/own-model.yaml evaluates. A measuring aid, not part of the build or of CI.

The network is trained on normalised inputs, (x - 0.1307) / 0.3081, as in PyTorch's MNIST
example, and exported without the normalisation: the experiment file gives it as
`preprocessing`, so the workbench attacks pixels in [0, 1] and its epsilons stay on that scale.

    python3 scripts/pytorch/export_mnist_cnn.py --data-dir ../shared/data --out src/test/resources/torchscript/mnist-cnn.pt
"""
import argparse
import gzip
import os

import torch
import torch.nn as nn
import torch.nn.functional as F

MEAN, STD = 0.1307, 0.3081


class MnistCnn(nn.Module):
    """conv16(3x3)-BN-ReLU-pool, conv32(3x3)-BN-ReLU-pool, dropout, fc10: about 20,000 weights."""

    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(1, 16, 3, padding=1)
        self.bn1 = nn.BatchNorm2d(16)
        self.conv2 = nn.Conv2d(16, 32, 3, padding=1)
        self.bn2 = nn.BatchNorm2d(32)
        self.drop = nn.Dropout(0.25)
        self.fc = nn.Linear(32 * 7 * 7, 10)

    def forward(self, x):
        x = F.max_pool2d(F.relu(self.bn1(self.conv1(x))), 2)
        x = F.max_pool2d(F.relu(self.bn2(self.conv2(x))), 2)
        return self.fc(self.drop(torch.flatten(x, 1)))


def load(data_dir, split):
    """MNIST's IDX files as found by the workbench: <dir>/mnist/ or <dir>/ itself."""
    prefix = "train" if split == "train" else "t10k"
    for folder in (os.path.join(data_dir, "mnist"), data_dir):
        images = os.path.join(folder, f"{prefix}-images-idx3-ubyte.gz")
        if os.path.exists(images):
            with gzip.open(images) as f:
                x = torch.frombuffer(bytearray(f.read()[16:]), dtype=torch.uint8).float().div(255).view(-1, 1, 28, 28)
            with gzip.open(os.path.join(folder, f"{prefix}-labels-idx1-ubyte.gz")) as f:
                y = torch.frombuffer(bytearray(f.read()[8:]), dtype=torch.uint8).long()
            return x, y
    raise SystemExit(f"error: no MNIST files in {data_dir}")


def pgd(model, x, y, eps, steps):
    """The training attack: PGD from a uniform random start, steps of 0.5 eps, in eval mode (batch norm's running statistics)."""
    was_training = model.training
    model.eval()
    adv = (x + torch.empty_like(x).uniform_(-eps, eps)).clamp(0, 1)
    for _ in range(steps):
        adv.requires_grad_(True)
        loss = F.cross_entropy(model((adv - MEAN) / STD), y)
        (g,) = torch.autograd.grad(loss, adv)
        adv = torch.min(torch.max(adv.detach() + 0.5 * eps * g.sign(), x - eps), x + eps).clamp(0, 1)
    model.train(was_training)
    return adv.detach()


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data-dir", default=os.environ.get("BENCH_DATA", "../shared/data"))
    parser.add_argument("--out", default="src/test/resources/torchscript/mnist-cnn.pt")
    parser.add_argument("--epochs", type=int, default=2)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--pgd-eps", type=float, default=0.0,
                        help="train adversarially (Madry et al.): PGD from a uniform random start at this L-inf epsilon")
    parser.add_argument("--pgd-steps", type=int, default=3, help="steps of the training attack, of 0.5 eps each (as experiments/adversarial-training.yaml)")
    args = parser.parse_args()
    torch.manual_seed(args.seed)
    torch.set_num_threads(2)

    x, y = load(args.data_dir, "train")
    tx, ty = load(args.data_dir, "test")
    model = MnistCnn()
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)
    for epoch in range(args.epochs):
        model.train()
        perm = torch.randperm(len(y))
        for k in range(0, len(y), 64):
            idx = perm[k:k + 64]
            xb = x[idx]
            if args.pgd_eps > 0:
                xb = pgd(model, xb, y[idx], args.pgd_eps, args.pgd_steps)
            opt.zero_grad()
            F.cross_entropy(model((xb - MEAN) / STD), y[idx]).backward()
            opt.step()
        model.eval()
        with torch.no_grad():
            acc = (model((tx - MEAN) / STD).argmax(1) == ty).float().mean().item()
        print(f"epoch {epoch + 1}: test accuracy {acc:.4f}")

    # the three lines a user needs: eval mode, script (or trace), save
    model.eval()
    scripted = torch.jit.script(model)
    scripted.save(args.out)
    print(f"wrote {args.out} ({os.path.getsize(args.out)} bytes), torch {torch.__version__}")


if __name__ == "__main__":
    main()
