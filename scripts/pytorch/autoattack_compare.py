#!/usr/bin/env python3
"""The PyTorch side of the AutoAttack cross-check: torchattacks' APGD-CE, APGD-T and Square with the
reference settings (100 steps, 9 target classes, 5000 queries, p_init 0.8, no schedule rescaling),
each on the full MNIST test set, for comparison with the workbench's attacks of the same names on
the same TorchScript file. A measuring aid (needs torch and torchattacks), not part of the build
or of CI.

torchattacks' AutoAttack wrapper is not used: it leaves APGD at 10 steps and rescales Square's
schedule, which makes it weaker than the reference ensemble. The components are called one by one
with the reference settings, and the ensemble is chained as the reference chains it (each attack on
the samples every earlier one failed on), with its wall time.

    PYTHONPATH=<torchattacks> python3 scripts/pytorch/autoattack_compare.py \
        --model src/test/resources/torchscript/mnist-cnn.pt --eps 0.1 --attacks apgd-ce apgd-t
"""
import argparse
import json
import os
import sys
import time

import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from export_mnist_cnn import load  # noqa: E402
from torchattacks_compare import Normalised  # noqa: E402

import torchattacks  # noqa: E402


def make(name, model, eps):
    if name == "apgd-ce":
        return torchattacks.APGD(model, norm="Linf", eps=eps, steps=100, n_restarts=1, loss="ce", seed=0)
    if name == "apgd-dlr":
        return torchattacks.APGD(model, norm="Linf", eps=eps, steps=100, n_restarts=1, loss="dlr", seed=0)
    if name == "apgd-t":
        return torchattacks.APGDT(model, norm="Linf", eps=eps, steps=100, n_restarts=1, n_classes=10, seed=0)
    if name == "fab-t":
        return torchattacks.FAB(model, norm="Linf", eps=eps, steps=100, n_restarts=1, multi_targeted=True, n_classes=10, seed=0)
    if name == "square":
        return torchattacks.Square(model, norm="Linf", eps=eps, n_queries=5000, n_restarts=1, p_init=0.8, resc_schedule=False, seed=0)
    raise SystemExit(f"error: unknown attack {name}")


def robust_after(model, attack, x, y, robust, batch):
    """Attacks the still-robust samples; returns the new robust flags."""
    robust = robust.clone()
    idx = robust.nonzero().flatten()
    for k in range(0, len(idx), batch):
        i = idx[k:k + batch]
        adv = attack(x[i], y[i])
        assert (adv - x[i]).abs().max() <= attack.eps + 1e-6
        with torch.no_grad():
            robust[i] = model(adv).argmax(1) == y[i]
    return robust


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--model", default="src/test/resources/torchscript/mnist-cnn.pt")
    parser.add_argument("--data-dir", default=os.environ.get("BENCH_DATA", "../shared/data"))
    parser.add_argument("--eps", type=float, nargs="+", default=[0.1, 0.2, 0.3])
    parser.add_argument("--attacks", nargs="+", default=["apgd-ce", "apgd-t", "square"])
    parser.add_argument("--ensemble", action="store_true", help="also chain the attacks in order, as AutoAttack does")
    parser.add_argument("--ensemble-only", action="store_true", help="only the chain, not each attack alone")
    parser.add_argument("--images", type=int, default=10000)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--batch", type=int, default=500)
    args = parser.parse_args()
    torch.set_num_threads(args.threads)

    x, y = load(args.data_dir, "test")
    x, y = x[:args.images], y[:args.images]
    model = Normalised(torch.jit.load(args.model)).eval()
    with torch.no_grad():
        clean = torch.cat([model(x[k:k + args.batch]).argmax(1) for k in range(0, len(y), args.batch)]) == y
    result = {"torch": torch.__version__, "torchattacks": torchattacks.__version__, "model": args.model,
              "images": len(y), "clean": clean.float().mean().item(), "attacks": {}}
    print(f"clean accuracy {100 * result['clean']:.2f}% on {len(y)} images", flush=True)
    for eps in args.eps:
        for name in ([] if args.ensemble_only else args.attacks):
            start = time.perf_counter()
            robust = robust_after(model, make(name, model, eps), x, y, clean, args.batch)
            seconds = time.perf_counter() - start
            result["attacks"][f"{name}@{eps}"] = {"accuracy": robust.float().mean().item(), "seconds": round(seconds, 1)}
            print(f"eps {eps}: {name} {100 * robust.float().mean().item():.2f}% ({seconds:.1f} s)", flush=True)
        if args.ensemble or args.ensemble_only:
            start = time.perf_counter()
            robust = clean
            for name in args.attacks:
                robust = robust_after(model, make(name, model, eps), x, y, robust, args.batch)
                print(f"eps {eps}: ensemble after {name} {100 * robust.float().mean().item():.2f}%", flush=True)
            seconds = time.perf_counter() - start
            result["attacks"][f"ensemble@{eps}"] = {"accuracy": robust.float().mean().item(), "seconds": round(seconds, 1)}
            print(f"eps {eps}: ensemble {100 * robust.float().mean().item():.2f}% ({seconds:.1f} s)", flush=True)
    print(json.dumps(result, indent=1))


if __name__ == "__main__":
    main()
