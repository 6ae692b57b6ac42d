"""What an index version stores about each CV and each passage (JSON on disk)."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any


@dataclass(frozen=True)
class DocumentRecord:
    cv_id: str
    file: str  # relative to the corpus folder
    sha256: str
    name: str
    headline: str
    language: str
    pages: int
    chunks: int
    ocr_pages: tuple[int, ...] = ()  # 1-based; these pages' text is OCR's, not the file's

    def to_json(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_json(cls, raw: dict[str, Any]) -> DocumentRecord:
        """A manifest's entry; those written before OCR have no ``ocr_pages``."""
        return cls(**{**raw, "ocr_pages": tuple(raw.get("ocr_pages", ()))})


@dataclass(frozen=True)
class ChunkRecord:
    chunk_id: str
    cv_id: str
    page: int
    section: str | None
    char_start: int
    char_end: int
    text: str

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class Skipped:
    file: str
    reason: str
