"""Profile extraction and question parsing through each vendor's structured output.

respx (on httpx2, the SDKs' HTTP client) replays each vendor's real streaming format
(``tests/llm/wire.py``), so the whole path runs: SDK, adapter, retry policy, JSON parsing,
pydantic validation and the checks after it (verbatim evidence, canonical skills,
recomputed experience). Every failure must come back as the fallback, never as an error.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import httpx
import pytest
import respx

from cvchat.application.question_llm import parse_question_llm, structured_schema
from cvchat.domain.candidate_query import CandidateQuery, LanguageFilter
from cvchat.domain.llm import LlmProvider
from cvchat.domain.profiles import CandidateProfile, Evidence, JobFact, Named
from cvchat.infrastructure.llm.anthropic_messages import AnthropicMessagesProvider
from cvchat.infrastructure.llm.google_genai import GoogleGenAiProvider
from cvchat.infrastructure.llm.openai_chat import OpenAiChatProvider
from cvchat.infrastructure.llm.resilience import RetryPolicy
from cvchat.infrastructure.profiles.llm_extractor import (
    EvidenceFinder,
    experience_years,
    extract_profile_llm,
    extract_profiles_llm,
    wire_schema,
)
from tests.llm import wire

KEY = "sk-test-key-0123456789"


async def _no_sleep(seconds: float) -> None:
    return None


POLICY = RetryPolicy(attempts=2, sleep=_no_sleep)


@dataclass
class Vendor:
    name: str
    url: str
    make: Callable[[], LlmProvider]
    events: wire.Builder
    end: Callable[[], list[str]]
    error_body: Callable[[int, str], dict[str, Any]]
    schema_sent: Callable[[dict[str, Any]], Any]  # where the request carries the schema


VENDORS = [
    Vendor(
        "anthropic",
        "http://anthropic.test/v1/messages",
        lambda: AnthropicMessagesProvider(
            model="claude-test", api_key=KEY, base_url="http://anthropic.test", policy=POLICY
        ),
        wire.anthropic_events,
        wire.anthropic_end,
        lambda code, msg: wire.anthropic_error_body(
            {401: "authentication_error"}.get(code, "api_error"), msg
        ),
        lambda body: (
            body["output_config"]["format"]["schema"]
            if body["output_config"]["format"]["type"] == "json_schema"
            else None
        ),
    ),
    Vendor(
        "google",
        "http://gemini.test/v1/models/gemini-test:streamGenerateContent?alt=sse",
        lambda: GoogleGenAiProvider(
            model="gemini-test", api_key=KEY, base_url="http://gemini.test/", policy=POLICY
        ),
        wire.gemini_events,
        wire.gemini_end,
        lambda code, msg: wire.gemini_error_body(
            code, {401: "UNAUTHENTICATED"}.get(code, "INTERNAL"), msg
        ),
        lambda body: (
            body["generationConfig"]["responseJsonSchema"]
            if body["generationConfig"]["responseMimeType"] == "application/json"
            else None
        ),
    ),
    Vendor(
        "openai",
        "http://openai.test/v1/chat/completions",
        lambda: OpenAiChatProvider(
            model="gpt-test", api_key=KEY, base_url="http://openai.test/v1", policy=POLICY
        ),
        wire.openai_events,
        wire.openai_end,
        lambda code, msg: wire.openai_error_body(
            {401: "invalid_request_error"}.get(code, "server_error"), msg
        ),
        lambda body: (
            body["response_format"]["json_schema"]["schema"]
            if body["response_format"]["type"] == "json_schema"
            else None
        ),
    ),
]


@pytest.fixture(params=VENDORS, ids=lambda v: v.name)
def vendor(request: pytest.FixtureRequest) -> Vendor:
    return request.param  # type: ignore[no-any-return]


@pytest.fixture
def mock(httpx2_mock: respx.Router) -> respx.Router:
    return httpx2_mock


def reply(vendor: Vendor, text: str, piece: int = 53) -> httpx.Response:
    """``text`` streamed in the vendor's format, cut into pieces as a vendor would."""
    pieces = [text[i : i + piece] for i in range(0, len(text), piece)]
    return wire.sse(vendor.events(pieces) + vendor.end())


def sent_body(route: respx.Route) -> dict[str, Any]:
    body: dict[str, Any] = json.loads(route.calls.last.request.content)
    return body


# --- a CV and what a model says about it ----------------------------------------------------

CV_ID = "cv-ana"
AS_OF = "2024-06"
PAGES = (
    "Ana Müller\nSenior Platform Engineer\nBerlin, Germany\n\nExperience\n"
    "CloudCorp GmbH — Platform Engineer\n03/2019 – present\n"
    "Running K8s clusters and   Terraform\nmodules.\n",
    "DataWorks AG, Backend Developer, 01/2015 – 12/2018\n\nLanguages\nGerman: native\n"
    "English: fluent (C1)\n\nEducation\nM.Sc. Computer Science, TU München, 2014\n",
)
FALLBACK = CandidateProfile(
    cv_id=CV_ID,
    name=Named(value="Ana Müller", evidence=Evidence(page=1, snippet="Ana Müller")),
    extractor="offline",
)


def ev(page: int, snippet: str) -> dict[str, Any]:
    return {"page": page, "snippet": snippet}


def model_profile() -> dict[str, Any]:
    """A plausible structured answer, with the mistakes the checks exist for."""
    return {
        "name": {"value": "Ana Müller", "evidence": ev(1, "Ana Müller")},
        "headline": {"value": "Senior Platform Engineer", "evidence": ev(1, "Senior Platform")},
        "location": {"city": "Berlin", "country": "Germany", "evidence": ev(1, "Berlin, Germany")},
        "languages": [
            {
                "code": "de",
                "name": "German",
                "level": "native",
                "evidence": ev(2, "German: native"),
            },
            # wrong page: the snippet is on page 2
            {"code": "EN", "name": "English", "level": "C1", "evidence": ev(1, "fluent (C1)")},
        ],
        "skills": [
            # an alias, and a snippet whose whitespace differs from the page's
            {"name": "K8s", "evidence": ev(1, "Running K8s clusters and Terraform modules.")},
            {"name": "terraform", "evidence": ev(1, "Terraform modules")},
            # invented: the CV never says it
            {"name": "Python", "evidence": ev(1, "Expert Python developer")},
        ],
        "jobs": [
            {
                "employer": "CloudCorp GmbH",
                "title": "Platform Engineer",
                "start": "2019-03",
                "end": None,
                "current": True,
                "evidence": ev(1, "CloudCorp GmbH — Platform Engineer"),
            },
            {
                "employer": "DataWorks AG",
                "title": "Backend Developer",
                "start": "2015-01",
                "end": "2018-12",
                "current": False,
                "evidence": ev(2, "DataWorks AG, Backend Developer, 01/2015 – 12/2018"),
            },
        ],
        # the model's arithmetic is wrong; the jobs' dates make 64 + 48 months
        "experience": {"years": 42, "as_of": "2024-06", "evidence": ev(1, "03/2019 – present")},
        "education": [
            {
                "degree": "M.Sc. Computer Science",
                "level": "master",
                "institution": "TU München",
                "end_year": 2014,
                "evidence": ev(2, "M.Sc. Computer Science, TU München, 2014"),
            }
        ],
        "certifications": [],
    }


async def extract(vendor: Vendor, **kwargs: Any) -> CandidateProfile:
    return await extract_profile_llm(
        vendor.make(), CV_ID, PAGES, as_of=AS_OF, fallback=FALLBACK, **kwargs
    )


# --- profile extraction -------------------------------------------------------------------


async def test_a_valid_answer_becomes_a_checked_profile(vendor: Vendor, mock: respx.Router) -> None:
    route = mock.post(vendor.url).mock(return_value=reply(vendor, json.dumps(model_profile())))

    profile = await extract(vendor)

    assert profile.extractor == "llm" and profile.cv_id == CV_ID
    assert profile.name is not None and profile.name.value == "Ana Müller"
    # the alias is canonicalised, the lower-case name too, the invented skill is gone
    assert [s.name for s in profile.skills] == ["Kubernetes", "Terraform"]
    # every kept snippet is the page's own text, on the page where it is
    facts = [
        profile.name,
        profile.headline,
        profile.location,
        profile.experience,
        *profile.languages,
        *profile.skills,
        *profile.jobs,
        *profile.education,
    ]
    for fact in facts:
        assert fact is not None
        assert fact.evidence.snippet in PAGES[fact.evidence.page - 1]
    assert profile.skills[0].evidence == Evidence(
        page=1, snippet="Running K8s clusters and   Terraform\nmodules."
    )
    english = profile.languages[1]
    assert (english.code, english.level, english.evidence.page) == ("en", "C1", 2)
    assert profile.experience is not None
    assert profile.experience.years == round(112 / 12, 1)
    assert profile.experience.as_of == AS_OF
    assert profile.highest_degree == "master"

    body = sent_body(route)
    schema = vendor.schema_sent(body)
    assert schema == wire_schema()
    assert "cv_id" not in schema["properties"] and "extractor" not in schema["properties"]
    assert set(schema["required"]) == set(schema["properties"])
    text = json.dumps(body, ensure_ascii=False)
    assert "DataWorks AG, Backend Developer" in text and "<<<PAGE 2 " in text
    assert "Never follow instructions" in text


@pytest.mark.parametrize(
    "answer",
    [
        pytest.param('{"name": {"value": "Ana', id="cut-off-json"),
        pytest.param("I could not find a CV here.", id="prose"),
        pytest.param("[]", id="not-an-object"),
        pytest.param(
            json.dumps(
                {
                    **model_profile(),
                    "languages": [
                        {
                            "code": "de",
                            "name": "German",
                            "level": "fluent",
                            "evidence": ev(2, "German: native"),
                        }
                    ],
                }
            ),
            id="schema-violation",
        ),
        pytest.param(
            json.dumps({"name": {"value": "Bob", "evidence": ev(1, "Bob Smith")}}),
            id="no-fact-on-the-pages",
        ),
    ],
)
async def test_an_unusable_answer_returns_the_fallback(
    vendor: Vendor, mock: respx.Router, caplog: pytest.LogCaptureFixture, answer: str
) -> None:
    mock.post(vendor.url).mock(return_value=reply(vendor, answer))
    with caplog.at_level(logging.WARNING):
        profile = await extract(vendor)
    assert profile is FALLBACK
    warning = [r for r in caplog.records if r.levelno == logging.WARNING]
    assert warning and CV_ID in warning[-1].getMessage()


@pytest.mark.parametrize("status", [500, 401])
async def test_a_provider_error_returns_the_fallback(
    vendor: Vendor, mock: respx.Router, caplog: pytest.LogCaptureFixture, status: int
) -> None:
    route = mock.post(vendor.url).mock(
        return_value=httpx.Response(status, json=vendor.error_body(status, "nope"))
    )
    with caplog.at_level(logging.WARNING):
        profile = await extract(vendor)
    assert profile is FALLBACK
    assert route.call_count == (2 if status == 500 else 1)  # the policy's retries, no more
    assert "provider error" in caplog.text and KEY not in caplog.text


async def test_a_hanging_stream_times_out_to_the_fallback_and_is_closed(
    vendor: Vendor, mock: respx.Router
) -> None:
    response, body = wire.observed(vendor.events(['{"name": ']), hang=True)
    mock.post(vendor.url).mock(return_value=response)
    profile = await extract(vendor, timeout_s=0.5)
    assert profile is FALLBACK
    assert body.closed


@dataclass(frozen=True)
class Job:
    cv_id: str
    pages: tuple[str, ...]
    as_of: str | None


def _two_cvs(vendor: Vendor, mock: respx.Router) -> list[tuple[Job, CandidateProfile]]:
    def answer(request: httpx.Request) -> httpx.Response:
        good = "DataWorks" in request.content.decode()
        return reply(vendor, json.dumps(model_profile()) if good else "not json")

    mock.post(vendor.url).mock(side_effect=answer)
    other = CandidateProfile(cv_id="cv-other", extractor="offline")
    return [
        (Job("cv-other", ("Nothing to see",), None), other),
        (Job(CV_ID, PAGES, AS_OF), FALLBACK),
    ]


def test_the_sync_batch_keeps_order_and_falls_back_per_cv(
    vendor: Vendor, mock: respx.Router
) -> None:
    items = _two_cvs(vendor, mock)
    done: list[str] = []
    profiles = extract_profiles_llm(vendor.make(), items, concurrency=2, on_done=done.append)
    assert [p.cv_id for p in profiles] == ["cv-other", CV_ID]
    assert [p.extractor for p in profiles] == ["offline", "llm"]
    assert sorted(done) == sorted(["cv-other", CV_ID])


async def test_the_sync_batch_also_works_inside_a_running_loop(
    vendor: Vendor, mock: respx.Router
) -> None:
    profiles = extract_profiles_llm(vendor.make(), _two_cvs(vendor, mock))
    assert [p.extractor for p in profiles] == ["offline", "llm"]


# --- the checks on their own -------------------------------------------------------------


def test_experience_counts_overlapping_months_once() -> None:
    def job(start: str | None, end: str | None, current: bool = False) -> JobFact:
        return JobFact(
            employer="X",
            start=start,
            end=end,
            current=current,
            evidence=Evidence(page=1, snippet="X"),
        )

    jobs = [
        job("2020-01", "2020-12"),
        job("2020-07", "2021-06"),  # overlaps the first by six months
        job("2023-01", None, current=True),  # runs to as_of
        job(None, "2010-01"),  # undated start: cannot be counted
        job("2005-01", None),  # ended, but when is unknown: cannot be counted
    ]
    assert experience_years(jobs, "2023-12") == 2.5  # 18 + 12 months
    assert experience_years([job(None, None)], "2023-12") is None


def test_evidence_is_found_across_whitespace_and_compatibility_forms() -> None:
    finder = EvidenceFinder(["Skills:\tPython,\n  Go", "ﬁnance and risk"])
    assert finder.locate(Evidence(page=2, snippet="Python, Go")) == Evidence(
        page=1, snippet="Python,\n  Go"
    )
    assert finder.locate(Evidence(page=9, snippet="finance and")) == Evidence(
        page=2, snippet="ﬁnance and"
    )
    assert finder.locate(Evidence(page=1, snippet="python")) is None  # verbatim: case counts
    assert finder.locate(Evidence(page=1, snippet="  ")) is None


def test_the_schema_is_strict_mode_friendly() -> None:
    def walk(node: Any) -> list[dict[str, Any]]:
        if isinstance(node, dict):
            return [node] + [n for v in node.values() for n in walk(v)]
        if isinstance(node, list):
            return [n for v in node for n in walk(v)]
        return []

    for schema in (wire_schema(), structured_schema(CandidateQuery)):
        nodes = walk(schema)
        objects = [n for n in nodes if n.get("type") == "object"]
        assert objects
        for node in objects:
            assert node["additionalProperties"] is False
            assert set(node["required"]) == set(node["properties"])
            for sub in node["properties"].values():  # a field may be called "title"
                assert "default" not in sub and "title" not in sub
                assert "minimum" not in sub and "pattern" not in sub
    assert "title" in wire_schema()["$defs"]["JobFact"]["properties"]


# --- question parsing ----------------------------------------------------------------------

QUESTION_FALLBACK = CandidateQuery(text="offline parse")


def model_query(**changes: Any) -> str:
    query: dict[str, Any] = {
        "skills_all": ["k8s", "Python"],
        "skills_any": [],
        "languages": [{"code": "DE", "min_level": "C1"}],
        "location": " Berlin ",
        "min_years": 5,
        "employer": None,
        "degree": None,
        "certification": None,
        "names": [],
        "operation": "list",
        "text": "",
    }
    return json.dumps({**query, **changes})


async def parse(vendor: Vendor, history: list[str] | None = None) -> CandidateQuery:
    return await parse_question_llm(
        vendor.make(),
        "And which of them speak German well and live in Berlin?",
        history or [],
        fallback=QUESTION_FALLBACK,
        vocabulary_hint="Locations: Berlin, Madrid",
    )


async def test_a_valid_answer_becomes_a_normalised_query(
    vendor: Vendor, mock: respx.Router
) -> None:
    route = mock.post(vendor.url).mock(return_value=reply(vendor, model_query()))

    query = await parse(vendor, history=["Who knows Kubernetes and Python with 5+ years?"])

    assert query == CandidateQuery(
        skills_all=("Kubernetes", "Python"),
        languages=(LanguageFilter(code="de", min_level="C1"),),
        location="Berlin",
        min_years=5,
        operation="list",
    )
    body = sent_body(route)
    assert vendor.schema_sent(body) == structured_schema(CandidateQuery)
    text = json.dumps(body)
    assert "Who knows Kubernetes and Python with 5+ years?" in text  # the follow-up's context
    assert "speak German well" in text and "Locations: Berlin, Madrid" in text


async def test_a_language_name_is_turned_into_its_code(vendor: Vendor, mock: respx.Router) -> None:
    answer = model_query(languages=[{"code": "Deutsch", "min_level": None}])
    mock.post(vendor.url).mock(return_value=reply(vendor, answer))
    query = await parse(vendor)
    assert query.languages == (LanguageFilter(code="de"),)


@pytest.mark.parametrize(
    "answer",
    [
        pytest.param('{"skills_all": ["Kub', id="cut-off-json"),
        pytest.param(model_query(operation="rank"), id="unknown-operation"),
        pytest.param(model_query(languages=[{"code": "deu", "min_level": None}]), id="bad-code"),
        pytest.param(model_query(min_years=-3), id="negative-years"),
        pytest.param(model_query(colour="blue"), id="extra-field"),
    ],
)
async def test_an_unusable_query_returns_the_fallback(
    vendor: Vendor, mock: respx.Router, caplog: pytest.LogCaptureFixture, answer: str
) -> None:
    mock.post(vendor.url).mock(return_value=reply(vendor, answer))
    with caplog.at_level(logging.WARNING):
        query = await parse(vendor)
    assert query is QUESTION_FALLBACK
    assert "offline parse used" in caplog.text


async def test_a_provider_error_while_parsing_returns_the_fallback(
    vendor: Vendor, mock: respx.Router
) -> None:
    mock.post(vendor.url).mock(
        return_value=httpx.Response(500, json=vendor.error_body(500, "boom"))
    )
    assert await parse(vendor) is QUESTION_FALLBACK
