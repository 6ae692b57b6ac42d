"""The labelled query set: answers computed over the whole corpus, both phrasings."""

from __future__ import annotations

import json
from pathlib import Path

from cvchat.infrastructure.rag.eval_queries import build_queries, load_ground_truth


def _cv(folder: Path, cv_id: str, language: str, skills: list[str], company: str) -> None:
    doc = {
        "meta": {"cv_id": cv_id, "language": language, "as_of": "2025-06"},
        "data": {
            "skills": skills,
            "languages": [
                {"code": language, "name": "x", "level": "native"},
                {"code": "de", "name": "German", "level": "B2"},
            ],
            "experience": [
                {
                    "company": company,
                    "title": "Data Engineer",
                    "start_date": "2015-01",
                    "end_date": None,
                    "location": "Madrid",
                    "bullets": ["Built pipelines"],
                }
            ],
            "education": [
                {
                    "institution": "Uni A",
                    "field_of_study": "Physics",
                    "degree": "BSc",
                    "start_year": 2010,
                    "end_year": 2014,
                    "location": "Madrid",
                }
            ],
            "location": {"city": f"City of {cv_id}", "country": "Spain"},
        },
    }
    (folder / cv_id).mkdir(parents=True)
    (folder / cv_id / "cv.json").write_text(json.dumps(doc))


def test_answers_are_every_cv_that_satisfies_the_question(tmp_path: Path) -> None:
    _cv(tmp_path, "cv-1", "es", ["Spark", "Airflow", "dbt"], "Acme")
    _cv(tmp_path, "cv-2", "en", ["Spark", "Kafka", "Flink"], "Globex")
    _cv(tmp_path, "cv-3", "fr", ["Figma", "Sketch", "Miro"], "Initech")
    _cv(tmp_path, "cv-4", "de", ["SQL", "Excel", "Tableau"], "Hooli")
    truth = load_ground_truth(tmp_path)
    assert [cv.years for cv in truth] == [10, 10, 10, 10]

    queries = build_queries(truth, seed=1, max_queries=1000, max_relevant=2)

    spark = [q for q in queries if q.kind == "skill" and "Spark" in q.text]
    assert spark and all(q.relevant == {"cv-1", "cv-2"} for q in spark)
    # "Data Engineer" and "Physics at Uni A" belong to all four CVs: too broad, dropped
    assert not [q for q in queries if q.kind in ("title", "education", "years")]
    assert all(1 <= len(q.relevant) <= 2 for q in queries)
    acme = [q for q in queries if q.kind == "employer" and "Acme" in q.text]
    assert {q.language for q in acme} == {"es", "en"}
    assert {q.text for q in acme} == {
        "¿Qué candidatos han trabajado en Acme?",
        "Which candidates have worked at Acme?",
    }
    assert len({q.qid for q in queries}) == len(queries)
    assert build_queries(truth, seed=1, max_queries=1000, max_relevant=2) == queries
