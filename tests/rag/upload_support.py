"""Files a recruiter would upload, made here from real renderers, and a server to take them."""

from __future__ import annotations

import asyncio
import io
import shutil
from pathlib import Path
from typing import Any

import docx
import httpx
import pypdfium2
from pypdf import PdfReader, PdfWriter

from cvchat.infrastructure.rag import IndexStore
from tests.integration.live import LiveServer
from tests.rag.pdf_factory import SampleCv, render

DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def pdf_cv(folder: Path, name: str, skill: str) -> Path:
    """A one-page PDF CV (no sidecar: what a user uploads) naming ``skill``."""
    cv = SampleCv(
        name.lower().replace(" ", "-"),
        name,
        "Site reliability engineer",
        "en",
        {
            "Experience": [
                "SRE, Harbour Logistics (2018 - 2024)",
                f"Ran the {skill} fleet and its on-call rotation for six years.",
            ],
            "Skills": [f"{skill}, Terraform, Go"],
            "Languages": ["English (native), Portuguese (B2)"],
        },
    )
    return render(cv, folder, sidecar=False)


def docx_cv(path: Path, name: str, skill: str) -> Path:
    """A Word CV: a name, a table of skills and a paragraph of experience."""
    document = docx.Document()
    document.add_heading(name, level=1)
    document.add_paragraph("Ingeniera de datos — Valencia, España")
    document.add_heading("Experiencia", level=2)
    document.add_paragraph(f"Data Engineer, Mercado Central (2017 - 2024): pipelines de {skill}.")
    document.add_heading("Competencias", level=2)
    table = document.add_table(rows=2, cols=2)
    table.cell(0, 0).text, table.cell(0, 1).text = "Datos", f"{skill}, Spark, SQL"
    table.cell(1, 0).text, table.cell(1, 1).text = "Idiomas", "Español (nativo), Inglés (C1)"
    document.save(path)
    return path


def scanned_cv(pdf: Path, path: Path) -> Path:
    """``pdf`` as a scanner would give it: page images, no text layer."""
    pages = pypdfium2.PdfDocument(str(pdf))
    images = [page.render(scale=300 / 72).to_pil().convert("L") for page in pages]
    images[0].save(path, "PDF", resolution=300.0, save_all=True, append_images=images[1:])
    assert not (PdfReader(path).pages[0].extract_text() or "").strip()
    return path


def encrypted_pdf(pdf: Path, path: Path) -> Path:
    writer = PdfWriter(clone_from=pdf)
    writer.encrypt("secret")
    with path.open("wb") as fh:
        writer.write(fh)
    return path


def copy_index(store: IndexStore, target: Path) -> Path:
    """A private data folder (corpus, index, exported model) copied from a built store."""
    shutil.copytree(store.root.parent, target, symlinks=True)
    return target


async def corpus_server(db_url: str, data_dir: Path, **settings: Any) -> LiveServer:
    defaults: dict[str, Any] = {
        "pipeline": "echo",
        "data_dir": data_dir,
        "front_dist": data_dir / "no-front",
    }
    return await LiveServer(database_url=db_url, **{**defaults, **settings}).start()


async def upload(
    http: httpx.AsyncClient, *paths: Path, headers: dict[str, str] | None = None
) -> httpx.Response:
    files = [("file", (p.name, p.read_bytes(), "application/octet-stream")) for p in paths]
    return await http.post("/api/cvs", files=files, headers=headers)


async def wait_indexed(http: httpx.AsyncClient, cv_id: str, timeout: float = 120) -> dict[str, Any]:
    """The CV once its indexing ended (indexed or failed)."""
    deadline = asyncio.get_running_loop().time() + timeout
    while True:
        response = await http.get(f"/api/cvs/{cv_id}")
        assert response.status_code == 200, response.text
        body: dict[str, Any] = response.json()
        if body["status"] in ("indexed", "failed"):
            return body
        assert asyncio.get_running_loop().time() < deadline, body
        await asyncio.sleep(0.2)


def in_any_version(index_dir: Path, needle: str) -> list[str]:
    """Files of any index version on disk that contain ``needle`` (text files only)."""
    found = []
    for path in index_dir.rglob("*"):
        text = path.is_file() and path.suffix in {".json", ".jsonl"}
        if text and needle in path.read_text(errors="ignore"):
            found.append(str(path.relative_to(index_dir)))
    return found


def pdf_bytes_of(text: str) -> bytes:
    """A tiny valid PDF from WeasyPrint, as bytes."""
    from weasyprint import HTML

    out = io.BytesIO()
    HTML(string=f"<p>{text}</p>").write_pdf(out)
    return out.getvalue()
