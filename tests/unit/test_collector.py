"""The collector settings of `cvchat serve` and `cvchat worker` processes."""

from __future__ import annotations

import gc
import weakref
from collections.abc import Iterator

import pytest

from cvchat import collector


@pytest.fixture
def restored_collector() -> Iterator[None]:
    thresholds = gc.get_threshold()
    yield
    gc.unfreeze()
    gc.set_threshold(*thresholds)


class Node:
    def __init__(self) -> None:
        self.other: Node | None = None


def test_settle_freezes_start_up_and_still_collects_new_cycles(restored_collector: None) -> None:
    loaded = Node()  # what start-up loaded: frozen, never walked again
    collector.settle()
    assert gc.get_threshold() == collector.THRESHOLDS
    walked = (o for generation in range(3) for o in gc.get_objects(generation))
    assert gc.get_freeze_count() > 0 and all(o is not loaded for o in walked)

    a, b = Node(), Node()
    a.other, b.other = b, a  # a cycle: reference counting alone never frees it
    gone = weakref.ref(a)
    del a, b
    gc.collect(0)  # the young pass, as the thresholds schedule it
    assert gone() is None
