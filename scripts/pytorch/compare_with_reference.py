#!/usr/bin/env python3
"""Sample by sample, the workbench's AutoAttack against fra31/auto-attack's on the same model and
images: reads a reference JSON written by reference_autoattack.py and one or more run folders of
`bench autoattack` (or `bench run` with an autoattack entry), and prints per epsilon each side's
robust accuracy, the samples only one side found robust, and the times. A measuring aid (plain
Python, no torch), not part of the build or of CI.

    python3 scripts/pytorch/compare_with_reference.py ref.json results/autoattack-mnist-pgd/2026...

A sample counts as robust as both sides count it: classified right clean and after the attack.
Wall times: the reference's per epsilon (from reference_autoattack.py); the workbench's whole
evaluation from the run's manifest (its "evaluation" phase covers every epsilon of the run).
"""
import csv
import json
import os
import sys


def bench_side(run):
    """Per attack label and epsilon, the robust flags by test index; and the run's evaluation seconds."""
    flags = {}
    with open(os.path.join(run, "predictions.csv")) as f:
        rows = list(csv.DictReader(f))
    columns = [c for c in rows[0] if "@" in c]
    for c in columns:
        label, eps = c.rsplit("@", 1)
        flags[(label, float(eps))] = {int(r["sample"]): int(r[c] == r["label"] and r["clean"] == r["label"]) for r in rows}
    with open(os.path.join(run, "manifest.json")) as f:
        manifest = json.load(f)
    seconds = manifest.get("phase_seconds", manifest.get("phaseSeconds", {}))
    return flags, seconds


def main():
    if len(sys.argv) < 3:
        raise SystemExit(__doc__)
    with open(sys.argv[1]) as f:
        ref = json.load(f)
    print(f"reference: fra31/auto-attack {ref.get('autoattack_commit', '?')[:10]}, torch {ref.get('torch')}, "
          f"{ref.get('threads')} threads, {ref.get('images')} images, model {ref.get('model')}")
    for run in sys.argv[2:]:
        flags, seconds = bench_side(run)
        print(f"\nrun {run} (evaluation {seconds.get('evaluation', float('nan')):.1f} s)")
        for result in ref["results"]:
            eps = float(result["eps"])
            r = result["robust_flags"]
            stages = ", ".join(f"{s['attack']} {100 * s['robust']:.2f}" for s in result["stages"])
            print(f"  eps {eps}: reference {100 * result['robust']:.2f}% in {result['seconds']:.1f} s ({stages})")
            for (label, e), b in sorted(flags.items()):
                if e != eps:
                    continue
                n = len(r)
                both = sum(1 for i in range(n) if r[i] and b.get(i, 0))
                only_ref = [i for i in range(n) if r[i] and not b.get(i, 0)]
                only_bench = [i for i in range(n) if not r[i] and b.get(i, 0)]
                acc = sum(b.get(i, 0) for i in range(n)) / n
                print(f"    {label}: {100 * acc:.2f}% ({100 * (acc - result['robust']):+.2f} points); robust on both sides {both},"
                      f" only for the reference {len(only_ref)} {only_ref[:10]}, only for the workbench {len(only_bench)} {only_bench[:10]}")


if __name__ == "__main__":
    main()
