import { describe, expect, it } from "vitest";
import { candidate } from "./fixtures";
import { nextSort, pageCount, pageOf, rangeLabel, sortCandidates, yearsText } from "./table";

describe("candidate table: sorting", () => {
  const rows = [
    candidate(1, { name: "Zoe", years: 3, location: "Berlin" }),
    candidate(2, { name: "ana", years: null, location: null }),
    candidate(3, { name: "Émile", years: 12.5, location: "Amsterdam" }),
    candidate(4, { name: "Bo", years: 3, location: "berlin" }),
  ];
  const names = (sorted: typeof rows) => sorted.map((c) => c.name);

  it("keeps the answer's order without a sort", () => {
    expect(names(sortCandidates(rows, null))).toEqual(["Zoe", "ana", "Émile", "Bo"]);
  });

  it("sorts names case- and accent-insensitively, both ways", () => {
    expect(names(sortCandidates(rows, { key: "name", direction: "ascending" }))).toEqual(["ana", "Bo", "Émile", "Zoe"]);
    expect(names(sortCandidates(rows, { key: "name", direction: "descending" }))).toEqual(["Zoe", "Émile", "Bo", "ana"]);
  });

  it("sorts years numerically, unknown years last either way, ties in the answer's order", () => {
    expect(names(sortCandidates(rows, { key: "years", direction: "descending" }))).toEqual(["Émile", "Zoe", "Bo", "ana"]);
    expect(names(sortCandidates(rows, { key: "years", direction: "ascending" }))).toEqual(["Zoe", "Bo", "Émile", "ana"]);
    expect(names(sortCandidates(rows, { key: "location", direction: "ascending" }))).toEqual(["Émile", "Zoe", "Bo", "ana"]);
  });

  it("starts years at the most experienced and flips on a second click", () => {
    expect(nextSort(null, "years")).toEqual({ key: "years", direction: "descending" });
    expect(nextSort(null, "name")).toEqual({ key: "name", direction: "ascending" });
    expect(nextSort({ key: "name", direction: "ascending" }, "name")).toEqual({ key: "name", direction: "descending" });
    expect(nextSort({ key: "name", direction: "descending" }, "years")).toEqual({ key: "years", direction: "descending" });
  });
});

describe("candidate table: paging", () => {
  const rows = Array.from({ length: 73 }, (_, i) => i);

  it("pages 25 at a time, the last page with the rest", () => {
    expect(pageCount(73)).toBe(3);
    expect(pageCount(0)).toBe(1);
    expect(pageOf(rows, 0)).toEqual(rows.slice(0, 25));
    expect(pageOf(rows, 2)).toEqual(rows.slice(50));
    expect(pageOf(rows, 9)).toEqual(rows.slice(50));
    expect(rangeLabel(73, 1)).toBe("26–50 of 73");
    expect(rangeLabel(73, 2)).toBe("51–73 of 73");
  });

  it("writes years with one decimal", () => {
    expect(yearsText(7.46)).toBe("7.5");
    expect(yearsText(null)).toBe("—");
  });
});
