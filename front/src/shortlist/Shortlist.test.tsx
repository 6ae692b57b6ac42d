import { act, render, screen, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { afterEach, describe, expect, it, vi } from "vitest";
import type { ExactAnswer } from "../api/types";
import { jsonResponse } from "../test/sse";
import { EvidenceViewerContext, type OpenEvidence } from "../viewer/evidence";
import { answer, candidate, profile } from "./fixtures";
import { Shortlist } from "./Shortlist";

afterEach(() => {
  vi.unstubAllGlobals();
});

function renderWithViewer(value: ExactAnswer, open: OpenEvidence | null = vi.fn<OpenEvidence>()) {
  render(
    <EvidenceViewerContext.Provider value={open}>
      <Shortlist answer={value} />
    </EvidenceViewerContext.Provider>,
  );
  return open;
}

const names = () => screen.getAllByTestId("candidate-name").map((el) => el.textContent);

describe("Shortlist: the candidate table", () => {
  it("lists every match 25 a page, with columns for each condition", async () => {
    renderWithViewer(answer(30));
    const table = screen.getByRole("table");
    const headers = within(table).getAllByRole("columnheader").map((th) => th.textContent);
    expect(headers.slice(1)).toEqual(["Name↕", "Headline↕", "Location↕", "Languages", "Years↕", "Kubernetes", "Spanish ≥ B2", "Berlin", "≥ 5 years"]);
    expect(screen.getAllByTestId("candidate-row")).toHaveLength(25);
    expect(screen.getByText(/Page 1 of 2 · 1–25 of 30/)).toBeInTheDocument();
    expect(screen.getByRole("heading", { name: /30 candidates/ })).toBeInTheDocument();
    await userEvent.click(screen.getByRole("button", { name: "Next" }));
    expect(names()).toEqual(["Candidate 26", "Candidate 27", "Candidate 28", "Candidate 29", "Candidate 30"]);
    expect(screen.getByRole("button", { name: "Next" })).toBeDisabled();
  });

  it("sorts by a column on click (aria-sort), the other way on a second click", async () => {
    renderWithViewer(answer(3));
    const years = screen.getByRole("columnheader", { name: /Years/ });
    expect(years).toHaveAttribute("aria-sort", "none");
    await userEvent.click(within(years).getByRole("button"));
    expect(years).toHaveAttribute("aria-sort", "descending");
    expect(screen.getAllByTestId("candidate-years").map((el) => el.textContent)).toEqual(["3.0", "2.0", "1.0"]);
    await userEvent.click(within(years).getByRole("button"));
    expect(years).toHaveAttribute("aria-sort", "ascending");
    expect(names()).toEqual(["Candidate 01", "Candidate 02", "Candidate 03"]);
    const name = screen.getByRole("columnheader", { name: /Name/ });
    await userEvent.click(within(name).getByRole("button"));
    expect(name).toHaveAttribute("aria-sort", "ascending");
    expect(years).toHaveAttribute("aria-sort", "none");
  });

  it("shows a ✓ whose evidence appears on focus and opens in the viewer", async () => {
    const open = renderWithViewer(answer(1));
    const check = screen.getByRole("button", { name: "✓ Kubernetes: page 2 of Candidate 01's CV" });
    act(() => {
      check.focus();
    });
    const popover = screen.getByRole("group", { name: "Evidence for Kubernetes" });
    expect(popover).toHaveTextContent("p. 2 “Led the Kubernetes migration of 40 services”");
    expect(check.parentElement).toHaveAttribute("aria-describedby", popover.id);
    await userEvent.click(within(popover).getByRole("button", { name: /Page 2: Led the Kubernetes/ }));
    expect(open).toHaveBeenCalledWith({ cvId: "cv-001", name: "Candidate 01", page: 2, snippet: "Led the Kubernetes migration of 40 services" });
    await userEvent.click(screen.getByRole("button", { name: "✓ C1 Spanish ≥ B2: page 1 of Candidate 01's CV" }));
    expect(open).toHaveBeenLastCalledWith({ cvId: "cv-001", name: "Candidate 01", page: 1, snippet: "Spanish (C1)" });
  });

  it("links the evidence to the PDF page when no viewer is mounted", () => {
    renderWithViewer(answer(1), null);
    const link = screen.getByRole("link", { name: "✓ Kubernetes: page 2 of Candidate 01's CV (opens the CV PDF)" });
    expect(link).toHaveAttribute("href", "/api/cvs/cv-001/pdf#page=2");
    expect(link).toHaveAttribute("target", "_blank");
  });

  it("exports the same set as CSV", () => {
    renderWithViewer(answer(2));
    const link = screen.getByRole("link", { name: "Export CSV" });
    expect(link).toHaveAttribute(
      "href",
      "/api/candidates?skill=Kubernetes&language=es%3AB2&location=Berlin&min_years=5&format=csv",
    );
    expect(link).toHaveAttribute("download", "candidates-kubernetes-spanish-b2-berlin-5-years.csv");
  });

  it("keeps a deleted CV's row, marked, with nothing that opens its gone PDF", () => {
    renderWithViewer(answer(2, { candidates: [candidate(1), candidate(2, { removed: true })] }), null);
    const row = screen.getAllByTestId("candidate-row")[1];
    if (!row) throw new Error("no second row");
    expect(row).toHaveTextContent("CV removed");
    expect(within(row).queryAllByRole("link")).toHaveLength(0);
    expect(within(row).getByRole("checkbox")).toBeDisabled();
    expect(within(screen.getAllByTestId("candidate-row")[0] ?? row).getAllByRole("link").length).toBeGreaterThan(0);
  });

  it("shows the nearest misses apart, with what each lacks, when nobody matches", () => {
    const miss = candidate(7, { matched: false });
    miss.conditions = miss.conditions.map((c) => (c.key === "location" ? { ...c, met: false, value: null, evidence: [] } : c));
    renderWithViewer(answer(0, { near_misses: [miss] }));
    expect(screen.queryByRole("table")).toBeNull();
    const section = screen.getByRole("region", { name: "Nearest misses — not matches" });
    expect(within(section).getByText("Candidate 07")).toBeInTheDocument();
    expect(within(section).getByText("Lacks:").parentElement).toHaveTextContent("Lacks: Berlin");
  });
});

describe("Shortlist: comparing candidates", () => {
  function stubProfiles() {
    const fetchMock = vi.fn((input: string) => {
      const id = input.split("/").pop() ?? "";
      return Promise.resolve(jsonResponse(profile(id, id === "cv-001" ? "Candidate 01" : "Candidate 03")));
    });
    vi.stubGlobal("fetch", fetchMock);
    return fetchMock;
  }

  it("compares 2 to 4 selected rows side by side, every cell citing its page", async () => {
    const fetchMock = stubProfiles();
    const open = renderWithViewer(answer(6));
    const compare = screen.getByRole("button", { name: /^Compare/ });
    expect(compare).toBeDisabled();
    await userEvent.click(screen.getByRole("checkbox", { name: "Select Candidate 01 to compare" }));
    expect(compare).toBeDisabled();
    await userEvent.click(screen.getByRole("checkbox", { name: "Select Candidate 03 to compare" }));
    expect(compare).toBeEnabled();
    for (const n of [4, 5]) await userEvent.click(screen.getByRole("checkbox", { name: `Select Candidate 0${n} to compare` }));
    expect(screen.getByRole("checkbox", { name: "Select Candidate 06 to compare" })).toBeDisabled();
    for (const n of [4, 5]) await userEvent.click(screen.getByRole("checkbox", { name: `Select Candidate 0${n} to compare` }));
    await userEvent.click(compare);

    const matrix = await screen.findByRole("region", { name: "Comparison: Candidate 01 · Candidate 03" });
    expect(screen.getByRole("heading", { name: "Comparison: Candidate 01 · Candidate 03" })).toHaveFocus();
    expect(fetchMock.mock.calls.map(([url]) => url)).toEqual(["/api/candidates/cv-001", "/api/candidates/cv-003"]);
    expect(within(matrix).getAllByTestId("compare-column").map((th) => th.textContent)).toEqual([
      "Candidate 01Platform engineerMadrid, Spain",
      "Candidate 03Platform engineerMadrid, Spain",
    ]);
    const rows = within(matrix).getAllByRole("rowheader").map((th) => th.textContent);
    expect(rows).toEqual(["Skills", "Languages", "Years of experience", "Employers", "Education", "Certifications"]);
    await userEvent.click(within(matrix).getByRole("button", { name: "Kubernetes p. 2, Candidate 03's CV (all have it)" }));
    expect(open).toHaveBeenCalledWith({ cvId: "cv-003", name: "Candidate 03", page: 2, snippet: "Kubernetes migration" });
    await userEvent.click(within(matrix).getByRole("button", { name: "Close comparison" }));
    expect(screen.queryByTestId("compare-matrix")).toBeNull();
  });

  it("renders the comparison at once for a compare answer", async () => {
    stubProfiles();
    renderWithViewer(answer(2, { answer_kind: "compare", query: { names: ["Ana", "Luis"], operation: "compare" } }));
    expect(screen.queryByTestId("candidate-table")).toBeNull();
    expect(await screen.findByRole("heading", { name: /^Comparison: / })).toBeInTheDocument();
    expect(screen.getAllByTestId("compare-column")).toHaveLength(2);
    expect(screen.getAllByTestId("fact-page").length).toBeGreaterThan(4);
  });

  it("says so when a profile cannot be loaded", async () => {
    vi.stubGlobal("fetch", vi.fn(() => Promise.resolve(jsonResponse({ detail: "unknown candidate" }, 404))));
    renderWithViewer(answer(2, { answer_kind: "compare" }));
    expect(await screen.findByRole("alert")).toHaveTextContent("no longer in the corpus");
  });
});
