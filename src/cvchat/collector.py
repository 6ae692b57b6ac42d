"""The cyclic garbage collector, tuned for a process that streams runs.

A burst's live objects (every followed run's events, every open stream's tasks) survive
the young collections and are promoted. With CPython's default thresholds (700, 10, 10)
each is walked again by the middle generation's pass every 7,000 net allocations and,
while the heap keeps growing by a quarter, by full passes that walk all of it: a pause
that every stream of the process feels, and in all a good share of its CPU under a burst
(figures in bench/README.md, "A burst of concurrent runs"). A young generation of 5,000
and a middle one collected every 50 young passes walk most survivors once, in pauses of a
few milliseconds. Cycles are still collected: the same passes run, only less often.
"""

from __future__ import annotations

import gc

THRESHOLDS = (5_000, 50, 10)


def settle() -> None:
    """Collect once, freeze what start-up loaded (it lives as long as the process; full
    passes would otherwise walk it all) and set the thresholds above."""
    gc.collect()
    gc.freeze()
    gc.set_threshold(*THRESHOLDS)
