"""Properties of the two hand-written parsers at the API's edge.

- The SSE resume cursor (``parse_cursor``): every integer 0 … MAX_SEQ round-trips, anything
  else is ``InvalidInput`` (422); through the real app the header wins over the query, a bad
  value in either is a 422, and a good one replays exactly the events after it.
- Path ids (``ID_PATTERN``): through the real app, an id that does not match is a 422 (or a
  404 when it does not even route), one that matches but names nothing is a 404; never a 5xx.
- Text a database cannot store (NUL, lone surrogates) is a 422 that changes nothing.
"""

from __future__ import annotations

import json
import re
import string
from urllib.parse import quote

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cvchat.domain.errors import InvalidInput
from cvchat.web.routes.runs import MAX_SEQ, parse_cursor
from cvchat.web.schemas import ID_PATTERN
from tests.fuzz.conftest import FinishedRun
from tests.integration.api_client import parse_sse

LIVE = settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)


def cursor_oracle(value: str) -> int | None:
    """What a valid cursor is, written independently of the parser: 1–10 ASCII digits with
    optional surrounding whitespace, at most MAX_SEQ. None: not a cursor."""
    match = re.fullmatch(r"\s*([0-9]{1,10})\s*", value)
    if match is None:
        return None
    number = int(match.group(1))
    return number if number <= MAX_SEQ else None


whitespace = st.sampled_from(["", " ", "\t", "  ", "\n"])


# ----------------------------------------------------------------- parse_cursor, in isolation


@given(n=st.integers(min_value=0, max_value=MAX_SEQ), before=whitespace, after=whitespace)
def test_every_cursor_in_range_round_trips(n: int, before: str, after: str) -> None:
    assert parse_cursor(f"{before}{n}{after}", "Last-Event-ID") == n
    assert parse_cursor(str(n), "last_event_id") == n


@given(n=st.one_of(st.integers(max_value=-1), st.integers(min_value=MAX_SEQ + 1)))
def test_integers_out_of_range_are_invalid(n: int) -> None:
    with pytest.raises(InvalidInput, match="last_event_id"):
        parse_cursor(str(n), "last_event_id")


@given(
    value=st.one_of(
        st.text(max_size=14),
        st.floats(allow_nan=True, allow_infinity=True).map(str),
        st.from_regex(r"\A[0-9]{11,14}\Z"),  # in range by value only with leading zeros
        # digits that are not ASCII: Arabic-Indic, fullwidth, superscript, Devanagari
        st.text(alphabet="٠١٢٣٤٥٦٧٨٩０１２３４５６７８９²³¹०१२", min_size=1, max_size=4),
    )
)
def test_anything_else_is_invalid_input_and_names_its_source(value: str) -> None:
    expected = cursor_oracle(value)
    if expected is not None:
        assert parse_cursor(value, "Last-Event-ID") == expected
        return
    with pytest.raises(InvalidInput, match="Last-Event-ID must be a non-negative integer"):
        parse_cursor(value, "Last-Event-ID")


def test_no_cursor_is_none() -> None:
    assert parse_cursor(None, "Last-Event-ID") is None


# ----------------------------------------------------------------- cursors through the real app

# Header values must be valid HTTP: visible ASCII with inner spaces. Queries may hold anything.
header_text = st.text(alphabet=string.ascii_letters + string.digits + string.punctuation + " ")
header_cursor = st.one_of(
    st.none(),
    st.integers(min_value=0, max_value=40).map(str),
    st.integers(min_value=MAX_SEQ - 1, max_value=MAX_SEQ + 2).map(str),
    header_text.map(str.strip).filter(lambda v: v != ""),
)
query_cursor = st.one_of(
    st.none(),
    st.integers(min_value=0, max_value=40).map(str),
    st.integers(min_value=-3, max_value=-1).map(str),
    st.text(max_size=12),
)


@LIVE
@given(header=header_cursor, query=query_cursor)
async def test_resume_cursor_precedence_through_the_app(
    finished_run: FinishedRun, header: str | None, query: str | None
) -> None:
    headers = {} if header is None else {"Last-Event-ID": header}
    params = {} if query is None else {"last_event_id": query}
    response = await finished_run.api.http.get(
        f"/api/runs/{finished_run.run_id}/events", headers=headers, params=params
    )
    header_after = None if header is None else cursor_oracle(header)
    query_after = None if query is None else cursor_oracle(query)
    if header is not None and header_after is None:
        assert response.status_code == 422, response.text
        assert "Last-Event-ID" in response.json()["detail"]
        return
    if query is not None and query_after is None:
        # A bad query cursor is refused even when a header would have won.
        assert response.status_code == 422, response.text
        assert "last_event_id" in response.json()["detail"]
        return
    after = header_after if header_after is not None else (query_after or 0)
    expected = [f for f in finished_run.frames if f.id > after]
    if not expected:  # the run has ended and nothing follows the cursor
        assert response.status_code == 204 and response.content == b"", response.text
        return
    assert response.status_code == 200, response.text
    frames, _ = parse_sse(response.text.replace("\r\n", "\n").split("\n"))
    assert frames == expected


# ----------------------------------------------------------------- ids through the real app

ID_ROUTES = [
    ("GET", "/api/threads/{}"),
    ("POST", "/api/threads/{}/messages"),
    ("GET", "/api/users/{}/threads"),
    ("GET", "/api/runs/{}"),
    ("GET", "/api/runs/{}/events"),
    ("POST", "/api/runs/{}/cancel"),
]
HEX = "0123456789abcdef"
near_misses = st.one_of(
    st.text(alphabet=HEX, min_size=31, max_size=33),  # one short, right, one long
    st.text(alphabet=HEX.upper(), min_size=32, max_size=32),
    st.text(alphabet=HEX + "gz-_ ", min_size=32, max_size=32),
    st.from_regex(r"\A[0-9a-f]{32}\Z").map(lambda s: f"{s}\n"),  # `$` would allow this one
    st.from_regex(r"\A[0-9a-f]{32}\Z").map(lambda s: f"{s[:31]}٣"),  # a non-ASCII digit
)
raw_ids = st.one_of(st.text(max_size=40), near_misses, st.from_regex(r"\A[0-9a-f]{32}\Z"))


def _routes_to_the_id(raw: str) -> bool:
    """Whether the id lands in its path segment (else the request routes elsewhere)."""
    return raw not in ("", ".", "..") and "/" not in raw


@LIVE
@given(route=st.sampled_from(ID_ROUTES), raw=raw_ids)
async def test_path_ids_are_422_or_404_never_5xx(
    finished_run: FinishedRun, route: tuple[str, str], raw: str
) -> None:
    method, template = route
    path = template.format(quote(raw, safe=""))
    body = {"content": "hi"} if method == "POST" and path.endswith("/messages") else None
    response = await finished_run.api.http.request(method, path, json=body)
    assert response.status_code < 500, response.text
    if not _routes_to_the_id(raw):
        # Another route, or none; an empty id may meet the trailing-slash redirect (no body).
        assert response.status_code in (307, 404, 405, 422)
        return
    assert "detail" in response.json()
    if re.fullmatch(r"[0-9a-f]{32}", raw):
        assert response.status_code == 404, response.text  # well-formed, names nothing
    else:
        assert response.status_code == 422, response.text


@LIVE
@given(
    user_id=st.one_of(
        raw_ids,
        st.integers(),
        st.booleans(),
        st.lists(st.integers(), max_size=2),
        st.dictionaries(st.text(max_size=3), st.integers(), max_size=2),
    )
)
async def test_body_user_ids_are_422_or_404_never_5xx(
    finished_run: FinishedRun, user_id: object
) -> None:
    response = await finished_run.api.http.post("/api/threads", json={"user_id": user_id})
    assert response.status_code < 500, response.text
    if isinstance(user_id, str) and re.fullmatch(r"[0-9a-f]{32}", user_id):
        assert response.status_code == 404, response.text
    else:
        assert response.status_code == 422, response.text
    assert "detail" in response.json()


def test_the_pattern_is_anchored_and_strict() -> None:
    pattern = re.compile(ID_PATTERN)
    assert pattern.pattern.startswith("^") and pattern.pattern.endswith("$")
    assert pattern.fullmatch("0" * 32)
    assert not pattern.fullmatch("0" * 31) and not pattern.fullmatch("A" * 32)


# ----------------------------------------------------------------- text the databases cannot store

unstorable = st.builds(
    lambda text, at, bad: text[:at] + bad + text[at:],
    st.text(max_size=20),
    st.integers(min_value=0, max_value=20),
    st.sampled_from(["\x00", "\ud800", "\udfff"]),
)


@LIVE
@given(value=unstorable)
async def test_unstorable_text_is_422_and_changes_nothing(
    finished_run: FinishedRun, value: str
) -> None:
    http = finished_run.api.http
    before = (await http.get(f"/api/threads/{finished_run.thread_id}")).json()
    # json.dumps writes \u0000 and lone surrogates as escapes: the JSON text itself is valid.
    json_headers = {"Content-Type": "application/json"}
    for path, body in [
        ("/api/users", {"name": f"n{value}"}),
        (f"/api/threads/{finished_run.thread_id}/messages", {"content": f"q{value}"}),
    ]:
        response = await http.post(path, content=json.dumps(body), headers=json_headers)
        assert response.status_code == 422, (path, response.text)
    if not any("\ud800" <= c <= "\udfff" for c in value):  # those cannot even be in a URL
        response = await http.get("/api/users", params={"name": f"n{value}"})
        assert response.status_code == 422, response.text
    assert (await http.get(f"/api/threads/{finished_run.thread_id}")).json() == before
