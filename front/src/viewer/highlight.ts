/**
 * Finding a source's snippet in a PDF page's text, and marking it in pdf.js's text layer.
 *
 * The snippet is the server's extraction of the page (whitespace collapsed, cut at 240 characters
 * with "…"); the page's text, as pdf.js reads it, is a list of text items (a run of glyphs each,
 * often a line or part of one, sometimes without the spaces between them). Both sides are folded
 * to letters and digits only — case, accents, spaces, punctuation, hyphens and ligatures set
 * aside — so "Kuber-⏎netes  migration" on the page matches "kubernetes migration" in the
 * snippet, across as many items as it spans. When the whole snippet is not on the page (cut
 * mid-word, or read differently), the longest start or end of it that is, is taken instead.
 */

/** The part of one text item to mark: `[start, end)` in the item's own string (UTF-16 offsets). */
export interface ItemRange {
  item: number;
  start: number;
  end: number;
}

/** A partial match is shown when it has at least this many folded characters… */
export const MIN_PARTIAL = 12;
/** …and at least this share of the snippet. */
export const MIN_PARTIAL_SHARE = 1 / 3;

const WORD_CHAR = /[\p{L}\p{N}]/u;
const MARKS = /\p{M}/gu;

/** The folded form of one character: lower case, no accents, ligatures split; "" for the rest. */
function foldChar(ch: string): string {
  let out = "";
  for (const c of ch.normalize("NFKD").toLowerCase().replace(MARKS, "")) {
    if (WORD_CHAR.test(c)) out += c;
  }
  return out;
}

/** `text` folded the way matching sees it (exported for tests and for callers that compare). */
export function fold(text: string): string {
  let out = "";
  for (const ch of text) out += foldChar(ch);
  return out;
}

interface Folded {
  text: string;
  /** For each character of `text`: the item and the offset in it that it came from. */
  items: Int32Array;
  offsets: Int32Array;
}

function foldItems(items: readonly string[]): Folded {
  let text = "";
  const itemOf: number[] = [];
  const offsetOf: number[] = [];
  items.forEach((str, item) => {
    let offset = 0;
    for (const ch of str) {
      const folded = foldChar(ch);
      for (let k = 0; k < folded.length; k += 1) {
        itemOf.push(item);
        offsetOf.push(offset);
      }
      text += folded;
      offset += ch.length;
    }
  });
  return { text, items: Int32Array.from(itemOf), offsets: Int32Array.from(offsetOf) };
}

/** The longest `n` in [lo, hi] with `found(n)` true, given it is true for lo and monotone. */
function longest(lo: number, hi: number, found: (n: number) => boolean): number {
  while (lo < hi) {
    const mid = Math.ceil((lo + hi) / 2);
    if (found(mid)) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

/** Where `[start, end)` of the folded text is, as one range per text item it covers. */
function toRanges(folded: Folded, start: number, end: number, itemsText: readonly string[]): ItemRange[] {
  const ranges: ItemRange[] = [];
  for (let i = start; i < end; i += 1) {
    const item = folded.items[i] ?? 0;
    const offset = folded.offsets[i] ?? 0;
    // The end of the original character, so a surrogate pair or ligature is marked whole.
    const code = itemsText[item]?.codePointAt(offset) ?? 0;
    const charEnd = offset + (code > 0xffff ? 2 : 1);
    const last = ranges[ranges.length - 1];
    if (last?.item === item) last.end = Math.max(last.end, charEnd);
    else ranges.push({ item, start: offset, end: charEnd });
  }
  return ranges;
}

export interface SnippetMatch {
  ranges: ItemRange[];
  /** The whole snippet was found, not only its longest start or end. */
  complete: boolean;
}

/**
 * Where `snippet` is in a page whose text items are `items`; `null` when no part of it worth
 * showing (its start or its end, of at least MIN_PARTIAL folded characters and a third of the
 * snippet; or the whole of a shorter snippet) is there.
 */
export function findSnippet(items: readonly string[], snippet: string): SnippetMatch | null {
  const needle = fold(snippet);
  if (needle.length === 0) return null;
  const folded = foldItems(items);
  const hay = folded.text;
  const whole = hay.indexOf(needle);
  if (whole >= 0) return { ranges: toRanges(folded, whole, whole + needle.length, items), complete: true };
  const min = Math.min(Math.max(MIN_PARTIAL, Math.ceil(needle.length * MIN_PARTIAL_SHARE)), needle.length);
  if (needle.length <= min) return null;
  // The longest start of the snippet on the page, and the longest end: each is monotone in its length.
  const prefixAt = (n: number): number => hay.indexOf(needle.slice(0, n));
  const suffixAt = (n: number): number => hay.indexOf(needle.slice(needle.length - n));
  const prefix = prefixAt(min) >= 0 ? longest(min, needle.length - 1, (n) => prefixAt(n) >= 0) : 0;
  const suffix = suffixAt(min) >= 0 ? longest(min, needle.length - 1, (n) => suffixAt(n) >= 0) : 0;
  if (prefix === 0 && suffix === 0) return null;
  const [at, length] = prefix >= suffix ? [prefixAt(prefix), prefix] : [suffixAt(suffix), suffix];
  return { ranges: toRanges(folded, at, at + length, items), complete: false };
}

/**
 * Wraps each range's text in a `<mark>` inside its text-layer element (`elements[i]` shows
 * `items[i]`, as pdf.js's `TextLayer.textDivs` and `textContentItemsStr` do). Returns the marks.
 */
export function markRanges(
  elements: readonly HTMLElement[],
  items: readonly string[],
  ranges: readonly ItemRange[],
  className = "evidence-highlight",
): HTMLElement[] {
  const marks: HTMLElement[] = [];
  for (const { item, start, end } of ranges) {
    const element = elements[item];
    const text = items[item];
    if (!element || text === undefined || element.textContent !== text) continue;
    const doc = element.ownerDocument;
    const mark = doc.createElement("mark");
    mark.className = className;
    mark.textContent = text.slice(start, end);
    element.replaceChildren(
      ...(start > 0 ? [doc.createTextNode(text.slice(0, start))] : []),
      mark,
      ...(end < text.length ? [doc.createTextNode(text.slice(end))] : []),
    );
    marks.push(mark);
  }
  return marks;
}
