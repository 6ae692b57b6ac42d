"""Property: however a client is cut off and resumes, it sees the log exactly once, in order."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.integration.api_client import Api, Frame

segments = st.lists(
    st.tuples(st.integers(min_value=1, max_value=6), st.booleans()), min_size=0, max_size=5
)


@settings(
    max_examples=8,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(cuts=segments, header_last=st.booleans())
async def test_random_disconnects_and_resumes_rebuild_the_log(
    api: Api, cuts: list[tuple[int, bool]], header_last: bool
) -> None:
    thread = await api.new_thread()
    run_id = await api.ask(thread, "one two three four five six seven eight nine ten")
    seen: list[Frame] = []
    for count, by_header in cuts:
        after = seen[-1].id if seen else None
        part = await api.events(run_id, after=after, header=by_header, stop_after=count)
        seen.extend(part)
        if seen and seen[-1].event == "state":
            break
    if not seen or seen[-1].event != "state":
        seen.extend(
            await api.events(run_id, after=seen[-1].id if seen else None, header=header_last)
        )
    full = await api.events(run_id)
    assert seen == full
    assert [f.id for f in full] == list(range(1, len(full) + 1))
