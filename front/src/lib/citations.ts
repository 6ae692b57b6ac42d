/**
 * Turns citation markers in an answer into links to its source cards.
 *
 * The server numbers retrieved passages 1, 2, 3 … and answers cite them as `[7]`, `[1, 3]`,
 * `[2-4]` (application/citations.py). Each source lists the passage numbers it stands for in
 * `citations`, so a marker links to the card that holds its passage, labelled with the card's
 * position. `[cv_id]` markers link too. Markers that resolve to no card stay as written;
 * markdown links are left alone.
 */
import type { Source } from "../api/types";

export const CITATION_PREFIX = "#cite-";

// Same grammar as the server's: [3], [1, 3], [1; 3], [2-4], and full-width brackets.
const MARKER = /[[【]\s*([^\]】\n]{1,80}?)\s*[\]】](?!\()/g;
const NUMBERS = /^\d+(?:\s*(?:[,;]|-|–)\s*\d+)*$/;

export function sourceAnchor(runKey: string, index: number): string {
  return `source-${runKey}-${index}`;
}

function expand(inner: string): number[] {
  const numbers: number[] = [];
  for (const part of inner.split(/\s*[,;]\s*/)) {
    const bounds = part.split(/\s*[-–]\s*/).map(Number);
    const [low, high] = bounds;
    if (low === undefined) continue;
    if (bounds.length === 2 && high !== undefined && low <= high && high <= low + 20) {
      for (let n = low; n <= high; n += 1) numbers.push(n);
    } else {
      numbers.push(low);
    }
  }
  return numbers;
}

/** The passage numbers cited in ``text``, in order of first citation (as the server reads them). */
export function citedNumbers(text: string): number[] {
  const seen = new Set<number>();
  for (const match of text.matchAll(MARKER)) {
    const inner = match[1] ?? "";
    if (NUMBERS.test(inner)) for (const n of expand(inner)) seen.add(n);
  }
  return [...seen];
}

/** Card position (1-based) for each passage number and cv id the sources answer to. */
function cardIndex(
  text: string,
  sources: readonly Source[],
): { byNumber: Map<number, number>; byId: Map<string, number> } {
  const byNumber = new Map<number, number>();
  const byId = new Map<string, number>();
  sources.forEach((source, i) => {
    for (const n of source.citations ?? []) if (!byNumber.has(n)) byNumber.set(n, i + 1);
    if (!byId.has(source.cv_id)) byId.set(source.cv_id, i + 1);
  });
  if (byNumber.size === 0) {
    // Sources without `citations` are listed in first-citation order, one per (CV, page): when
    // every cited number made its own card the pairing is certain; otherwise link none.
    const cited = citedNumbers(text);
    if (cited.length === sources.length) cited.forEach((n, i) => byNumber.set(n, i + 1));
  }
  return { byNumber, byId };
}

export function linkCitations(text: string, sources: readonly Source[]): string {
  if (sources.length === 0) return text;
  const { byNumber, byId } = cardIndex(text, sources);
  return text.replace(MARKER, (marker, inner: string) => {
    let cards: (number | undefined)[];
    if (NUMBERS.test(inner)) cards = expand(inner).map((n) => byNumber.get(n));
    else cards = inner.split(",").map((part) => byId.get(part.trim()));
    const linked = [...new Set(cards.filter((card): card is number => card !== undefined))];
    if (linked.length === 0) return marker;
    return linked.map((card) => `[${card}](${CITATION_PREFIX}${card})`).join("");
  });
}

/** The PDF of a source, opened at the cited page. */
export function sourcePdfUrl(source: Source): string {
  const base = source.url ?? `/api/cvs/${encodeURIComponent(source.cv_id)}/pdf`;
  if (base.includes("#")) return base;
  return source.page > 0 ? `${base}#page=${source.page}` : base;
}
