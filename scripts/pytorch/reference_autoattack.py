#!/usr/bin/env python3
"""The reference side of the AutoAttack cross-check: fra31/auto-attack (the authors' implementation)
run unchanged on a TorchScript MNIST model, for comparison with the workbench's AutoAttack on the
same file and images. A measuring aid (needs torch and a checkout of fra31/auto-attack), not part
of the build or of CI.

For each epsilon it builds AutoAttack(Normalised(model), norm='Linf', eps, version, seed,
device='cpu') and calls run_standard_evaluation(x, y, bs, return_labels=True), as a user of the
reference would. The checkout is not modified. fra31 returns only the adversarial images and their
labels, so the script observes the rest from outside:
  - each attack object's perturb (apgd, apgd_targeted, fab, square) is wrapped on the instance to
    time it and to count the samples it was given and the ones it fooled; as fra31 hands each
    attack the still-robust samples in index order, in batches of bs, the wrapper also knows which
    test image every sample is (checked by comparing the pixels) and records which stage fooled it;
  - fra31's logger is wrapped on the instance to keep its lines, with their time stamps: the
    "robust accuracy after X: ...% (total time ... s)" lines give the stage wall times and a
    cross-check of the wrapper's counts.
The adversarial images are checked: within eps (L-inf) of the clean ones, in [0, 1], no NaN, and
the model's prediction on them equal to the labels fra31 returned.

CPU: fra31's AutoAttack defaults to device='cuda'; with device='cpu' every tensor stays on the CPU.
Its attacks also call torch.cuda.random.manual_seed, which on a CPU-only torch is a lazily queued
no-op, so no monkeypatching is needed.

version 'standard' is fra31's: APGD-CE (1 restart, 100 iterations), APGD-T (9 target classes, 1
restart, 100 iterations), FAB-T (9 target classes, 1 restart, 100 iterations), Square (5000
queries, p_init 0.8), each on the samples every earlier one failed on. 'custom' runs --attacks with
fra31's constructor settings (APGD 5 restarts, FAB 5 restarts: what AutoAttack(version='custom',
attacks_to_run=...) gives), or with --standard-params the per-attack settings of 'standard'.

    PYTHONPATH=/work/tools/auto-attack python3 scripts/pytorch/reference_autoattack.py \
        --model /work/models/mnist-pgd.pt --images 1000 --eps 0.3 --out aa-pgd.json
    PYTHONPATH=/work/tools/auto-attack python3 scripts/pytorch/reference_autoattack.py \
        --model /work/models/mnist-pgd.pt --version custom --attacks apgd-ce apgd-t --standard-params
"""
import argparse
import json
import os
import platform
import re
import subprocess
import sys
import time

import torch
import torch.nn as nn

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from export_mnist_cnn import MEAN, STD, load  # noqa: E402

import autoattack  # noqa: E402
from autoattack import AutoAttack  # noqa: E402

ATTACKS = ["apgd-ce", "apgd-dlr", "apgd-t", "fab", "fab-t", "square"]
STAGE_LINE = re.compile(r"robust accuracy after (\S+): ([\d.]+)% \(total time ([\d.]+) s\)")
INITIAL_LINE = re.compile(r"initial accuracy: ([\d.]+)%")


class Normalised(nn.Module):
    """The preprocessing the experiment file gives, in front of the exported network (as in
    torchattacks_compare.py, repeated here so that this script does not need torchattacks)."""

    def __init__(self, net):
        super().__init__()
        self.net = net

    def forward(self, x):
        return self.net((x - MEAN) / STD)


def fra31_commit():
    root = os.path.dirname(os.path.dirname(os.path.abspath(autoattack.__file__)))
    try:
        return subprocess.run(["git", "-C", root, "rev-parse", "HEAD"], capture_output=True, text=True,
                              check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"


def predict(model, x, batch):
    with torch.no_grad():
        return torch.cat([model(x[k:k + batch]).argmax(1) for k in range(0, len(x), batch)])


def params(adversary):
    """The settings fra31 will run with (FAB-T itself sets fab.n_restarts to 1 when it starts)."""
    a, t, f, s = adversary.apgd, adversary.apgd_targeted, adversary.fab, adversary.square
    return {
        "apgd": {"n_iter": a.n_iter, "n_restarts": a.n_restarts, "rho": a.thr_decr, "eot_iter": a.eot_iter,
                 "use_largereps": a.use_largereps},
        "apgd-t": {"n_iter": t.n_iter, "n_restarts": t.n_restarts, "n_target_classes": t.n_target_classes,
                   "rho": t.thr_decr, "loss": t.loss},
        "fab": {"n_iter": f.n_iter, "n_restarts": f.n_restarts, "n_target_classes": f.n_target_classes,
                "alpha_max": f.alpha_max, "eta": f.eta, "beta": f.beta},
        "square": {"n_queries": s.n_queries, "p_init": s.p_init, "n_restarts": s.n_restarts,
                   "resc_schedule": s.rescale_schedule, "loss": s.loss},
    }


class Observer:
    """Wraps the attack objects' perturb and the logger of one AutoAttack instance."""

    def __init__(self, adversary, model, x, y, clean, eps):
        self.model, self.x, self.y, self.eps = model, x, y, eps
        self.alive = clean.clone()
        self.fooled_by = ["clean" if not c else None for c in clean.tolist()]
        self.calls = []
        self.stage, self.queue, self.cursor = None, None, 0
        self.tracking = True
        self.max_linf_call = 0.0
        self.lines = []  # (time, text) of fra31's logger
        for obj, stage in ((adversary.apgd, lambda: "apgd-ce" if adversary.apgd.loss == "ce" else "apgd-dlr"),
                           (adversary.apgd_targeted, lambda: "apgd-t"),
                           (adversary.fab, lambda: "fab-t" if adversary.fab.targeted else "fab"),
                           (adversary.square, lambda: "square")):
            obj.perturb = self.wrap(obj.perturb, stage)
        log = adversary.logger.log  # one Logger, shared with the APGD objects

        def logged(text):
            self.lines.append((time.perf_counter(), str(text)))
            return log(text)
        adversary.logger.log = logged

    def wrap(self, perturb, stage_of):
        def perturb_observed(x, y=None, *args, **kwargs):
            stage = stage_of()
            start = time.perf_counter()
            adv = perturb(x, y, *args, **kwargs)
            seconds = time.perf_counter() - start
            with torch.no_grad():
                fooled = self.model(adv).argmax(1) != y
            self.max_linf_call = max(self.max_linf_call, (adv - x).abs().max().item())
            self.calls.append({"attack": stage, "n": len(y), "fooled": int(fooled.sum()), "seconds": seconds})
            self.track(stage, x, fooled)
            return adv
        return perturb_observed

    def track(self, stage, x, fooled):
        if stage != self.stage:
            self.stage, self.queue, self.cursor = stage, self.alive.nonzero().flatten(), 0
        idx = self.queue[self.cursor:self.cursor + len(x)]
        self.cursor += len(x)
        if not self.tracking or len(idx) != len(x) or not torch.equal(x.reshape(self.x[idx].shape), self.x[idx]):
            if self.tracking:
                print(f"warning: cannot match the samples of {stage} to test images; per-sample stages dropped", flush=True)
            self.tracking = False
            return
        for i in idx[fooled].tolist():
            self.alive[i] = False
            self.fooled_by[i] = stage


def evaluate(args, net, x, y, clean, eps):
    model = Normalised(net).eval()
    start = time.perf_counter()
    if args.version == "custom":
        adversary = AutoAttack(model, norm="Linf", eps=eps, version="custom", attacks_to_run=list(args.attacks),
                               seed=args.seed, verbose=True, device="cpu")
        if args.standard_params:
            adversary.set_version("standard")  # the per-attack settings of 'standard' ...
            adversary.attacks_to_run = list(args.attacks)  # ... on the attacks asked for
            adversary.version = "custom"
    else:
        adversary = AutoAttack(model, norm="Linf", eps=eps, version=args.version, seed=args.seed, verbose=True,
                               device="cpu")
    settings = params(adversary)
    attacks = list(adversary.attacks_to_run)
    observer = Observer(adversary, model, x, y, clean, eps)
    run_start = time.perf_counter()
    x_adv, y_adv = adversary.run_standard_evaluation(x, y, bs=args.batch, return_labels=True)
    end = time.perf_counter()

    # fra31's own lines: the stage ends and its accuracies
    marks = [(t, m) for t, text in observer.lines for m in [STAGE_LINE.search(text)] if m]
    initial = [t for t, text in observer.lines if INITIAL_LINE.search(text)]
    previous = initial[0] if initial else run_start
    logged = {}
    for t, m in marks:
        logged[m.group(1).lower()] = {"robust": float(m.group(2)) / 100, "total_seconds": float(m.group(3)),
                                      "seconds": t - previous}
        previous = t

    n = len(y)
    robust_count = int(clean.sum())
    stages = []
    for name in attacks:
        calls = [c for c in observer.calls if c["attack"] == name]
        fooled = sum(c["fooled"] for c in calls)
        entry = {"attack": name, "run": bool(calls) or name in logged, "attacked": sum(c["n"] for c in calls),
                 "fooled": fooled}
        robust_count -= fooled
        entry["robust_count"] = robust_count
        entry["robust"] = robust_count / n
        entry["seconds"] = round(logged[name]["seconds"], 2) if name in logged else (0.0 if not calls else None)
        entry["attack_seconds"] = round(sum(c["seconds"] for c in calls), 2)
        entry["batches"] = len(calls)
        entry["fra31_logged_robust"] = logged[name]["robust"] if name in logged else None
        entry["fra31_logged_total_seconds"] = logged[name]["total_seconds"] if name in logged else None
        stages.append(entry)

    robust = y_adv == y
    with torch.no_grad():
        y_check = predict(model, x_adv, args.batch)
    linf = (x_adv - x).abs().reshape(n, -1).amax(1)
    checks = {
        "max_linf": linf.max().item(),
        "max_linf_in_attacks": observer.max_linf_call,
        "within_eps": bool(linf.max().item() <= eps + 1e-6),
        "min": x_adv.min().item(),
        "max": x_adv.max().item(),
        "in_range": bool(x_adv.min().item() >= 0 and x_adv.max().item() <= 1),
        "nan": int(torch.isnan(x_adv).sum()),
        "labels_consistent": bool(torch.equal(y_check, y_adv)),
        "unattacked_unchanged": bool(torch.equal(x_adv[robust], x[robust])),
        "counts_agree": robust_count == int(robust.sum()),
        "tracking_agrees": observer.tracking and torch.equal(observer.alive, robust),
        "fra31_log_agrees": all(s["fra31_logged_robust"] is None or abs(s["fra31_logged_robust"] - s["robust"]) < 0.5e-4 + 1e-9
                                for s in stages),
    }
    checks["ok"] = all(checks[k] for k in ("within_eps", "in_range", "labels_consistent", "counts_agree"
                                           )) and checks["nan"] == 0
    return {
        "eps": eps,
        "version": args.version,
        "attacks": attacks,
        "params": settings,
        "clean": clean.float().mean().item(),
        "robust": robust.float().mean().item(),
        "robust_count": int(robust.sum()),
        "stages": stages,
        "seconds": round(end - start, 2),
        "robust_flags": robust.int().tolist(),
        "fooled_by": observer.fooled_by if observer.tracking else None,
        "checks": checks,
        "fra31_warnings": [text for _, text in observer.lines if text.startswith("Warning")],
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--model", default="src/test/resources/torchscript/mnist-cnn.pt", help="TorchScript file")
    parser.add_argument("--data-dir", default=os.environ.get("BENCH_DATA", "../shared/data"))
    parser.add_argument("--images", type=int, default=1000, help="the first N test images")
    parser.add_argument("--eps", type=float, nargs="+", default=[0.3])
    parser.add_argument("--version", choices=["standard", "plus", "rand", "custom"], default="standard")
    parser.add_argument("--attacks", nargs="+", choices=ATTACKS, help="with --version custom: the attacks, in order")
    parser.add_argument("--standard-params", action="store_true",
                        help="with --version custom: the per-attack settings of 'standard' instead of fra31's constructor defaults")
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--batch", type=int, default=500)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--out", help="JSON file to write (printed to stdout when not given)")
    args = parser.parse_args()
    if (args.version == "custom") != bool(args.attacks):
        parser.error("--attacks goes with --version custom, and custom needs --attacks")
    if args.standard_params and args.version != "custom":
        parser.error("--standard-params goes with --version custom")
    torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)

    x, y = load(args.data_dir, "test")
    x, y = x[:args.images].contiguous(), y[:args.images].contiguous()
    net = torch.jit.load(args.model, map_location="cpu").eval()
    clean = predict(Normalised(net).eval(), x, args.batch) == y
    result = {"tool": "fra31/auto-attack", "autoattack_commit": fra31_commit(), "autoattack_path": autoattack.__file__,
              "torch": torch.__version__, "python": platform.python_version(), "threads": torch.get_num_threads(),
              "device": "cpu", "model": args.model, "data_dir": args.data_dir, "images": len(y), "batch": args.batch,
              "seed": args.seed, "version": args.version, "attacks": args.attacks, "standard_params": args.standard_params,
              "clean": clean.float().mean().item(), "results": []}
    print(f"clean accuracy {100 * result['clean']:.2f}% on {len(y)} images; fra31 {result['autoattack_commit'][:12]},"
          f" torch {torch.__version__}, {result['threads']} threads", flush=True)
    for eps in args.eps:
        print(f"eps {eps}: running fra31 AutoAttack ({args.version})", flush=True)
        r = evaluate(args, net, x, y, clean, eps)
        result["results"].append(r)
        for s in r["stages"]:
            if not s["run"]:
                print(f"eps {eps}: {s['attack']} not run (nothing left to attack)", flush=True)
                continue
            print(f"eps {eps}: after {s['attack']} {100 * s['robust']:.2f}% ({s['fooled']} of {s['attacked']} fooled,"
                  f" {s['seconds']} s)", flush=True)
        print(f"eps {eps}: robust {100 * r['robust']:.2f}% in {r['seconds']:.1f} s; checks "
              f"{'ok' if r['checks']['ok'] else 'FAILED'} (max L-inf {r['checks']['max_linf']:.6f}, "
              f"range [{r['checks']['min']:.3f}, {r['checks']['max']:.3f}])", flush=True)
        if args.out:  # after every epsilon, so a long sweep keeps what it has
            with open(args.out, "w") as f:
                json.dump(result, f, indent=1)
    if args.out:
        print(f"wrote {args.out}")
        print(json.dumps({"clean": result["clean"], "robust": {r["eps"]: r["robust"] for r in result["results"]},
                          "seconds": {r["eps"]: r["seconds"] for r in result["results"]}}))
    else:
        print(json.dumps(result, indent=1))
    if not all(r["checks"]["ok"] for r in result["results"]):
        sys.exit("error: a check on the adversarial images failed (see checks in the JSON)")


if __name__ == "__main__":
    main()
