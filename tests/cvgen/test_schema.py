"""The schema accepts every generated CV and rejects broken ones, naming the field."""

from __future__ import annotations

import copy
from typing import Any

import pytest
from pydantic import ValidationError

from cvchat.cvgen.corpus import document_json
from cvchat.cvgen.schema import CvDocument


@pytest.fixture
def valid(corpus_200: list[CvDocument]) -> dict[str, Any]:
    senior = next(d for d in corpus_200 if d.meta.seniority == "senior" and d.meta.language == "fr")
    return copy.deepcopy(senior.model_dump(mode="json"))


def test_every_generated_cv_validates_again_from_its_json(corpus_200: list[CvDocument]) -> None:
    for document in corpus_200:
        assert CvDocument.model_validate_json(document_json(document)) == document


def _error(document: dict[str, Any]) -> str:
    with pytest.raises(ValidationError) as info:
        CvDocument.model_validate(document)
    return str(info.value)


def test_end_before_start_is_rejected_with_its_path(valid: dict[str, Any]) -> None:
    job = valid["data"]["experience"][1]
    job["end_date"] = "2001-01"
    message = _error(valid)
    assert "data.experience.1" in message
    assert "before start_date" in message


def test_dates_after_the_cv_month_are_rejected(valid: dict[str, Any]) -> None:
    valid["data"]["experience"][0]["start_date"] = "2030-01"
    assert "data.experience.0.start_date 2030-01 is after" in _error(valid)


def test_overlapping_full_time_jobs_are_rejected_unless_part_time(valid: dict[str, Any]) -> None:
    jobs = valid["data"]["experience"]
    jobs[1]["end_date"] = jobs[0]["start_date"][:4] + "-12"
    jobs[1]["start_date"] = jobs[1]["start_date"]
    jobs[0]["start_date"] = jobs[0]["start_date"][:4] + "-01"
    assert "overlapping full-time jobs" in _error(valid)
    jobs[1]["employment_type"] = "part_time"
    CvDocument.model_validate(valid)


def test_experience_must_fit_the_seniority(valid: dict[str, Any]) -> None:
    valid["meta"]["seniority"] = "junior"
    assert "do not fit seniority 'junior'" in _error(valid)


def test_email_must_belong_to_the_name(valid: dict[str, Any]) -> None:
    valid["data"]["email"] = "someone.else@example.com"
    message = _error(valid)
    assert "data" in message and "does not match the name" in message


def test_the_cvs_own_language_must_be_spoken(valid: dict[str, Any]) -> None:
    valid["data"]["languages"] = [
        lang for lang in valid["data"]["languages"] if lang["code"] != "fr"
    ] or [{"code": "en", "name": "Anglais", "level": "C1"}]
    assert "lacks the CV's own language 'fr'" in _error(valid)


def test_field_errors_name_their_path(valid: dict[str, Any]) -> None:
    valid["data"]["languages"][0]["level"] = "Z9"
    valid["data"]["skills"] = ["Python"]
    valid["data"]["unexpected"] = 1
    message = _error(valid)
    assert "data.languages.0.level" in message
    assert "data.skills" in message
    assert "data.unexpected" in message


def test_narrative_jobs_need_bullets_or_a_paragraph(valid: dict[str, Any]) -> None:
    valid["data"]["experience"][0]["bullets"] = []
    valid["data"]["experience"][0]["paragraph"] = None
    assert "needs bullets or a paragraph" in _error(valid)
