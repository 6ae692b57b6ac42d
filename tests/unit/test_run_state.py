import pytest

from cvchat.domain.errors import IllegalTransition
from cvchat.domain.model import TERMINAL_STATUSES, TRANSITIONS, Run, RunStatus, allowed_sources


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
