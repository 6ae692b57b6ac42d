"""CV → HTML (Jinja2) → A4 PDF (WeasyPrint).

The HTML is self-contained (CSS and portrait inline), so ``cv.html`` opens anywhere and
renders the same as the PDF. Fonts come from the system (Debian font packages, see the
Makefile): every template names a font family and falls back to DejaVu, which covers all
of Latin-1 and Latin Extended. Layout rules that keep the PDF text searchable: no
``text-transform``, no letter-spacing, no ligatures and no automatic hyphenation, so that
what ``pypdf`` extracts is exactly what ``cv.json`` holds.
"""

from __future__ import annotations

from functools import cache
from importlib import resources
from typing import Any

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape

from cvchat.cvgen.content import LOCALES
from cvchat.cvgen.portrait import portrait_data_uri
from cvchat.cvgen.schema import CvDocument, Experience

# How far a CEFR level goes, for the level bars some templates draw.
_LEVEL_SHARE = {"A1": 17, "A2": 33, "B1": 50, "B2": 67, "C1": 83, "C2": 100, "native": 100}


@cache
def _environment() -> Environment:
    env = Environment(
        loader=PackageLoader("cvchat.cvgen", "templates"),
        autoescape=select_autoescape(["html"]),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    return env


@cache
def _stylesheet(template: str) -> str:
    folder = resources.files("cvchat.cvgen") / "templates"
    return (folder / "base.css").read_text() + (folder / f"{template}.css").read_text()


def _month(value: str) -> str:
    return f"{value[5:]}/{value[:4]}"


def render_html(document: CvDocument, tightness: int = 0) -> str:
    """HTML of a CV; ``tightness`` 1 or 2 selects the template's denser variants."""
    meta, data = document.meta, document.data
    labels = data.section_labels
    text = LOCALES[meta.language]

    def period(job: Experience) -> str:
        end = labels.present if job.end_date is None else _month(job.end_date)
        return f"{_month(job.start_date)} – {end}"

    def level(code: str) -> str:
        return text.native_label if code == "native" else code

    context: dict[str, Any] = {
        "meta": meta,
        "cv": data,
        "labels": labels,
        "css": _stylesheet(meta.template),
        "portrait": portrait_data_uri(meta.seed) if meta.portrait else None,
        "period": period,
        "level": level,
        "level_share": _LEVEL_SHARE,
        "years": document.years_of_experience,
        "tightness": tightness,
    }
    return _environment().get_template(f"{meta.template}.html").render(context)


def render_cv(document: CvDocument) -> tuple[str, bytes]:
    """HTML and A4 PDF of a CV.

    A CV that spills a little onto a second page is set again in the template's tighter
    variants (smaller type and spacing); a tighter one is kept only if it fits one page,
    so no CV ends with a near-empty page.
    """
    from weasyprint import HTML  # type: ignore[import-untyped]  # slow: only where PDFs are made

    html = render_html(document)
    rendered = HTML(string=html).render()
    if len(rendered.pages) == 2:
        for tightness in (1, 2):
            tight_html = render_html(document, tightness)
            tight = HTML(string=tight_html).render()
            if len(tight.pages) == 1:
                html, rendered = tight_html, tight
                break
    pdf = rendered.write_pdf()
    assert pdf is not None
    return html, pdf
