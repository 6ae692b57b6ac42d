import { describe, expect, it } from "vitest";
import type { Source } from "../api/types";
import { CITATION_PREFIX, linkCitations, sourcePdfUrl } from "./citations";

const make = (cv_id: string, citations: number[] = [], page = 1, url: string | null = null): Source => ({
  cv_id,
  name: cv_id,
  headline: "h",
  file: `${cv_id}.pdf`,
  page,
  snippet: "s",
  score: 0.5,
  url,
  citations,
});
const link = (card: number) => `[${card}](${CITATION_PREFIX}${card})`;

describe("linkCitations", () => {
  it("links passage numbers to the card that holds the passage, labelled by card position", () => {
    const sources = [make("cv-a", [1]), make("cv-b", [7, 8])];
    expect(linkCitations("A [1]. B [7]; again [8] and both [1, 7].", sources)).toBe(
      `A ${link(1)}. B ${link(2)}; again ${link(2)} and both ${link(1)}${link(2)}.`,
    );
  });

  it("understands ranges, semicolons, full-width brackets and cv-id markers", () => {
    const sources = [make("cv-a", [2]), make("cv-b", [3, 4])];
    expect(linkCitations("[2-4] [2; 3] 【4】 [cv-b]", sources)).toBe(
      `${link(1)}${link(2)} ${link(1)}${link(2)} ${link(2)} ${link(2)}`,
    );
  });

  it("pairs markers with sources that carry no citation numbers only when the pairing is certain", () => {
    const two = [make("cv-a"), make("cv-b")];
    expect(linkCitations("A [1], B [4], A again [1].", two)).toBe(`A ${link(1)}, B ${link(2)}, A again ${link(1)}.`);
    // Three numbers for two cards: which two share a card cannot be known, so nothing is linked.
    expect(linkCitations("A [1], B [4] [5].", two)).toBe("A [1], B [4] [5].");
  });

  it("leaves unknown markers, markdown links and source-less answers alone", () => {
    const sources = [make("cv-a", [1])];
    expect(linkCitations("[3] [note] [site](https://x.test)", sources)).toBe("[3] [note] [site](https://x.test)");
    expect(linkCitations("[1]", [])).toBe("[1]");
  });
});

describe("sourcePdfUrl", () => {
  it("opens the CV at the cited page", () => {
    expect(sourcePdfUrl(make("cv 7", [], 3))).toBe("/api/cvs/cv%207/pdf#page=3");
    expect(sourcePdfUrl(make("cv-7", [], 3, "/api/cvs/cv-7/pdf"))).toBe("/api/cvs/cv-7/pdf#page=3");
    expect(sourcePdfUrl(make("cv-7", [], 3, "/api/cvs/cv-7/pdf#page=4"))).toBe("/api/cvs/cv-7/pdf#page=4");
  });
});
