/**
 * An exact answer's structured query as filter chips, and back.
 *
 * One chip per condition ("Kubernetes", "Spanish ≥ B2", "Berlin", "≥ 5 years", "Master or
 * above", "Employer: Monzo", "CKA"); removing or editing a chip makes a new query, and
 * `readableQuery` is what the re-asked message says ("Kubernetes · Spanish ≥ B2 · Berlin").
 * The server's parser reads that rendering back to the same filters, but a re-ask also sends
 * the query itself, so nothing depends on parsing.
 */
import {
  DEGREE_LEVELS,
  LANGUAGE_LEVELS,
  type CandidateQuery,
  type DegreeLevel,
  type LanguageFilter,
  type LanguageLevel,
} from "../api/types";

export type Chip =
  | { kind: "skill"; id: string; label: string; skill: string }
  | { kind: "skills_any"; id: string; label: string; skills: string[] }
  | { kind: "language"; id: string; label: string; code: string; level: LanguageLevel | null }
  | { kind: "location"; id: string; label: string; value: string }
  | { kind: "years"; id: string; label: string; value: number }
  | { kind: "employer"; id: string; label: string; value: string }
  | { kind: "degree"; id: string; label: string; value: DegreeLevel }
  | { kind: "certification"; id: string; label: string; value: string }
  | { kind: "text"; id: string; label: string; value: string };

export type ChipKind = Chip["kind"];

const languageNames = (() => {
  try {
    return new Intl.DisplayNames(["en"], { type: "language" });
  } catch {
    return null;
  }
})();

/** "es" → "Spanish" (the English name, as the server's labels say it). */
export function languageName(code: string): string {
  try {
    const name = languageNames?.of(code);
    if (name && name !== code) return name;
  } catch {
    // not a language code
  }
  return code.toUpperCase();
}

const DEGREE_LABELS: Record<DegreeLevel, string> = {
  bachelor: "Bachelor or above",
  master: "Master or above",
  phd: "PhD",
};

export function degreeLabel(level: DegreeLevel): string {
  return DEGREE_LABELS[level];
}

/** 5 → "5", 2.5 → "2.5" (as the server's `:g`). */
function number(value: number): string {
  return String(Math.round(value * 100) / 100);
}

export function languageLabel(code: string, level: LanguageLevel | null): string {
  const name = languageName(code);
  if (level === null) return name;
  return level === "native" ? `${name} (native)` : `${name} ≥ ${level}`;
}

export function yearsLabel(years: number): string {
  return `≥ ${number(years)} years`;
}

/** One chip per condition of the query, in the server's order of conditions. */
export function chipsOf(query: CandidateQuery): Chip[] {
  const chips: Chip[] = [];
  for (const skill of query.skills_all ?? []) chips.push({ kind: "skill", id: `skill:${skill}`, label: skill, skill });
  const any = query.skills_any ?? [];
  if (any.length) chips.push({ kind: "skills_any", id: "skills_any", label: any.join(" or "), skills: [...any] });
  for (const { code, min_level } of query.languages ?? []) {
    const level = min_level ?? null;
    chips.push({ kind: "language", id: `language:${code}`, label: languageLabel(code, level), code, level });
  }
  if (query.location) chips.push({ kind: "location", id: "location", label: query.location, value: query.location });
  if (query.min_years !== undefined && query.min_years !== null) {
    chips.push({ kind: "years", id: "years", label: yearsLabel(query.min_years), value: query.min_years });
  }
  if (query.employer) {
    chips.push({ kind: "employer", id: "employer", label: `Employer: ${query.employer}`, value: query.employer });
  }
  if (query.degree) chips.push({ kind: "degree", id: "degree", label: degreeLabel(query.degree), value: query.degree });
  if (query.certification) {
    chips.push({ kind: "certification", id: "certification", label: query.certification, value: query.certification });
  }
  const text = query.text?.trim();
  if (text) chips.push({ kind: "text", id: "text", label: `“${text}”`, value: text });
  return chips;
}

/**
 * The query the chips stand for, on top of `base` (its operation and names stay). Defaults are
 * left out, as the server writes a query.
 */
export function queryOf(chips: readonly Chip[], base: CandidateQuery = {}): CandidateQuery {
  const skills: string[] = [];
  const languages: LanguageFilter[] = [];
  const query: CandidateQuery = {};
  for (const chip of chips) {
    switch (chip.kind) {
      case "skill":
        if (!skills.includes(chip.skill)) skills.push(chip.skill);
        break;
      case "skills_any":
        query.skills_any = [...chip.skills];
        break;
      case "language":
        languages.push(chip.level === null ? { code: chip.code } : { code: chip.code, min_level: chip.level });
        break;
      case "location":
        query.location = chip.value;
        break;
      case "years":
        query.min_years = chip.value;
        break;
      case "employer":
        query.employer = chip.value;
        break;
      case "degree":
        query.degree = chip.value;
        break;
      case "certification":
        query.certification = chip.value;
        break;
      case "text":
        query.text = chip.value;
        break;
    }
  }
  const ordered: CandidateQuery = {};
  if (skills.length) ordered.skills_all = skills;
  if (query.skills_any) ordered.skills_any = query.skills_any;
  if (languages.length) ordered.languages = languages;
  for (const key of ["location", "min_years", "employer", "degree", "certification"] as const) {
    if (query[key] !== undefined) Object.assign(ordered, { [key]: query[key] });
  }
  if (base.names?.length) ordered.names = [...base.names];
  // A re-asked set question stays one: without filters it lists everyone.
  ordered.operation = base.operation === "count" ? "count" : "list";
  if (query.text) ordered.text = query.text;
  return ordered;
}

export function removeChip(query: CandidateQuery, id: string): CandidateQuery {
  return queryOf(
    chipsOf(query).filter((chip) => chip.id !== id),
    query,
  );
}

export function replaceChip(query: CandidateQuery, id: string, next: Chip): CandidateQuery {
  return queryOf(
    chipsOf(query).map((chip) => (chip.id === id ? next : chip)),
    query,
  );
}

/**
 * The message a re-asked query posts: its chips' labels ("Kubernetes · Spanish ≥ B2 · Berlin ·
 * ≥ 5 years"), "How many: …" for a count, and a plain request when no filter is left.
 */
export function readableQuery(query: CandidateQuery): string {
  const labels = chipsOf(query).map((chip) => chip.label);
  const count = query.operation === "count";
  if (labels.length === 0) return count ? "How many candidates are there?" : "List all candidates";
  return `${count ? "How many: " : ""}${labels.join(" · ")}`;
}

/** Whether the chips of this query are worth showing: a set question (not compare/describe). */
export function isSetQuery(query: CandidateQuery | null | undefined): query is CandidateQuery {
  return !!query && query.operation !== "compare" && query.operation !== "describe";
}

// ---------------------------------------------------------------- editing

/** What the inline editor shows for a chip: a text, a level or degree choice, a number. */
export type EditorKind = "text" | "level" | "degree" | "number";

export function editorKind(chip: Chip): EditorKind {
  switch (chip.kind) {
    case "language":
      return "level";
    case "degree":
      return "degree";
    case "years":
      return "number";
    default:
      return "text";
  }
}

/** The editor's field label ("Skill", "Spanish level", …). */
export function editorLabel(chip: Chip): string {
  switch (chip.kind) {
    case "skill":
      return "Skill";
    case "skills_any":
      return "Any of these skills (comma-separated)";
    case "language":
      return `${languageName(chip.code)} level`;
    case "location":
      return "Location";
    case "years":
      return "Minimum years of experience";
    case "employer":
      return "Employer";
    case "degree":
      return "Lowest degree";
    case "certification":
      return "Certification";
    case "text":
      return "Free text (ranks, does not filter)";
  }
}

/** The editor's starting value. */
export function editorValue(chip: Chip): string {
  switch (chip.kind) {
    case "skill":
      return chip.skill;
    case "skills_any":
      return chip.skills.join(", ");
    case "language":
      return chip.level ?? "";
    case "years":
      return number(chip.value);
    default:
      return chip.value;
  }
}

/** The level choices of the language editor: "" is any level. */
export const LEVEL_CHOICES: readonly { value: string; label: string }[] = [
  { value: "", label: "any" },
  ...LANGUAGE_LEVELS.map((level) => ({ value: level, label: level })),
];

export const DEGREE_CHOICES: readonly { value: DegreeLevel; label: string }[] = DEGREE_LEVELS.map((value) => ({
  value,
  label: degreeLabel(value),
}));

/**
 * The chip an edited value makes, or an error message for a value that cannot be one
 * (an empty text, a negative number, …).
 */
export function editChip(chip: Chip, raw: string): Chip | { error: string } {
  const value = raw.trim();
  switch (chip.kind) {
    case "skill":
      if (!value) return { error: "Type a skill, or remove the filter." };
      return { kind: "skill", id: `skill:${value}`, label: value, skill: value };
    case "skills_any": {
      const skills = [...new Set(value.split(/\s*(?:,|\bor\b)\s*/i).map((s) => s.trim()).filter(Boolean))];
      if (!skills.length) return { error: "Type at least one skill, or remove the filter." };
      return { kind: "skills_any", id: "skills_any", label: skills.join(" or "), skills };
    }
    case "language": {
      const level = value === "" ? null : LANGUAGE_LEVELS.find((l) => l.toLowerCase() === value.toLowerCase());
      if (level === undefined) return { error: "Choose a level." };
      return { ...chip, level, label: languageLabel(chip.code, level) };
    }
    case "years": {
      const years = Number(value.replace(",", "."));
      if (!value || !Number.isFinite(years) || years < 0 || years > 80) {
        return { error: "Type a number of years between 0 and 80." };
      }
      return { ...chip, value: years, label: yearsLabel(years) };
    }
    case "degree": {
      const level = DEGREE_LEVELS.find((d) => d === value);
      if (!level) return { error: "Choose a degree." };
      return { ...chip, value: level, label: degreeLabel(level) };
    }
    case "employer":
      if (!value) return { error: "Type an employer, or remove the filter." };
      return { ...chip, value, label: `Employer: ${value}` };
    case "location":
    case "certification":
      if (!value) return { error: `Type a ${chip.kind}, or remove the filter.` };
      return { ...chip, value, label: value };
    case "text":
      if (!value) return { error: "Type some text, or remove it." };
      return { ...chip, value, label: `“${value}”` };
  }
}
