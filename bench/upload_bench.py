"""Upload → searchable: how long a CV added through the API takes to be found by search.

    HF_HUB_OFFLINE=1 .venv/bin/python bench/upload_bench.py

Needs the demo corpus (`make data`). In one invocation, on a copy of the demo corpus (30 CVs):
- **baseline**: a full ``cvchat index`` of that corpus (every CV read, embedded, profiled),
  median of ``--full-runs``;
- **upload → searchable**: a real ``cvchat serve`` (SQLite, in-process indexing) takes CVs it
  has never seen, one at a time — the hand-written ``wild`` corpus (``tests/corpora/wild``),
  rendered to PDF — and the clock runs from the POST to the moment ``GET /api/cvs/{id}``
  says ``indexed`` (the new version is in service by then) and ``/api/search`` finds it;
- **scan → searchable**: the same for the wild CVs turned into image-only PDFs (OCR).
Results go to ``bench/results/upload.json``.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.run_engine_bench import pct

from cvchat.evaluation.answer_set import render_corpus
from cvchat.infrastructure.rag.store import IndexStore
from cvchat.settings import Settings

ROOT = Path(__file__).resolve().parents[1]
CLI = str(Path(sys.executable).with_name("cvchat"))


def figures(seconds: list[float]) -> dict[str, float]:
    return {
        "n": len(seconds),
        "p50_s": round(statistics.median(seconds), 3),
        "p95_s": round(pct(seconds, 0.95), 3),
        "max_s": round(max(seconds), 3),
    }


def full_index(data: Path, runs: int) -> list[float]:
    times = []
    for _ in range(runs):
        store = IndexStore(Settings(data_dir=data))
        started = time.perf_counter()
        store.build(full=True)
        times.append(time.perf_counter() - started)
    return times


def scanned(pdf: Path, target: Path) -> Path:
    import pypdfium2

    images = [p.render(scale=300 / 72).to_pil().convert("L") for p in pypdfium2.PdfDocument(pdf)]
    images[0].save(target, "PDF", resolution=300.0, save_all=True, append_images=images[1:])
    return target


async def upload_one(http: httpx.AsyncClient, name: str, content: bytes, query: str) -> float:
    started = time.perf_counter()
    r = await http.post("/api/cvs", files=[("file", (name, content))])
    r.raise_for_status()
    cv_id = r.json()["cvs"][0]["cv_id"]
    while True:
        body = (await http.get(f"/api/cvs/{cv_id}")).json()
        if body["status"] == "failed":
            raise RuntimeError(f"{name}: {body['error']}")
        if body["status"] == "indexed":
            break
        await asyncio.sleep(0.02)
    elapsed = time.perf_counter() - started
    hits = (await http.get("/api/search", params={"q": query, "k": 3})).json()["results"]
    if cv_id not in {h["cv_id"] for h in hits}:
        raise RuntimeError(f"{name}: indexed but not found by {query!r}")
    return elapsed


async def upload_all(port: int, uploads: list[tuple[str, bytes, str]]) -> list[float]:
    async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}", timeout=300) as http:
        for _ in range(600):
            try:
                if (await http.get("/api/health")).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            await asyncio.sleep(0.1)
        return [await upload_one(http, name, content, q) for name, content, q in uploads]


def serve_and_upload(data: Path, uploads: list[tuple[Path, str]], port: int) -> list[float]:
    """Upload through a real `cvchat serve` on ``data``, one file after the other."""
    env = {
        **os.environ,
        "CVCHAT_DATA_DIR": str(data),
        "DATABASE_URL": f"sqlite+aiosqlite:///{data}/cvchat.db",
        "CVCHAT_PIPELINE": "rag",
        "CVCHAT_LOG_FORMAT": "json",
    }
    with (data / "serve.log").open("ab") as log:
        proc = subprocess.Popen(
            [CLI, "serve", "--port", str(port), "--log-level", "warning"],
            env=env,
            stdout=log,
            stderr=log,
        )
        try:
            files = [
                (p.name if p.name != "cv.pdf" else f"{p.parent.name}.pdf", p.read_bytes(), q)
                for p, q in uploads
            ]
            return asyncio.run(upload_all(port, files))
        finally:
            proc.terminate()
            proc.wait(30)


def main(argv: list[str] | None = None) -> dict[str, Any]:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--full-runs", type=int, default=3)
    parser.add_argument("--uploads", type=int, default=14, help="wild CVs to upload (max 14)")
    parser.add_argument("--scans", type=int, default=5, help="of them, also as scans")
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--out", type=Path, default=ROOT / "bench/results/upload.json")
    args = parser.parse_args(argv)
    demo = Settings().cvs_dir
    if not any(demo.glob("*/cv.pdf")):
        sys.exit(f"no demo corpus in {demo}: run `make data` first")
    with tempfile.TemporaryDirectory(prefix="cvchat-upload-bench-") as tmp:
        root = Path(tmp)
        data = root / "data"
        shutil.copytree(demo, data / "cvs")
        models = Settings().model_cache_dir
        if models.is_dir():  # the exported ONNX model: not part of what is measured
            shutil.copytree(models, data / "models")
        baseline = full_index(data, args.full_runs)
        wild = root / "wild"
        render_corpus(ROOT / "tests/corpora/wild", wild)
        labels = json.loads((ROOT / "tests/corpora/wild/labels.json").read_text())
        pdfs = sorted(wild.glob("*/cv.pdf"))[: args.uploads]
        uploads = [(p, labels[p.parent.name]["name"]) for p in pdfs]
        scans = [
            (scanned(p, root / f"{p.parent.name}-scan.pdf"), q) for p, q in uploads[: args.scans]
        ]
        seconds = serve_and_upload(data, uploads, args.port)
        # Scans are different bytes: new CVs to the server, read by OCR.
        scan_seconds = serve_and_upload(data, scans, args.port) if scans else []
    result = {
        "corpus": "demo (30 CVs) + wild uploads",
        "full_index_s": [round(t, 3) for t in baseline],
        "full_index_median_s": round(statistics.median(baseline), 3),
        "upload_to_searchable": figures(seconds),
        "scan_to_searchable": figures(scan_seconds) if scan_seconds else None,
    }
    result["ratio_p50_vs_full_index"] = round(
        result["upload_to_searchable"]["p50_s"] / result["full_index_median_s"], 3
    )
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=2))
    print(json.dumps(result, indent=2))
    return result


if __name__ == "__main__":
    main()
