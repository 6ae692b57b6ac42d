/** Test data shaped like the server's exact answers (`final` event, `GET /api/candidates/{id}`). */
import type { Candidate, CandidateProfile, CandidateQuery, ConditionCheck, ExactAnswer } from "../api/types";

export const QUERY: CandidateQuery = {
  skills_all: ["Kubernetes"],
  languages: [{ code: "es", min_level: "B2" }],
  location: "Berlin",
  min_years: 5,
  operation: "list",
};

function check(key: string, label: string, value: string | null, page: number, snippet: string, cvId: string): ConditionCheck {
  return { key, label, met: true, value, evidence: [{ page, snippet, url: `/api/cvs/${cvId}/pdf#page=${page}` }] };
}

export function candidate(n: number, overrides: Partial<Candidate> = {}): Candidate {
  const cvId = `cv-${String(n).padStart(3, "0")}`;
  return {
    cv_id: cvId,
    name: `Candidate ${String(n).padStart(2, "0")}`,
    headline: "Platform engineer",
    location: "Berlin, Germany",
    languages: [
      { code: "es", level: "C1" },
      { code: "en", level: null },
    ],
    years: n,
    file: `${cvId}.pdf`,
    matched: true,
    score: 0,
    relevance: null,
    conditions: [
      check("skill:Kubernetes", "Kubernetes", null, 2, "Led the Kubernetes migration of 40 services", cvId),
      check("language:es", "Spanish ≥ B2", "C1", 1, "Spanish (C1)", cvId),
      check("location", "Berlin", "Berlin, Germany", 1, "Berlin, Germany", cvId),
      check("years", "≥ 5 years", `${n} years`, 2, "2015 – today", cvId),
    ],
    ...overrides,
  };
}

export function answer(count: number, overrides: Partial<ExactAnswer> = {}): ExactAnswer {
  return {
    answer_kind: "list",
    total: count,
    query: QUERY,
    candidates: Array.from({ length: count }, (_, i) => candidate(i + 1)),
    near_misses: [],
    ...overrides,
  };
}

const ev = (page: number, snippet: string) => ({ page, snippet });

export function profile(cvId: string, name: string, overrides: Partial<CandidateProfile> = {}): CandidateProfile {
  return {
    cv_id: cvId,
    name: { value: name, evidence: ev(1, name) },
    headline: { value: "Platform engineer", evidence: ev(1, "Platform engineer") },
    location: { city: "Madrid", country: "Spain", evidence: ev(1, "Madrid, Spain") },
    languages: [{ code: "es", name: "Spanish", level: "native", evidence: ev(1, "Español (nativo)") }],
    skills: [
      { name: "Kubernetes", evidence: ev(2, "Kubernetes migration") },
      { name: `Skill of ${name}`, evidence: ev(2, "something only they do") },
    ],
    jobs: [
      { employer: "Monzo", title: "SRE", start: "2019-03", end: null, current: true, evidence: ev(2, "SRE, Monzo, 2019 – today") },
    ],
    experience: { years: 7.46, as_of: "2026-01", evidence: ev(2, "2019 – today") },
    education: [
      { degree: "MSc Computer Science", level: "master", institution: "UPM", end_year: 2015, completed: true, evidence: ev(3, "MSc Computer Science, UPM") },
    ],
    certifications: [],
    file: `${cvId}.pdf`,
    pdf_url: `/api/cvs/${cvId}/pdf`,
    version: "v1",
    ...overrides,
  };
}
