"""1,000 hang-ups and resumes, alternating between two API processes, lose nothing.

Clients read runs that are still streaming, hang up at random points (after 0–8 whole
frames, on a frame boundary or in the middle of the next frame), pause, and resume from
the last whole frame they kept on either process, by header or by query parameter. The
runs are executed by the process they were posted to; the other one learns of their
events through PostgreSQL notifications. What each client put together must be the
stored log exactly: nothing lost, nothing twice, nothing out of order.
"""

from __future__ import annotations

import asyncio
import random

import pytest

from tests.chaos.support import Cut, Delivery, Stage, figures, ms, read_with_cut
from tests.integration.workers_support import ApiProcess

pytestmark = [pytest.mark.postgres, pytest.mark.timeout(240)]

CYCLES = 1000
READERS = 8
WORDS = 60


async def test_a_thousand_hang_ups_across_two_processes_lose_nothing(
    shared_stage: Stage,
) -> None:
    a = await shared_stage.api(CVCHAT_ECHO_DELAY_MS="15")
    b = await shared_stage.api(CVCHAT_ECHO_DELAY_MS="15")
    procs = [a, b]
    rng = random.Random(20261205)
    cycles = 0
    cut_mid_frame = 0
    opened: list[float] = []
    first_frame: list[float] = []
    deliveries: list[Delivery] = []

    async def reader(n: int) -> None:
        nonlocal cycles, cut_mid_frame
        while cycles < CYCLES:
            poster = procs[n % 2]
            thread = await poster.api.new_thread()
            delivery = Delivery(await poster.api.ask(thread, " ".join([f"w{n}"] * WORDS)))
            deliveries.append(delivery)
            while True:  # to the end of this run, even past the budget
                proc: ApiProcess = rng.choice(procs)
                cut = Cut(rng.randint(0, 8), rng.random() < 0.5)
                after = delivery.seen[-1].id if delivery.seen else None
                reading = await read_with_cut(
                    proc.api, delivery.run_id, after, cut, by_header=rng.random() < 0.5
                )
                cycles += 1
                cut_mid_frame += cut.mid_frame
                opened.append(reading.opened_s)
                if reading.first_frame_s is not None:
                    first_frame.append(reading.first_frame_s)
                # 204 would say "finished, nothing after": never true before the state event.
                assert reading.status == 200, reading.status
                delivery.seen.extend(reading.frames)
                if delivery.seen and delivery.seen[-1].event == "state":
                    break
                await asyncio.sleep(rng.choice([0, 0, 0.01, 0.05]))

    await asyncio.gather(*(reader(n) for n in range(READERS)))

    totals = {"lost": 0, "duplicated": 0, "out_of_order": 0, "foreign": 0}
    events = 0
    differ = []
    for delivery in deliveries:
        stored = await shared_stage.stored(delivery.run_id)
        for key, value in delivery.compare(stored).items():
            totals[key] += value
        events += len(delivery.seen)
        if delivery.seen != stored:
            differ.append(delivery.run_id)
    figures(
        "hang-ups and resumes, 2 API processes",
        cycles=cycles,
        runs=len(deliveries),
        events_delivered=events,
        cut_mid_frame=cut_mid_frame,
        **totals,
        stream_opened=ms(opened),
        first_frame=ms(first_frame),
    )
    assert cycles >= CYCLES
    assert not differ, f"runs whose stream differs from the stored log: {differ}"
    assert totals == {"lost": 0, "duplicated": 0, "out_of_order": 0, "foreign": 0}
    for proc in procs:
        assert proc.alive(), proc.tail()
