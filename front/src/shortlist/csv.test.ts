import { describe, expect, it } from "vitest";
import { csvUrl, exportFileName } from "./csv";

describe("CSV export link", () => {
  it("maps every filter to GET /api/candidates's parameters", () => {
    const url = csvUrl({
      skills_all: ["Kubernetes", "C++"],
      skills_any: ["Python", "Go"],
      languages: [{ code: "es", min_level: "B2" }, { code: "de" }],
      location: "São Paulo",
      min_years: 5,
      employer: "Monzo",
      degree: "master",
      certification: "CKA",
      operation: "count",
      text: " payments ",
      names: ["Ana"],
    });
    const [path, search] = url.split("?");
    expect(path).toBe("/api/candidates");
    const params = new URLSearchParams(search);
    expect(params.getAll("skill")).toEqual(["Kubernetes", "C++"]);
    expect(params.getAll("any_skill")).toEqual(["Python", "Go"]);
    expect(params.getAll("language")).toEqual(["es:B2", "de"]);
    expect(params.get("location")).toBe("São Paulo");
    expect(params.get("min_years")).toBe("5");
    expect(params.get("employer")).toBe("Monzo");
    expect(params.get("degree")).toBe("master");
    expect(params.get("certification")).toBe("CKA");
    expect(params.get("q")).toBe("payments");
    expect(params.get("format")).toBe("csv");
    // Only parameters the endpoint knows (it answers 422 to any other).
    expect([...new Set(params.keys())].sort()).toEqual(
      ["any_skill", "certification", "degree", "employer", "format", "language", "location", "min_years", "q", "skill"],
    );
    expect(url).toContain("skill=C%2B%2B");
  });

  it("asks for everyone when the query has no filter", () => {
    expect(csvUrl({ operation: "list" })).toBe("/api/candidates?format=csv");
    expect(csvUrl({ min_years: 0 })).toBe("/api/candidates?min_years=0&format=csv");
  });

  it("names the file after the filters", () => {
    expect(exportFileName(["Kubernetes", "Spanish ≥ B2", "São Paulo"])).toBe("candidates-kubernetes-spanish-b2-sao-paulo.csv");
    expect(exportFileName([])).toBe("candidates.csv");
  });
});
