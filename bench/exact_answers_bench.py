"""Exact answers: the structured query over many profiles, extraction speed, answer latency.

    CVCHAT_RAG__EMBEDDING_MODEL=offline-minilm .venv/bin/python bench/exact_answers_bench.py

Needs the demo index (`make data`). Measures, in one process:
- **query**: the structured part of a set question (``execute`` over every profile, no free
  text) over ``--profiles`` profiles made from the demo corpus' own (each demo profile cloned
  with other languages, levels, skills, places and years drawn from the corpus), for the
  questions below parsed by the offline parser; p50 / p95 per question and over all;
- **parse**: the offline parser, per question;
- **extraction**: the offline extractor over the demo CVs' text (read once), CVs/s, median
  of ``--rounds``; PDF text reading per CV beside it, for scale;
- **pipeline**: plan → retrieve → generate of a whole answer in this process, for the run
  engine benchmark's eight questions, through today's router (exact answers) and through
  the RAG pipeline alone (the previous answer path) — the baseline of the same run;
- **API**: post → ``final`` through a ``cvchat serve`` process on SQLite, the same eight
  questions, offline answerer; with ``--baseline-src``, first through another checkout's code
  (the answer path before exact answers) on the same index, for the ratio.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.run_engine_bench import QUESTIONS, answer_latency, pct

from cvchat.application.answering import RagAnswerPipeline
from cvchat.application.candidates import CandidateIndex, execute
from cvchat.application.exact_answering import parse_offline
from cvchat.domain.ports import AnswerRequest
from cvchat.domain.profiles import CandidateProfile, ProfileSnapshot
from cvchat.infrastructure.pipelines.rag import build_rag_pipeline
from cvchat.infrastructure.profiles.offline import extract_profile
from cvchat.infrastructure.rag.pdf_text import read_pdf
from cvchat.infrastructure.rag.retriever import IndexRetriever
from cvchat.infrastructure.rag.store import IndexStore
from cvchat.settings import LlmRoleSettings, Settings

SET_QUESTIONS = [
    "Who speaks German?",
    "How many candidates speak Spanish at C1 or above?",
    "Who has Kubernetes experience and speaks Spanish?",
    "Which candidates know Python and SQL and have at least 5 years of experience?",
    "Who lives in Madrid?",
    "Who has a master's degree and speaks French?",
    "¿Quién habla inglés y tiene experiencia con Docker?",
    "Wer hat mindestens 8 Jahre Berufserfahrung und spricht Englisch?",
]


def summary(ms: list[float]) -> dict[str, float]:
    return {
        "n": len(ms),
        "p50_ms": round(statistics.median(ms), 3),
        "p95_ms": round(pct(ms, 0.95), 3),
        "max_ms": round(max(ms), 3),
    }


def grow(profiles: list[CandidateProfile], n: int, seed: int = 1) -> list[CandidateProfile]:
    """``n`` profiles: the corpus' own, cloned with facts redrawn from the corpus' facts."""
    rng = random.Random(seed)
    languages = [lang for p in profiles for lang in p.languages]
    skills = [s for p in profiles for s in p.skills]
    places = [p.location for p in profiles if p.location]
    out: list[CandidateProfile] = []
    for i in range(n):
        base = profiles[i % len(profiles)]
        chosen = {lang.code: lang for lang in rng.sample(languages, rng.randint(1, 4))}
        picked = {s.name: s for s in rng.sample(skills, rng.randint(5, 20))}
        years = base.experience
        if years is not None:
            years = years.model_copy(update={"years": round(rng.uniform(0, 25), 1)})
        out.append(
            base.model_copy(
                update={
                    "cv_id": f"{base.cv_id}-{i}",
                    "languages": tuple(chosen.values()),
                    "skills": tuple(picked.values()),
                    "location": rng.choice(places),
                    "experience": years,
                }
            )
        )
    return out


def query_figures(snapshot: ProfileSnapshot, profiles: CandidateIndex, reps: int) -> Any:
    per_question: dict[str, Any] = {}
    every: list[float] = []
    parse_ms: list[float] = []
    for question in SET_QUESTIONS:
        started = time.perf_counter()
        query = parse_offline(question, snapshot)
        parse_ms.append((time.perf_counter() - started) * 1000)
        ms = []
        total = 0
        for _ in range(reps):
            started = time.perf_counter()
            total = execute(query, profiles).total
            ms.append((time.perf_counter() - started) * 1000)
        every.extend(ms)
        per_question[question] = {**summary(ms), "matches": total}
    return {
        "profiles": len(profiles),
        "all": summary(every),
        "parse": summary(parse_ms),
        "per_question": per_question,
    }


def extraction_figures(store: IndexStore, rounds: int) -> dict[str, Any]:
    snap = store.snapshot()
    paths = [store.cvs_dir / doc.file for doc in snap.documents.values()]
    started = time.perf_counter()
    texts = [read_pdf(p) for p in paths]
    read_s = time.perf_counter() - started
    rates = []
    for _ in range(rounds):
        started = time.perf_counter()
        for cv_id, text in zip(snap.documents, texts, strict=True):
            extract_profile(cv_id, text.pages, as_of=text.created)
        rates.append(len(texts) / (time.perf_counter() - started))
    return {
        "cvs": len(texts),
        "cvs_per_s_median": round(statistics.median(rates), 1),
        "cvs_per_s_min": round(min(rates), 1),
        "pdf_read_ms_per_cv": round(read_s * 1000 / len(texts), 1),
    }


async def pipeline_figures(settings: Settings, store: IndexStore, reps: int) -> dict[str, Any]:
    router = build_rag_pipeline(settings, store)
    # The RAG pipeline alone, as the router builds it: the previous answer path.
    rag = RagAnswerPipeline(IndexRetriever(store), None, top_k=settings.rag.top_k)

    async def answer(pipeline: Any, question: str) -> float:
        request = AnswerRequest("r", "t", question)
        started = time.perf_counter()
        retrieved = await pipeline.retrieve(request, await pipeline.plan(request))
        text = "".join([piece async for piece in pipeline.generate(request, retrieved)])
        pipeline.cite(retrieved, text)
        return (time.perf_counter() - started) * 1000

    await answer(router, "warm up")
    figures: dict[str, list[float]] = {"router": [], "rag_only": []}
    for _ in range(reps):
        for question in QUESTIONS:
            figures["router"].append(await answer(router, question))
            figures["rag_only"].append(await answer(rag, question))
    router_s, rag_s = summary(figures["router"]), summary(figures["rag_only"])
    return {
        "router": router_s,
        "rag_only": rag_s,
        "p50_ratio": round(router_s["p50_ms"] / rag_s["p50_ms"], 2),
    }


async def main(args: argparse.Namespace) -> dict[str, Any]:
    settings = Settings(answer=LlmRoleSettings(provider="offline"))
    store = IndexStore(settings)
    corpus = list(store.snapshot().profiles.values())
    if not corpus:
        raise SystemExit("the index has no profiles: run `make data` first")
    from cvchat.infrastructure.profiles.corpus import IndexProfiles

    snapshot = IndexProfiles(store).snapshot()
    results: dict[str, Any] = {"corpus_profiles": len(corpus)}
    started = time.perf_counter()
    index = CandidateIndex(grow(corpus, args.profiles))
    index_ms = (time.perf_counter() - started) * 1000
    results["query"] = query_figures(snapshot, index, args.reps) | {"index_ms": round(index_ms)}
    print(json.dumps(results["query"]["all"]), flush=True)
    results["extraction"] = extraction_figures(store, args.rounds)
    print(json.dumps(results["extraction"]), flush=True)
    results["pipeline"] = await pipeline_figures(settings, store, args.answer_reps)
    print(json.dumps(results["pipeline"]), flush=True)
    results["api_post_to_final"] = await api_figures(settings, args)
    print(json.dumps(results["api_post_to_final"]), flush=True)
    return results


async def api_figures(settings: Settings, args: argparse.Namespace) -> dict[str, Any]:
    """Post → final through ``cvchat serve``; with ``--baseline-src``, the same questions
    through the code of another checkout first (its ``src`` ahead on PYTHONPATH), on the
    same index and a database of its own."""
    figures: dict[str, Any] = {}
    runs = [("baseline", args.baseline_src)] if args.baseline_src else []
    for name, src in [*runs, ("current", None)]:
        previous = os.environ.get("PYTHONPATH")
        if src is not None:
            os.environ["PYTHONPATH"] = str(src)  # resolved by the argument parser
        try:
            with tempfile.TemporaryDirectory() as tmp:
                db = f"sqlite+aiosqlite:///{tmp}/bench.db"
                figures[name] = await answer_latency(db, settings.data_dir, args.answer_reps)
        finally:
            if previous is None:
                os.environ.pop("PYTHONPATH", None)
            else:
                os.environ["PYTHONPATH"] = previous
    if "baseline" in figures:
        ratio = figures["current"]["p50_ms"] / figures["baseline"]["p50_ms"]
        figures["p50_ratio_current_to_baseline"] = round(ratio, 2)
    return figures


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--profiles", type=int, default=10_000)
    parser.add_argument("--reps", type=int, default=30, help="runs of each query")
    parser.add_argument("--rounds", type=int, default=5, help="extraction rounds")
    parser.add_argument("--answer-reps", type=int, default=5)
    parser.add_argument("--out", type=Path, default=Path("bench/results/exact_answers.json"))
    parser.add_argument(
        "--baseline-src",
        type=lambda p: Path(p).resolve(),
        help="the src folder of the checkout to compare post → final with (e.g. a git "
        "worktree of the commit before exact answers)",
    )
    args = parser.parse_args()
    figures = asyncio.run(main(args))
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(figures, indent=1, ensure_ascii=False))
    print(f"written to {args.out}")
