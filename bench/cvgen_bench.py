"""Corpus throughput: CVs generated and rendered (JSON → HTML → PDF) per second.

Measures, in one run and on the same machine:
- offline generation alone (JSON, validated), CVs per second;
- the baseline: one process rendering 30 CVs in a row (also gives per-CV percentiles);
- ``build_corpus`` as ``cvchat dataset`` runs it (worker processes, one per core) for each
  size, from an empty folder (``--force`` semantics), with the speed-up over the baseline.

Usage: .venv/bin/python bench/cvgen_bench.py [--sizes 30,300] [--repeats 3]
"""

from __future__ import annotations

import argparse
import os
import statistics
import tempfile
import time
from pathlib import Path

from cvchat.cvgen.corpus import build_corpus, document_json, render_one
from cvchat.cvgen.offline import generate_offline
from cvchat.cvgen.plan import plan_corpus
from cvchat.cvgen.schema import LANGUAGES


def _percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def generation_rate(count: int, seed: int) -> float:
    start = time.perf_counter()
    for meta in plan_corpus(count, seed, LANGUAGES, "offline"):
        generate_offline(meta)
    return count / (time.perf_counter() - start)


def serial_baseline(count: int, seed: int) -> tuple[float, list[float]]:
    documents = [generate_offline(m) for m in plan_corpus(count, seed, LANGUAGES, "offline")]
    durations = []
    with tempfile.TemporaryDirectory() as folder:
        start = time.perf_counter()
        for document in documents:
            began = time.perf_counter()
            render_one(str(Path(folder) / document.meta.cv_id), document_json(document))
            durations.append(time.perf_counter() - began)
        total = time.perf_counter() - start
    return count / total, durations


def corpus_rate(count: int, seed: int, workers: int) -> float:
    """Generate and render ``count`` CVs into an empty folder; CVs per second end to end."""
    with tempfile.TemporaryDirectory() as folder:
        start = time.perf_counter()
        documents = [generate_offline(m) for m in plan_corpus(count, seed, LANGUAGES, "offline")]
        build_corpus(Path(folder), documents, workers=workers)
        return count / (time.perf_counter() - start)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", default="30,300")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--seed", type=int, default=42)
    args = parser.parse_args()
    sizes = [int(size) for size in args.sizes.split(",")]
    workers = os.cpu_count() or 1

    print(f"cores: {workers}, load average at start: {os.getloadavg()[0]:.2f}")
    gen = [generation_rate(300, args.seed) for _ in range(args.repeats)]
    print(f"offline generation only (300 CVs): median {statistics.median(gen):.0f} CVs/s")

    runs = [serial_baseline(30, args.seed) for _ in range(args.repeats)]
    baseline = statistics.median(rate for rate, _ in runs)
    per_cv = [d for _, durations in runs for d in durations]
    p50, p95 = statistics.median(per_cv) * 1000, _percentile(per_cv, 0.95) * 1000
    print(
        f"baseline, 1 process, 30 CVs: median {baseline:.2f} CVs/s; "
        f"per CV p50 {p50:.0f} ms, p95 {p95:.0f} ms"
    )
    for size in sizes:
        repeats = args.repeats if size <= 50 else 1
        rates = [corpus_rate(size, args.seed, workers) for _ in range(repeats)]
        rate = statistics.median(rates)
        print(
            f"build_corpus, {workers} workers, {size} CVs: median {rate:.2f} CVs/s over "
            f"{repeats} run(s), {size / rate:.1f} s, x{rate / baseline:.2f} vs baseline"
        )
    print(f"load average at end: {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
