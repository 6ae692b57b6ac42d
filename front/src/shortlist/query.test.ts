import { describe, expect, it } from "vitest";
import type { CandidateQuery } from "../api/types";
import { chipsOf, editChip, languageName, queryOf, readableQuery, removeChip, replaceChip, type Chip } from "./query";

const FULL: CandidateQuery = {
  skills_all: ["Kubernetes", "Go"],
  skills_any: ["Python", "Rust"],
  languages: [{ code: "es", min_level: "B2" }, { code: "de" }, { code: "fr", min_level: "native" }],
  location: "Berlin",
  min_years: 5,
  employer: "Monzo",
  degree: "master",
  certification: "CKA",
  operation: "list",
  text: "payments",
};

function chip(query: CandidateQuery, id: string): Chip {
  const found = chipsOf(query).find((c) => c.id === id);
  if (!found) throw new Error(`no chip ${id}`);
  return found;
}

describe("filter chips", () => {
  it("makes one chip per condition, labelled as the server labels conditions", () => {
    expect(chipsOf(FULL).map((c) => c.label)).toEqual([
      "Kubernetes",
      "Go",
      "Python or Rust",
      "Spanish ≥ B2",
      "German",
      "French (native)",
      "Berlin",
      "≥ 5 years",
      "Employer: Monzo",
      "Master or above",
      "CKA",
      "“payments”",
    ]);
    expect(chipsOf({ degree: "phd", min_years: 2.5 }).map((c) => c.label)).toEqual(["≥ 2.5 years", "PhD"]);
    expect(chipsOf({ operation: "list" })).toEqual([]);
  });

  it("round-trips: query → chips → query gives the same query", () => {
    expect(queryOf(chipsOf(FULL), FULL)).toEqual(FULL);
    const count: CandidateQuery = { languages: [{ code: "es" }], operation: "count" };
    expect(queryOf(chipsOf(count), count)).toEqual(count);
  });

  it("renders the readable content of a query from its chips", () => {
    expect(readableQuery({ skills_all: ["Kubernetes"], languages: [{ code: "es", min_level: "B2" }], location: "Berlin", min_years: 5, operation: "list" })).toBe(
      "Kubernetes · Spanish ≥ B2 · Berlin · ≥ 5 years",
    );
    expect(readableQuery({ languages: [{ code: "es" }], operation: "count" })).toBe("How many: Spanish");
    expect(readableQuery({ operation: "list" })).toBe("List all candidates");
    expect(readableQuery({ operation: "count" })).toBe("How many candidates are there?");
  });

  it("removes one chip and keeps the rest, the operation and the names", () => {
    const query: CandidateQuery = { ...FULL, operation: "count" };
    const without = removeChip(query, "language:de");
    expect(without.languages).toEqual([{ code: "es", min_level: "B2" }, { code: "fr", min_level: "native" }]);
    expect(without.operation).toBe("count");
    expect(removeChip(query, "skill:Kubernetes").skills_all).toEqual(["Go"]);
    const bare = removeChip({ location: "Berlin", operation: "list" }, "location");
    expect(bare).toEqual({ operation: "list" });
    expect(readableQuery(bare)).toBe("List all candidates");
  });

  it("sends a re-asked open query as a list", () => {
    expect(removeChip({ skills_all: ["Go"], location: "Berlin", operation: "open" }, "location")).toEqual({
      skills_all: ["Go"],
      operation: "list",
    });
  });

  it("edits each kind of chip and refuses values that are no filter", () => {
    const edited = (id: string, raw: string): CandidateQuery => {
      const next = editChip(chip(FULL, id), raw);
      if ("error" in next) throw new Error(next.error);
      return replaceChip(FULL, id, next);
    };
    expect(edited("skill:Kubernetes", " Terraform ").skills_all).toEqual(["Terraform", "Go"]);
    expect(edited("skills_any", "Java, Kotlin or Scala").skills_any).toEqual(["Java", "Kotlin", "Scala"]);
    expect(edited("language:es", "C1").languages?.[0]).toEqual({ code: "es", min_level: "C1" });
    expect(edited("language:es", "").languages?.[0]).toEqual({ code: "es" });
    expect(edited("location", "Madrid").location).toBe("Madrid");
    expect(edited("years", "7,5").min_years).toBe(7.5);
    expect(edited("employer", "N26").employer).toBe("N26");
    expect(edited("degree", "phd").degree).toBe("phd");
    expect(edited("certification", "CKAD").certification).toBe("CKAD");
    expect(readableQuery(edited("language:es", "C1"))).toContain("Spanish ≥ C1");
    expect(editChip(chip(FULL, "skill:Kubernetes"), "  ")).toHaveProperty("error");
    expect(editChip(chip(FULL, "years"), "-1")).toHaveProperty("error");
    expect(editChip(chip(FULL, "years"), "lots")).toHaveProperty("error");
    expect(editChip(chip(FULL, "language:es"), "D9")).toHaveProperty("error");
    expect(editChip(chip(FULL, "degree"), "diploma")).toHaveProperty("error");
  });

  it("names languages in English, and unknown codes by their code", () => {
    expect(languageName("es")).toBe("Spanish");
    expect(languageName("de")).toBe("German");
    expect(languageName("qq")).toBe("QQ");
  });
});
