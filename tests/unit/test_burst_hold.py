"""The in-process executor answers a burst of posts before it starts their runs, and a lone
post's run at once. Order, not timing, is asserted; the hold caps are far from the pauses."""

import asyncio

from cvchat.application.execution import ExecutionSettings, RunExecution
from cvchat.application.messages import post_message
from cvchat.application.threads import create_thread
from cvchat.application.users import create_user
from cvchat.domain.model import Run
from cvchat.infrastructure.executor.inprocess import BURST_GAP_S, InProcessExecutor
from cvchat.infrastructure.notify.local import InProcessNotifier
from tests.unit.fakes import FakeUnitOfWorkFactory
from tests.unit.test_execution import ScriptedPipeline


class Engine:
    def __init__(self, burst_hold_s: float) -> None:
        self.uow = FakeUnitOfWorkFactory()
        self.notifier = InProcessNotifier()
        execution = RunExecution(
            self.uow, self.notifier, ScriptedPipeline(["ok"]), ExecutionSettings()
        )
        self.order: list[str] = []  # "post <run>" and "start <run>", as they happened
        self.started = asyncio.Event()

        async def execute(run: Run) -> bool:
            self.order.append(f"start {run.run_id}")
            self.started.set()
            return await execution(run)

        self.executor = InProcessExecutor(
            self.uow, self.notifier, execute, lease_s=60, burst_hold_s=burst_hold_s
        )

    async def post(self) -> str:
        user = await create_user(self.uow, f"user-{len(self.order)}-{id(self)}")
        thread = await create_thread(self.uow, user.user_id)
        posted = await post_message(self.uow, self.notifier, self.executor, thread.thread_id, "q")
        self.order.append(f"post {posted.run.run_id}")
        return posted.run.run_id

    def starts(self) -> list[str]:
        return [line.split()[1] for line in self.order if line.startswith("start")]


async def test_a_lone_posts_run_starts_at_once() -> None:
    engine = Engine(burst_hold_s=30)
    run_id = await engine.post()
    await asyncio.wait_for(engine.started.wait(), 5)  # not after the 30 s hold
    assert engine.starts() == [run_id]
    await engine.executor.stop()


async def test_a_burst_is_answered_before_its_runs_start() -> None:
    engine = Engine(burst_hold_s=30)
    first = await engine.post()
    rest = []
    for _ in range(10):  # posts closer together than the burst gap
        rest.append(await engine.post())
        await asyncio.sleep(BURST_GAP_S / 4)
    last_post = engine.order.index(f"post {rest[-1]}")
    early = [r for r in engine.starts() if engine.order.index(f"start {r}") < last_post]
    assert set(early) <= {first}, early  # only the burst's opener may start meanwhile
    # Once posts pause, the held runs start: well before the 30 s cap.
    async with asyncio.timeout(5):
        while set(engine.starts()) != {first, *rest}:  # noqa: ASYNC110 - polling is simplest
            await asyncio.sleep(0.01)
    await engine.executor.stop()


async def test_a_burst_that_goes_on_starts_its_runs_after_the_hold() -> None:
    engine = Engine(burst_hold_s=0.1)
    await engine.post()
    held = await engine.post()
    loop = asyncio.get_running_loop()
    until = loop.time() + 1.0  # ten holds of posts that never pause
    while loop.time() < until and f"start {held}" not in engine.order:
        await engine.post()
        await asyncio.sleep(BURST_GAP_S / 4)
    assert f"start {held}" in engine.order  # while the posts still came, not after
    await engine.executor.stop()
