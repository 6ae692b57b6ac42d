/** Sorting and paging of the candidate table (every match is in the answer; pages of 25). */
import type { Candidate } from "../api/types";

export const PAGE_SIZE = 25;

export type SortKey = "name" | "headline" | "location" | "years";
export type SortDirection = "ascending" | "descending";
export interface Sort {
  key: SortKey;
  direction: SortDirection;
}

/** The direction a column starts in when first clicked: most years first, names A→Z. */
export function firstDirection(key: SortKey): SortDirection {
  return key === "years" ? "descending" : "ascending";
}

/** The sort after clicking `key`'s header: that column, or the other way round if it was it. */
export function nextSort(current: Sort | null, key: SortKey): Sort {
  if (current?.key !== key) return { key, direction: firstDirection(key) };
  return { key, direction: current.direction === "ascending" ? "descending" : "ascending" };
}

const collator = new Intl.Collator("en", { sensitivity: "base", numeric: true });

function value(candidate: Candidate, key: SortKey): string | number | null {
  switch (key) {
    case "years":
      return candidate.years;
    case "name":
      return candidate.name;
    default:
      return candidate[key]?.trim() || null;
  }
}

/**
 * The candidates in `sort`'s order (the answer's own order without one); a candidate without
 * the value (no years stated, no location) goes last either way, ties keep the answer's order.
 */
export function sortCandidates(candidates: readonly Candidate[], sort: Sort | null): Candidate[] {
  if (!sort) return [...candidates];
  const sign = sort.direction === "ascending" ? 1 : -1;
  return candidates
    .map((candidate, index) => ({ candidate, index, value: value(candidate, sort.key) }))
    .sort((a, b) => {
      if (a.value === null || b.value === null) {
        if (a.value === b.value) return a.index - b.index;
        return a.value === null ? 1 : -1;
      }
      const order =
        typeof a.value === "number" && typeof b.value === "number"
          ? a.value - b.value
          : collator.compare(String(a.value), String(b.value));
      return order === 0 ? a.index - b.index : sign * order;
    })
    .map(({ candidate }) => candidate);
}

export function pageCount(total: number, size = PAGE_SIZE): number {
  return Math.max(1, Math.ceil(total / size));
}

/** Page `page` (0-based, clamped) of the rows. */
export function pageOf<T>(rows: readonly T[], page: number, size = PAGE_SIZE): T[] {
  const last = pageCount(rows.length, size) - 1;
  const at = Math.min(Math.max(0, page), last);
  return rows.slice(at * size, at * size + size);
}

/** "26–50 of 73" for page 1 of 73 rows. */
export function rangeLabel(total: number, page: number, size = PAGE_SIZE): string {
  if (total === 0) return "0 of 0";
  const first = page * size + 1;
  const last = Math.min(total, first + size - 1);
  return `${first}–${last} of ${total}`;
}

/** "7.5" for 7.46 years; "—" when the CV gives no dates. */
export function yearsText(years: number | null): string {
  return years === null ? "—" : (Math.round(years * 10) / 10).toFixed(1);
}
