import { describe, expect, it } from "vitest";
import { findSnippet, fold, markRanges, type ItemRange } from "./highlight";

/** The text each range covers, item by item. */
function covered(items: readonly string[], ranges: readonly ItemRange[]): string[] {
  return ranges.map(({ item, start, end }) => (items[item] ?? "").slice(start, end));
}

describe("fold", () => {
  it("keeps letters and digits only, lower case, without accents, ligatures split", () => {
    expect(fold("Ana Gómez — Kuber-netes, 5 yrs.")).toBe("anagomezkubernetes5yrs");
    expect(fold("Oﬃce ﬁles")).toBe("officefiles");
    expect(fold("  \u00ad… ")).toBe("");
  });
});

describe("findSnippet", () => {
  it("finds a snippet inside one item", () => {
    const items = ["Experience", "Led the Kubernetes migration of 40 services at Acme.", "Skills"];
    const match = findSnippet(items, "Kubernetes migration of 40 services");
    expect(match?.complete).toBe(true);
    expect(match && covered(items, match.ranges)).toEqual(["Kubernetes migration of 40 services"]);
    expect(match?.ranges[0]?.item).toBe(1);
  });

  it("ignores case and collapses whitespace", () => {
    const items = ["Led   the KUBERNETES\tmigration"];
    const match = findSnippet(items, "led the kubernetes migration");
    expect(match && covered(items, match.ranges)).toEqual(["Led   the KUBERNETES\tmigration"]);
  });

  it("matches across text items, also when the page has no spaces between them", () => {
    const items = ["Senior platform engineer, ", "Acme", " ", "(2019", "–", "2024)", "Led the"];
    const match = findSnippet(items, "platform engineer, Acme (2019-2024) led");
    expect(match?.complete).toBe(true);
    expect(match && covered(items, match.ranges)).toEqual(["platform engineer", "Acme", "2019", "2024", "Led"]);
  });

  it("joins a word hyphenated at the end of a line", () => {
    const items = ["Led the data-platform manage-", "ment team of twelve"];
    const match = findSnippet(items, "data-platform management team");
    expect(match?.complete).toBe(true);
    expect(match && covered(items, match.ranges)).toEqual(["data-platform manage", "ment team"]);
  });

  it("matches accented text and ligatures either way", () => {
    const items = ["Ingeniera en Telefónica, oﬁcina de Málaga"];
    const match = findSnippet(items, "telefonica, oficina de malaga");
    expect(match && covered(items, match.ranges)).toEqual(["Telefónica, oﬁcina de Málaga"]);
  });

  it("takes the snippet without its ellipsis when the server cut it", () => {
    const items = ["Built the payments ledger in Go and Postgres.", "Mentored four engineers."];
    const match = findSnippet(items, "Built the payments ledger in Go and Postgres. Mentored four engin…");
    expect(match?.complete).toBe(true);
    expect(match && covered(items, match.ranges)).toEqual(["Built the payments ledger in Go and Postgres", "Mentored four engin"]);
  });

  it("falls back to the longest start (or end) of the snippet that is on the page", () => {
    const items = ["Led the Kubernetes migration of 40 services.", "Speaks Spanish."];
    const start = findSnippet(items, "Led the Kubernetes migration of 40 services and wrote the runbooks");
    expect(start?.complete).toBe(false);
    expect(start && covered(items, start.ranges)).toEqual(["Led the Kubernetes migration of 40 services"]);
    const end = findSnippet(items, "Text from the previous page, then: migration of 40 services. Speaks Spanish");
    expect(end?.complete).toBe(false);
    expect(end && covered(items, end.ranges)).toEqual(["migration of 40 services", "Speaks Spanish"]);
  });

  it("finds nothing when nothing worth showing matches", () => {
    const items = ["Led the Kubernetes migration."];
    expect(findSnippet(items, "Speaks fluent Portuguese and Italian")).toBeNull();
    expect(findSnippet(items, "")).toBeNull();
    expect(findSnippet(items, "…")).toBeNull();
    expect(findSnippet([], "Led the Kubernetes migration")).toBeNull();
    // A few words in common are not a match.
    expect(findSnippet(items, "the Kubernetes certification exam, passed in 2021 with the best mark")).toBeNull();
  });

  it("finds a short snippet only whole", () => {
    expect(findSnippet(["Go, Rust"], "Rust")?.ranges).toEqual([{ item: 0, start: 4, end: 8 }]);
    expect(findSnippet(["Go, Rust"], "Rusty")).toBeNull();
  });
});

describe("markRanges", () => {
  it("wraps the matched text of each item in a mark, keeping the rest as text", () => {
    const items = ["Senior engineer at Acme", "Led the migration"];
    const elements = items.map((text) => {
      const span = document.createElement("span");
      span.textContent = text;
      return span;
    });
    const match = findSnippet(items, "Acme led the");
    expect(match).not.toBeNull();
    const marks = markRanges(elements, items, match?.ranges ?? []);
    expect(marks.map((m) => m.textContent)).toEqual(["Acme", "Led the"]);
    expect(marks.every((m) => m.tagName === "MARK")).toBe(true);
    expect(elements.map((e) => e.textContent)).toEqual(items); // the text layer's text is unchanged
    expect(elements[0]?.innerHTML).toBe('Senior engineer at <mark class="evidence-highlight">Acme</mark>');
    expect(elements[1]?.innerHTML).toBe('<mark class="evidence-highlight">Led the</mark> migration');
  });
});
