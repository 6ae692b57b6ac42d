/**
 * The `GET /api/candidates` link of a query: the same set the exact answer computed, as CSV
 * (every match, one row each, with its evidence per condition).
 */
import type { CandidateQuery } from "../api/types";

/** `/api/candidates?skill=…&language=es:B2&…&format=csv` for the query's filters. */
export function csvUrl(query: CandidateQuery): string {
  const params = new URLSearchParams();
  for (const skill of query.skills_all ?? []) params.append("skill", skill);
  for (const skill of query.skills_any ?? []) params.append("any_skill", skill);
  for (const { code, min_level } of query.languages ?? []) {
    params.append("language", min_level ? `${code}:${min_level}` : code);
  }
  if (query.location) params.set("location", query.location);
  if (query.min_years !== undefined && query.min_years !== null) params.set("min_years", String(query.min_years));
  if (query.employer) params.set("employer", query.employer);
  if (query.degree) params.set("degree", query.degree);
  if (query.certification) params.set("certification", query.certification);
  if (query.text?.trim()) params.set("q", query.text.trim());
  params.set("format", "csv");
  return `/api/candidates?${params.toString()}`;
}

/** A file name for the export: "candidates-kubernetes-spanish.csv". */
export function exportFileName(labels: readonly string[]): string {
  const slug = labels
    .join("-")
    .normalize("NFKD")
    .replace(/[\u0300-\u036f]/g, "")
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "")
    .slice(0, 60)
    .replace(/-+$/, "");
  return slug ? `candidates-${slug}.csv` : "candidates.csv";
}
