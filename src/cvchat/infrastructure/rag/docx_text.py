"""Text of a Word (DOCX) CV, in reading order, with python-docx (MIT).

python-docx opens the package and its parts; the text is walked off the XML directly, because
its own ``Paragraph.text`` misses text boxes (where CV templates put their sidebars) and its
``row.cells`` repeats a merged cell once per grid column it spans.

A DOCX has no pages until Word lays it out: its text is one page, split only where the author
put an explicit break (a page break, "page break before", a section that starts a new page).
"""

from __future__ import annotations

import zipfile
from collections.abc import Iterator
from pathlib import Path

import docx
from docx.oxml.ns import qn
from lxml import etree

MAX_UNPACKED_BYTES = 256 * 1024 * 1024
"""python-docx loads every part into memory: a small file that unpacks to gigabytes (a zip
bomb) is refused before it is opened."""
PAGE_BREAK = "\f"

_T, _TAB, _PTAB, _BR, _CR = qn("w:t"), qn("w:tab"), qn("w:ptab"), qn("w:br"), qn("w:cr")
_HYPHEN, _P, _TBL, _TR, _TC = qn("w:noBreakHyphen"), qn("w:p"), qn("w:tbl"), qn("w:tr"), qn("w:tc")
_SDT, _SDT_CONTENT, _TXBX = qn("w:sdt"), qn("w:sdtContent"), qn("w:txbxContent")
_PPR, _RPR, _DEL, _TYPE, _VAL = qn("w:pPr"), qn("w:rPr"), qn("w:del"), qn("w:type"), qn("w:val")
_FALLBACK = "{http://schemas.openxmlformats.org/markup-compatibility/2006}Fallback"
_SKIP = {_PPR, _RPR, _DEL, _FALLBACK}  # no text; a Fallback repeats its Choice's text


class DocxError(Exception):
    """Why a DOCX cannot be read, in words a person can act on."""


def _check_package(path: Path) -> None:
    """A ZIP holding a Word document that unpacks to a sane size; raises ``DocxError``."""
    try:
        with zipfile.ZipFile(path) as archive:
            entries = archive.infolist()
    except (zipfile.BadZipFile, OSError) as exc:
        raise DocxError(f"corrupt or unreadable DOCX ({type(exc).__name__}: {exc})") from exc
    if "word/document.xml" not in {e.filename for e in entries}:
        raise DocxError("not a Word document (no word/document.xml)")
    if sum(e.file_size for e in entries) > MAX_UNPACKED_BYTES:
        raise DocxError(f"DOCX unpacks to over {MAX_UNPACKED_BYTES // 2**20} MB")


def docx_pages(path: Path) -> tuple[tuple[str, ...], str | None]:
    """The raw text of each page (uncleaned) and the document's "YYYY-MM" creation month;
    raises ``DocxError``."""
    _check_package(path)
    try:
        document = docx.Document(str(path))
    except Exception as exc:  # python-docx, lxml and zipfile raise many types on bad files
        raise DocxError(f"corrupt or unreadable DOCX ({type(exc).__name__}: {exc})") from exc
    headers, footers = _headers_and_footers(document)
    body = list(_blocks(document.element.body))
    text = "\n".join([*headers, *body, *footers])
    pages = tuple(page for page in text.split(PAGE_BREAK) if page.strip())
    return pages, _created(document)


def _created(document: docx.document.Document) -> str | None:
    try:
        when = document.core_properties.created
    except Exception:  # a malformed date must not make a readable CV unreadable
        return None
    return f"{when.year:04d}-{when.month:02d}" if when else None


def _headers_and_footers(document: docx.document.Document) -> tuple[list[str], list[str]]:
    """Each distinct header and footer once: sections repeat (or link to) the same ones."""
    variants = ["", "first_page_"]
    if document.settings.odd_and_even_pages_header_footer:
        variants.append("even_page_")
    found: dict[str, list[str]] = {"header": [], "footer": []}
    for section in document.sections:
        for kind, lines in found.items():
            for variant in variants:
                part = getattr(section, variant + kind)
                if part.is_linked_to_previous:  # no definition of its own
                    continue
                text = "\n".join(_blocks(part._element)).replace(PAGE_BREAK, "\n").strip()
                if text and text not in lines:
                    lines.append(text)
    return found["header"], found["footer"]


def _blocks(container: etree._Element) -> Iterator[str]:
    """Lines of a body, cell, header or text box, in order; PAGE_BREAK marks a new page."""
    for child in container:
        if child.tag == _P:
            yield from _paragraph(child)
        elif child.tag == _TBL:
            yield from _table(child)
        elif child.tag == _SDT:  # a content control: its content is ordinary blocks
            content = child.find(_SDT_CONTENT)
            if content is not None:
                yield from _blocks(content)


def _paragraph(p: etree._Element) -> Iterator[str]:
    ppr = p.find(_PPR)
    if ppr is not None and _on(ppr.find(qn("w:pageBreakBefore"))):
        yield PAGE_BREAK
    parts: list[str] = []
    boxes: list[etree._Element] = []
    _inline(p, parts, boxes)
    yield "".join(parts)
    for box in boxes:
        yield from _blocks(box)
    section = ppr.find(qn("w:sectPr")) if ppr is not None else None
    if section is not None:  # the last paragraph of a section; the next may start a page
        kind = section.find(_TYPE)
        if kind is None or kind.get(_VAL) != "continuous":
            yield PAGE_BREAK


def _inline(element: etree._Element, parts: list[str], boxes: list[etree._Element]) -> None:
    for child in element:
        tag = child.tag
        if tag == _T:
            parts.append(child.text or "")
        elif tag in (_TAB, _PTAB):
            parts.append("\t")
        elif tag == _BR:
            parts.append(PAGE_BREAK if child.get(_TYPE) == "page" else "\n")
        elif tag == _CR:
            parts.append("\n")
        elif tag == _HYPHEN:
            parts.append("-")
        elif tag == _TXBX:
            boxes.append(child)
        elif tag not in _SKIP and isinstance(tag, str):  # runs, links, fields, drawings
            _inline(child, parts, boxes)


def _table(tbl: etree._Element) -> Iterator[str]:
    """Row by row. A row of one-line cells reads as one line ("Python | 6 years"); a layout
    row of longer cells keeps each cell's lines, cell after cell."""
    for tr in _children(tbl, _TR):
        own = (tc for tc in _children(tr, _TC) if not _merged(tc))
        cells = [c for c in ([ln for ln in _blocks(tc) if ln.strip()] for tc in own) if c]
        if all(len(cell) == 1 and PAGE_BREAK not in cell[0] for cell in cells):
            yield " | ".join(cell[0].strip() for cell in cells)
        else:
            for cell in cells:
                yield from cell


def _children(element: etree._Element, tag: str) -> Iterator[etree._Element]:
    """Children with ``tag``, including those wrapped in content controls."""
    for child in element:
        if child.tag == tag:
            yield child
        elif child.tag == _SDT:
            content = child.find(_SDT_CONTENT)
            if content is not None:
                yield from _children(content, tag)


def _merged(tc: etree._Element) -> bool:
    """A cell continuing a vertical merge: its text is the first cell's, already read."""
    merge = tc.find(f"{qn('w:tcPr')}/{qn('w:vMerge')}")
    return merge is not None and merge.get(_VAL, "continue") == "continue"


def _on(flag: etree._Element | None) -> bool:
    return flag is not None and flag.get(_VAL, "true") not in ("false", "0", "off")
