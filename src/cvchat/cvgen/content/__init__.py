"""Localized vocabulary for the offline generator, one module per CV language."""

from __future__ import annotations

from cvchat.cvgen.content import de, en, es, fr
from cvchat.cvgen.content.model import LocaleContent, RoleContent, gendered
from cvchat.cvgen.schema import LanguageCode

LOCALES: dict[LanguageCode, LocaleContent] = {
    "en": en.CONTENT,
    "es": es.CONTENT,
    "fr": fr.CONTENT,
    "de": de.CONTENT,
}

__all__ = ["LOCALES", "LocaleContent", "RoleContent", "gendered"]
