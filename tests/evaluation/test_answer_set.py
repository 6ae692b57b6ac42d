"""The independent CV corpus and the set-question evaluation: labels, questions, scorer."""

from __future__ import annotations

import json
import re
from collections import Counter
from pathlib import Path

import pytest
from pydantic import ValidationError
from pypdf import PdfReader

from cvchat.cvgen.corpus import document_json
from cvchat.cvgen.offline import generate_offline
from cvchat.cvgen.plan import plan_corpus
from cvchat.cvgen.schema import LANGUAGES, CvDocument
from cvchat.domain.vocabulary import LEVELS, SKILLS, fold
from cvchat.evaluation.answer_set import (
    KINDS,
    QUESTION_LANGUAGES,
    Filters,
    GroundTruth,
    Outcome,
    SetQuestion,
    expected_for,
    generate_questions,
    load_generated,
    load_independent,
    render_corpus,
    score,
)
from cvchat.infrastructure.rag.pdf_text import read_pdf

CORPUS = Path(__file__).resolve().parents[1] / "corpora" / "independent"


@pytest.fixture(scope="session")
def truth() -> list[GroundTruth]:
    return load_independent(CORPUS)


@pytest.fixture(scope="session")
def rendered(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The independent corpus as PDFs (rendering 24 CVs takes a few seconds: once)."""
    dest = tmp_path_factory.mktemp("independent") / "cvs"
    render_corpus(CORPUS, dest)
    return dest


@pytest.fixture(scope="session")
def generated_docs(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[CvDocument]]:
    """30 generated CVs as ``cv.json`` files only (no PDFs needed for the truth)."""
    folder = tmp_path_factory.mktemp("generated")
    documents = [generate_offline(meta) for meta in plan_corpus(30, 42, LANGUAGES, "offline")]
    for document in documents:
        (folder / document.meta.cv_id).mkdir()
        (folder / document.meta.cv_id / "cv.json").write_text(document_json(document))
    return folder, documents


@pytest.fixture(scope="session")
def generated(generated_docs: tuple[Path, list[CvDocument]]) -> list[GroundTruth]:
    return load_generated(generated_docs[0])


def _flat(text: str) -> str:
    """Folded, one space between words, line-end hyphens joined: for substring checks."""
    return " ".join(fold(re.sub(r"-\n", "-", text)).split())


# -- the corpus and its labels -----------------------------------------------------------------


def test_one_label_per_cv_and_the_planned_language_mix(truth: list[GroundTruth]) -> None:
    folders = sorted(p.parent.name for p in CORPUS.glob("*/cv.html"))
    assert [t.cv_id for t in truth] == folders
    assert len(folders) == 24
    assert Counter(cv_id.rsplit("-", 1)[1] for cv_id in folders) == {
        "en": 12,
        "es": 4,
        "fr": 4,
        "de": 4,
    }


def test_labels_are_validated(tmp_path: Path) -> None:
    labels = json.loads((CORPUS / "labels.json").read_text())
    labels["ind-12-en"]["skills"].append("K8s")  # an alias, not a canonical name
    (tmp_path / "labels.json").write_text(json.dumps(labels))
    with pytest.raises(ValidationError, match="K8s"):
        load_independent(tmp_path)


def test_labels_are_plausible(truth: list[GroundTruth]) -> None:
    for t in truth:
        assert all(level is None or level in LEVELS for level in t.languages.values())
        assert set(t.skills) <= set(SKILLS), t.cv_id
        assert t.employers, t.cv_id
        assert 0 < t.years < int(t.as_of[:4]) - 1990, t.cv_id
        assert "2025-01" <= t.as_of <= "2026-12", t.cv_id


def test_each_labelled_name_city_and_employer_is_in_the_pdf_text(
    truth: list[GroundTruth], rendered: Path
) -> None:
    missing = []
    for t in truth:
        text = _flat("\n".join(read_pdf(rendered / t.cv_id / "cv.pdf").pages))
        for what in (t.name, t.city, *t.employers):
            if what is not None and _flat(what) not in text:
                missing.append(f"{t.cv_id}: {what!r}")
    assert not missing, missing


def test_pdfs_carry_the_labelled_date_and_no_sidecar(
    truth: list[GroundTruth], rendered: Path
) -> None:
    for t in truth:
        metadata = PdfReader(rendered / t.cv_id / "cv.pdf").metadata
        assert metadata is not None and metadata.creation_date is not None, t.cv_id
        assert metadata.creation_date.strftime("%Y-%m") == t.as_of, t.cv_id
    assert not list(rendered.rglob("cv.json"))


def test_forced_page_breaks_give_two_pages(rendered: Path) -> None:
    for cv_id in ("ind-07-en", "ind-19-fr"):
        assert len(read_pdf(rendered / cv_id / "cv.pdf").pages) == 2, cv_id


def test_two_different_people_share_a_name(truth: list[GroundTruth]) -> None:
    lauras = [t for t in truth if t.name == "Laura Martínez"]
    assert len(lauras) == 2
    assert {t.city for t in lauras} == {"Austin", "Valencia"}


def test_the_formats_corpus_is_word_files_and_scans_as_received(tmp_path: Path) -> None:
    """DOCX files are taken as they are; a CV with ``scan.json`` becomes pixels only, with its
    date, so that only OCR can read it."""
    import pypdfium2 as pdfium

    formats = CORPUS.parent / "formats"
    labels = {t.cv_id: t for t in load_independent(formats)}
    scans = sorted(p.parent.name for p in formats.glob("*/scan.json"))
    words = sorted(p.parent.name for p in formats.glob("*/cv.docx"))
    assert len(scans) == 6 and len(words) == 6 and sorted(labels) == sorted(scans + words)
    picked = tmp_path / "src"
    for cv_id in (scans[0], words[0]):
        (picked / cv_id).mkdir(parents=True)
        for file in (formats / cv_id).iterdir():
            (picked / cv_id / file.name).write_bytes(file.read_bytes())
    render_corpus(picked, tmp_path / "cvs")

    docx = tmp_path / "cvs" / words[0] / "cv.docx"
    assert docx.read_bytes() == (formats / words[0] / "cv.docx").read_bytes()
    scanned = tmp_path / "cvs" / scans[0] / "cv.pdf"
    reader = PdfReader(scanned)
    assert all(not (page.extract_text() or "").strip() for page in reader.pages)
    assert reader.metadata is not None and reader.metadata.creation_date is not None
    created = reader.metadata.creation_date
    assert f"{created.year:04d}-{created.month:02d}" == labels[scans[0]].as_of
    document = pdfium.PdfDocument(scanned)
    try:
        assert all(
            not document[i].get_textpage().get_text_range().strip() for i in range(len(document))
        )
    finally:
        document.close()


# -- expected sets -----------------------------------------------------------------------------


def test_expected_sets_match_what_the_cvs_say(truth: list[GroundTruth]) -> None:
    def who(**filters: object) -> list[str]:
        return expected_for(truth, Filters.model_validate(filters))

    assert who(employer="siemens") == ["ind-07-en", "ind-20-fr", "ind-21-de", "ind-24-de"]
    assert who(place="Berlin") == ["ind-01-en", "ind-12-en", "ind-20-fr", "ind-22-de"]
    # Munich and München are the same city; a country matches CVs that do not print it
    assert who(place="München") == who(place="munich") == ["ind-07-en", "ind-21-de"]
    assert who(place="Deutschland") == [
        "ind-01-en",
        "ind-07-en",
        "ind-12-en",
        "ind-20-fr",
        "ind-21-de",
        "ind-22-de",
        "ind-23-de",
    ]
    assert who(place="Montreal") == ["ind-19-fr"]
    assert who(degree="phd") == ["ind-05-en", "ind-07-en", "ind-17-fr", "ind-22-de"]
    assert who(skill="Kubernetes", language="es") == [
        "ind-10-en",
        "ind-12-en",
        "ind-14-es",
        "ind-18-fr",
        "ind-23-de",
    ]
    assert who(language="de", min_level="B2") == [
        "ind-07-en",
        "ind-20-fr",
        "ind-21-de",
        "ind-22-de",
        "ind-23-de",
        "ind-24-de",
    ]
    assert who(language="en", min_level="native") == [
        "ind-02-en",
        "ind-03-en",
        "ind-04-en",
        "ind-05-en",
        "ind-07-en",
        "ind-08-en",
        "ind-09-en",
        "ind-19-fr",
    ]
    assert who(min_years=12) == ["ind-09-en", "ind-24-de"]  # a nurse's years count
    assert who(skill="Python", place="Manchester") == []  # the recruiter hires, not codes


def _plain_match(t: GroundTruth, f: Filters) -> bool:
    """A second, deliberately naive reading of the filters (places excepted)."""
    order = list(LEVELS)
    ok = True
    if f.skill:
        ok &= f.skill in t.skills
    if f.language:
        level = t.languages.get(f.language, "absent")
        ok &= level != "absent"
        if f.min_level:
            ok &= level in order and order.index(level) >= order.index(f.min_level)
    if f.employer:
        ok &= f.employer.casefold() in [e.casefold() for e in t.employers]
    if f.min_years is not None:
        ok &= t.years >= f.min_years
    if f.degree:
        ranks = ["bachelor", "master", "phd"]
        ok &= t.degree is not None and ranks.index(t.degree) >= ranks.index(f.degree)
    if f.certification:
        ok &= f.certification in t.certifications
    return ok


@pytest.mark.parametrize("corpus", ["independent", "generated"])
def test_generated_questions_are_consistent_with_the_truth(
    corpus: str, truth: list[GroundTruth], generated: list[GroundTruth]
) -> None:
    cvs = truth if corpus == "independent" else generated
    questions = generate_questions(cvs, seed=7)
    assert Counter(q.kind for q in questions) == dict.fromkeys(KINDS, 6)
    assert {q.language for q in questions} == set(QUESTION_LANGUAGES)
    assert len({q.id for q in questions}) == len(questions)
    assert len({(q.question, tuple(q.history)) for q in questions}) == len(questions)
    everyone = {t.cv_id for t in cvs}
    for q in questions:
        assert q.expected == sorted(q.expected)
        assert q.expected == expected_for(cvs, q.filters), q.id
        if q.filters.place is None:
            assert q.expected == sorted(t.cv_id for t in cvs if _plain_match(t, q.filters))
        assert (q.expected_count is not None) == (q.kind == "count"), q.id
        assert q.expected_count in (None, len(q.expected))
        assert bool(q.history) == (q.kind == "follow_up"), q.id
        if q.kind == "empty":
            assert q.expected == []
            # each condition alone is met by someone: only the combination is empty
            for part in q.filters.model_dump(exclude_none=True).items():
                assert expected_for(cvs, Filters.model_validate(dict([part]))), q.id
        else:
            assert 0 < len(q.expected) < len(everyone), q.id


def test_questions_are_deterministic_per_seed(truth: list[GroundTruth]) -> None:
    first = generate_questions(truth, seed=3)
    assert first == generate_questions(list(reversed(truth)), seed=3)
    assert first != generate_questions(truth, seed=4)
    assert len(generate_questions(truth, per_kind=2)) == 2 * len(KINDS)


def test_follow_ups_narrow_the_previous_answer(truth: list[GroundTruth]) -> None:
    follow_ups = [q for q in generate_questions(truth) if q.kind == "follow_up"]
    assert len(follow_ups) == 6
    for q in follow_ups:
        assert len(q.history) == 1
        # the first question asks for a skill, or (when no skill is involved) a place
        first = (
            Filters(skill=q.filters.skill) if q.filters.skill else Filters(place=q.filters.place)
        )
        then = q.filters.model_dump(exclude_none=True)
        then.pop("skill" if q.filters.skill else "place")
        before = set(expected_for(truth, first))
        assert set(q.expected) == before & set(expected_for(truth, Filters(**then))), q.id
        assert set(q.expected) < before, q.id


def test_generated_truth_comes_from_the_documents(
    generated_docs: tuple[Path, list[CvDocument]], generated: list[GroundTruth]
) -> None:
    documents = {d.meta.cv_id: d for d in generated_docs[1]}
    assert sorted(documents) == [t.cv_id for t in generated]
    for t in generated:
        d = documents[t.cv_id]
        assert t.name == d.data.full_name and t.city == d.data.location.city
        assert t.years == round(d.data.experience_years(d.meta.as_of), 1)
        assert t.employers == [job.company for job in d.data.experience]
        assert t.languages == {s.code: s.level for s in d.data.languages}
        assert set(t.skills) <= set(SKILLS)
        assert [s for s in d.data.skills if s in SKILLS] == [
            s for s in t.skills if s in d.data.skills
        ]
        assert t.degree is not None  # every generated CV has at least a bachelor's
        if any(
            e.degree.startswith(("PhD", "Doctorado", "Doctorat", "Promotion"))
            for e in d.data.education
        ):
            assert t.degree == "phd"


# -- scoring -----------------------------------------------------------------------------------


def _q(qid: str, kind: str, expected: list[str], count: bool = False) -> SetQuestion:
    return SetQuestion.model_validate(
        {
            "id": qid,
            "kind": kind,
            "question": qid,
            "expected": expected,
            "expected_count": len(expected) if count else None,
            "language": "en",
        }
    )


def test_scorer_on_a_hand_worked_example() -> None:
    questions = [
        _q("half", "language", ["a", "b"]),
        _q("nobody", "empty", []),
        _q("count-ok", "count", ["a", "b", "c"], count=True),
        _q("count-bad", "count", ["a", "b"], count=True),
        _q("invented", "empty", []),
    ]
    answers = {
        "half": Outcome({"a", "c"}, None),
        "nobody": Outcome(set(), None),
        "count-ok": Outcome({"a", "b"}, 3, calls_partial_a_match=True),
        "count-bad": Outcome({"x"}, None),  # no stated count: the list counts (1 != 2)
        "invented": Outcome({"a"}, None),
    }
    report = score(questions, lambda q: answers[q.id])

    per = {s.id: s for s in report.questions}
    assert (per["half"].precision, per["half"].recall, per["half"].f1) == (0.5, 0.5, 0.5)
    assert (per["nobody"].f1, per["nobody"].exact) == (1.0, True)
    assert per["count-ok"].f1 == pytest.approx(0.8) and per["count-ok"].count_correct
    assert per["count-bad"].answered_count == 1 and per["count-bad"].count_correct is False
    assert (per["invented"].precision, per["invented"].recall, per["invented"].f1) == (0, 1, 0)

    overall = report.overall
    assert overall.questions == 5
    assert overall.precision == pytest.approx(0.5)
    assert overall.recall == pytest.approx((0.5 + 1 + 2 / 3 + 0 + 1) / 5)
    assert overall.f1 == pytest.approx((0.5 + 1 + 0.8) / 5)
    assert overall.exact_set_rate == pytest.approx(0.2)
    assert overall.count_accuracy == pytest.approx(0.5)
    assert overall.partial_called_match == 1

    assert list(report.by_kind) == ["language", "count", "empty"]
    count = report.by_kind["count"]
    assert (count.precision, count.recall, count.f1) == pytest.approx((0.5, 1 / 3, 0.4))
    assert report.by_kind["language"].count_accuracy is None
    assert report.by_kind["empty"].exact_set_rate == pytest.approx(0.5)

    markdown = report.to_markdown()
    assert "| **overall** | 5 | 0.50 | 0.63 | 0.46 | 0.20 | 0.50 | 1 |" in markdown
    assert "`count-bad`" in markdown and "`nobody`" not in markdown
    assert json.loads(report.to_json())["overall"]["questions"] == 5


def test_a_perfect_answerer_scores_one(truth: list[GroundTruth]) -> None:
    questions = generate_questions(truth)
    report = score(questions, lambda q: Outcome(set(q.expected), q.expected_count))
    assert report.overall.f1 == report.overall.exact_set_rate == 1.0
    assert report.overall.count_accuracy == 1.0
