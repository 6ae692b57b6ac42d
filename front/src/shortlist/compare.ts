/**
 * The comparison matrix: one column per candidate, one row per kind of fact (skills,
 * languages, years, employers, education, certifications), every fact with the page it is on.
 */
import type { CandidateProfile, FactEvidence } from "../api/types";

export const COMPARE_MIN = 2;
export const COMPARE_MAX = 4;

export interface Fact {
  text: string;
  evidence: FactEvidence;
  /** Every compared candidate has it (skills and languages only). */
  shared?: boolean;
  /** What makes two facts the same (a skill's name, a language's code). */
  key?: string;
}

export interface MatrixRow {
  field: "skills" | "languages" | "years" | "employers" | "education" | "certifications";
  label: string;
  /** One cell per candidate, in the columns' order; an empty cell: the CV does not say. */
  cells: Fact[][];
}

export interface MatrixColumn {
  cvId: string;
  name: string;
  headline: string | null;
  location: string | null;
}

export function columnOf(profile: CandidateProfile): MatrixColumn {
  const place = profile.location ? [profile.location.city, profile.location.country].filter(Boolean).join(", ") : "";
  return {
    cvId: profile.cv_id,
    name: profile.name?.value ?? profile.cv_id,
    headline: profile.headline?.value ?? null,
    location: place || null,
  };
}

function period(start: string | null, end: string | null, current: boolean): string {
  if (!start && !end && !current) return "";
  return ` (${start ?? "?"}–${current ? "now" : (end ?? "?")})`;
}

/** Facts every profile has first (marked shared), then the rest in the CV's order. */
function sharedFirst(cells: Fact[][]): Fact[][] {
  if (cells.length < 2) return cells;
  const key = (fact: Fact): string => fact.key ?? fact.text;
  const sets = cells.map((cell) => new Set(cell.map(key)));
  return cells.map((cell) => {
    const marked = cell.map((fact) => ({ ...fact, shared: sets.every((set) => set.has(key(fact))) }));
    return [...marked.filter((f) => f.shared), ...marked.filter((f) => !f.shared)];
  });
}

export function matrixRows(profiles: readonly CandidateProfile[]): MatrixRow[] {
  const skills = sharedFirst(
    profiles.map((p) => p.skills.map((s) => ({ text: s.name, evidence: s.evidence, key: s.name.toLowerCase() }))),
  );
  const languages = sharedFirst(
    profiles.map((p) =>
      p.languages.map((l) => ({ text: l.level ? `${l.name} (${l.level})` : l.name, evidence: l.evidence, key: l.code })),
    ),
  );
  return [
    { field: "skills", label: "Skills", cells: skills },
    { field: "languages", label: "Languages", cells: languages },
    {
      field: "years",
      label: "Years of experience",
      cells: profiles.map((p) =>
        p.experience
          ? [{ text: `${(Math.round(p.experience.years * 10) / 10).toFixed(1)} years`, evidence: p.experience.evidence }]
          : [],
      ),
    },
    {
      field: "employers",
      label: "Employers",
      cells: profiles.map((p) =>
        p.jobs.map((j) => ({
          text: `${j.title ? `${j.title}, ` : ""}${j.employer}${period(j.start, j.end, j.current)}`,
          evidence: j.evidence,
        })),
      ),
    },
    {
      field: "education",
      label: "Education",
      cells: profiles.map((p) =>
        p.education.map((e) => ({
          text: [e.degree, e.institution].filter(Boolean).join(", ") + (e.end_year ? ` (${e.end_year})` : "") + (e.completed ? "" : " — not completed"),
          evidence: e.evidence,
        })),
      ),
    },
    {
      field: "certifications",
      label: "Certifications",
      cells: profiles.map((p) => p.certifications.map((c) => ({ text: c.name, evidence: c.evidence }))),
    },
  ];
}

/** The PDF link of a fact, when there is no viewer to open it in. */
export function factUrl(cvId: string, page: number): string {
  return `/api/cvs/${encodeURIComponent(cvId)}/pdf#page=${page}`;
}
