import pytest

from cvchat.domain.errors import IllegalTransition
from cvchat.domain.model import (
    RECOVERY_TRANSITIONS,
    TERMINAL_STATUSES,
    TRANSITIONS,
    Run,
    RunStatus,
    allowed_sources,
)


def _run(status: RunStatus) -> Run:
    run = Run(thread_id="t", user_message_id="m")
    run.status = status
    return run


@pytest.mark.parametrize(
    ("source", "target"),
    [(s, t) for s in RunStatus for t in RunStatus],
)
def test_only_the_documented_transitions_are_legal(source: RunStatus, target: RunStatus) -> None:
    legal = {
        (RunStatus.QUEUED, RunStatus.RUNNING),
        (RunStatus.QUEUED, RunStatus.CANCELED),
        (RunStatus.QUEUED, RunStatus.ERROR),
        (RunStatus.RUNNING, RunStatus.DONE),
        (RunStatus.RUNNING, RunStatus.ERROR),
        (RunStatus.RUNNING, RunStatus.CANCELED),
    }
    run = _run(source)
    if (source, target) in legal:
        run.transition(target)
        assert run.status is target
    else:
        with pytest.raises(IllegalTransition):
            run.transition(target)
        assert run.status is source


def test_terminal_runs_never_change() -> None:
    for status in TERMINAL_STATUSES:
        assert TRANSITIONS[status] == frozenset()
        assert status.terminal


def test_timestamps_follow_the_transitions() -> None:
    run = _run(RunStatus.QUEUED)
    run.transition(RunStatus.RUNNING)
    assert run.started_at is not None and run.finished_at is None
    run.transition(RunStatus.DONE)
    assert run.finished_at is not None and run.finished_at >= run.started_at


def test_allowed_sources_match_the_table() -> None:
    assert allowed_sources(RunStatus.CANCELED) == {RunStatus.QUEUED, RunStatus.RUNNING}
    assert allowed_sources(RunStatus.DONE) == {RunStatus.RUNNING}
    assert allowed_sources(RunStatus.QUEUED) == frozenset()


@pytest.mark.parametrize("status", list(RunStatus))
def test_requeue_is_the_recovery_only_move_from_running(status: RunStatus) -> None:
    """running → queued exists only as ``requeue`` (a lost worker's run), never via transition."""
    run = _run(status)
    run.owner = "worker-1#1"
    if status is RunStatus.RUNNING:
        run.started_at = run.created_at
        run.requeue()
        assert run.status is RunStatus.QUEUED
        assert run.owner is None and run.started_at is None
        run.transition(RunStatus.RUNNING)  # and it can be claimed again
    else:
        with pytest.raises(IllegalTransition):
            run.requeue()
        assert run.status is status


def test_the_recovery_move_is_not_in_the_normal_table() -> None:
    assert RunStatus.QUEUED not in TRANSITIONS[RunStatus.RUNNING]
    assert {RunStatus.RUNNING: frozenset({RunStatus.QUEUED})} == RECOVERY_TRANSITIONS
