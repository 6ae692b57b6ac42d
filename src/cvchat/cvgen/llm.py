"""The LLM generator: asks a model (any ``LlmProvider``) for a CV as schema-checked JSON.

The plan fixes ``meta``; the model writes only ``data`` (without the section labels, which
come from the localized vocabulary so that every PDF prints the same headings). The JSON
schema goes with the request, for providers that enforce structured output. Whatever comes
back is validated with the same schema as offline CVs; on failure the model sees its answer
and the validation errors (with field paths) and tries again, a bounded number of times. A
CV that never validates raises ``CvRejected``: it is reported and skipped, never written.
"""

from __future__ import annotations

import asyncio
import json
import re
from collections.abc import Callable, Sequence
from copy import deepcopy
from dataclasses import dataclass
from typing import Any

from pydantic import ValidationError

from cvchat.cvgen.content import LOCALES
from cvchat.cvgen.schema import SENIORITY_YEARS, CvData, CvDocument, Meta
from cvchat.domain.llm import ChatMessage, GenerationRequest, LlmError, LlmProvider
from cvchat.domain.vocabulary import language_name

_FENCE = re.compile(r"^\s*```(?:json)?\s*|\s*```\s*$")
_ECHO_LIMIT = 6000  # characters of a rejected answer shown back to the model

SYSTEM_PROMPT = (
    "You write realistic, fictional CVs (résumés) for a test corpus. Reply with one JSON "
    "object that matches the given JSON schema exactly: no prose, no Markdown fences, no "
    "extra keys. Every person, employer and contact detail is invented."
)


class CvRejected(Exception):
    """The model never produced a valid CV for ``cv_id``; ``errors`` says why."""

    def __init__(self, cv_id: str, errors: str) -> None:
        super().__init__(f"{cv_id}: {errors}")
        self.cv_id = cv_id
        self.errors = errors


@dataclass(frozen=True)
class LlmOutcome:
    documents: list[CvDocument]
    rejected: list[CvRejected]


def data_schema() -> dict[str, Any]:
    """JSON schema of what the model writes: ``data`` minus the section labels."""
    schema = deepcopy(CvData.model_json_schema())
    schema["properties"].pop("section_labels")
    schema["required"] = [name for name in schema["required"] if name != "section_labels"]
    schema["$defs"].pop("SectionLabels", None)
    return schema


def brief(meta: Meta) -> str:
    """The user prompt for one planned CV."""
    low, high = SENIORITY_YEARS[meta.seniority]
    language = language_name(meta.language)
    prose = (
        "Write it as a narrative CV: fill `narrative` with 3-5 sentences of first-person "
        "prose and give each job a `paragraph` instead of bullets."
        if meta.template == "narrative"
        else "Give each job 2-5 concrete bullets with numbers; leave `narrative` null."
    )
    return "\n".join(
        [
            f"Write the CV of a {meta.seniority} candidate in the role family "
            f"'{meta.role_family.replace('_', ' ')}', entirely in {language} "
            f"(names, places and employers typical of a {language}-speaking country).",
            f"Writing style: {meta.style}. {prose}",
            f"The CV is written in {meta.as_of} (YYYY-MM). Rules:",
            f"- dates are YYYY-MM, never after {meta.as_of}; end_date is null for the current "
            "job; start_date <= end_date;",
            "- full-time jobs do not overlap; titles progress over the career;",
            f"- professional experience (internships excluded) adds up to {low:g}-{high:g} years;",
            "- the email's local part contains the first or last name, lower-case ASCII;",
            f"- `languages` lists {language} (code '{meta.language}') and levels are CEFR "
            "(A1-C2) or 'native';",
            "- 8-14 distinct skills; education end_year not after the CV's year;",
            "- links use https:// URLs.",
        ]
    )


def _parse(raw: str) -> Any:
    text = _FENCE.sub("", raw.strip())
    value = json.loads(text)
    if isinstance(value, dict) and set(value) == {"data"}:
        value = value["data"]
    return value


def _errors(exc: ValidationError | ValueError) -> str:
    if isinstance(exc, ValidationError):
        lines = [
            f"{'.'.join(str(p) for p in err['loc']) or '(document)'}: {err['msg']}"
            for err in exc.errors()
        ]
        return "\n".join(lines[:30])
    return str(exc)


class LlmCvGenerator:
    def __init__(self, provider: LlmProvider, attempts: int = 3) -> None:
        self._provider = provider
        self._attempts = max(1, attempts)

    async def generate(self, meta: Meta) -> CvDocument:
        messages: list[ChatMessage] = [ChatMessage("user", brief(meta))]
        labels = LOCALES[meta.language].labels
        errors = "no attempt made"
        for _ in range(self._attempts):
            try:
                raw = "".join(
                    [piece async for piece in self._provider.stream(self._request(messages))]
                )
            except LlmError as exc:
                raise CvRejected(meta.cv_id, f"provider error: {exc}") from exc
            try:
                data = _parse(raw)
                if not isinstance(data, dict):
                    raise ValueError("the reply is not a JSON object")
                data["section_labels"] = labels
                return CvDocument.model_validate({"meta": meta.model_dump(), "data": data})
            except json.JSONDecodeError as exc:
                errors = f"invalid JSON: {exc}"
            except (ValidationError, ValueError) as exc:
                errors = _errors(exc)
            messages += [
                ChatMessage("assistant", raw[:_ECHO_LIMIT]),
                ChatMessage(
                    "user",
                    "That reply was rejected:\n"
                    f"{errors}\nReply with the corrected JSON object only.",
                ),
            ]
        raise CvRejected(meta.cv_id, f"no valid CV after {self._attempts} attempts: {errors}")

    def _request(self, messages: Sequence[ChatMessage]) -> GenerationRequest:
        return GenerationRequest(
            system=SYSTEM_PROMPT, messages=tuple(messages), json_schema=data_schema()
        )

    async def generate_all(
        self,
        plan: Sequence[Meta],
        concurrency: int = 4,
        on_done: Callable[[str], None] | None = None,
    ) -> LlmOutcome:
        gate = asyncio.Semaphore(concurrency)
        documents: list[CvDocument] = []
        rejected: list[CvRejected] = []

        async def one(meta: Meta) -> None:
            async with gate:
                try:
                    documents.append(await self.generate(meta))
                except CvRejected as exc:
                    rejected.append(exc)
            if on_done:
                on_done(meta.cv_id)

        await asyncio.gather(*(one(meta) for meta in plan))
        documents.sort(key=lambda d: d.meta.cv_id)
        rejected.sort(key=lambda r: r.cv_id)
        return LlmOutcome(documents, rejected)
