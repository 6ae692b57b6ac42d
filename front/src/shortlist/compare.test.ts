import { describe, expect, it } from "vitest";
import { columnOf, factUrl, matrixRows } from "./compare";
import { profile } from "./fixtures";

describe("comparison matrix", () => {
  const ana = profile("cv-001", "Ana Gómez");
  const luis = profile("cv-002", "Luis Pérez", {
    languages: [
      { code: "en", name: "English", level: "C1", evidence: { page: 1, snippet: "English C1" } },
      { code: "es", name: "Spanish", level: null, evidence: { page: 1, snippet: "Español" } },
    ],
    experience: null,
    certifications: [{ name: "CKA", evidence: { page: 3, snippet: "Certified Kubernetes Administrator" } }],
    location: null,
  });

  it("has one row per kind of fact and one cell per candidate", () => {
    const rows = matrixRows([ana, luis]);
    expect(rows.map((r) => r.label)).toEqual(["Skills", "Languages", "Years of experience", "Employers", "Education", "Certifications"]);
    for (const row of rows) expect(row.cells).toHaveLength(2);
  });

  it("cites every fact's page and words", () => {
    const rows = matrixRows([ana, luis]);
    const byField = Object.fromEntries(rows.map((r) => [r.field, r.cells]));
    expect(byField.years?.[0]).toEqual([{ text: "7.5 years", evidence: { page: 2, snippet: "2019 – today" } }]);
    expect(byField.years?.[1]).toEqual([]);
    expect(byField.employers?.[0]).toEqual([{ text: "SRE, Monzo (2019-03–now)", evidence: { page: 2, snippet: "SRE, Monzo, 2019 – today" } }]);
    expect(byField.education?.[0]?.[0]?.text).toBe("MSc Computer Science, UPM (2015)");
    expect(byField.certifications?.[1]).toEqual([{ text: "CKA", evidence: { page: 3, snippet: "Certified Kubernetes Administrator" } }]);
  });

  it("puts what everyone shares first, marked", () => {
    const rows = matrixRows([ana, luis]);
    const skills = rows.find((r) => r.field === "skills")?.cells ?? [];
    expect(skills[0]?.map((f) => [f.text, f.shared])).toEqual([
      ["Kubernetes", true],
      ["Skill of Ana Gómez", false],
    ]);
    const languages = rows.find((r) => r.field === "languages")?.cells ?? [];
    expect(languages[1]?.map((f) => [f.text, f.shared])).toEqual([
      ["Spanish", true],
      ["English (C1)", false],
    ]);
  });

  it("heads each column with the candidate", () => {
    expect(columnOf(ana)).toEqual({ cvId: "cv-001", name: "Ana Gómez", headline: "Platform engineer", location: "Madrid, Spain" });
    expect(columnOf(luis).location).toBeNull();
    expect(factUrl("cv-002", 3)).toBe("/api/cvs/cv-002/pdf#page=3");
  });
});
