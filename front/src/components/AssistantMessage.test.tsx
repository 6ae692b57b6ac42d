import { render, screen, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it, vi } from "vitest";
import type { Source } from "../api/types";
import { answer, QUERY } from "../shortlist/fixtures";
import { EvidenceViewerContext, type OpenEvidence } from "../viewer/evidence";
import { AssistantMessage, type AssistantView } from "./AssistantMessage";

const source: Source = {
  cv_id: "cv-001",
  name: "Ana Gómez",
  headline: "Platform engineer",
  file: "cv-001.pdf",
  page: 2,
  snippet: "Led the Kubernetes migration of 40 services",
  score: 0.0325,
  url: "/api/cvs/cv-001/pdf",
  citations: [3],
};

function view(overrides: Partial<AssistantView>): AssistantView {
  return {
    runKey: "r1",
    text: "",
    status: "running",
    finished: false,
    tool: null,
    sources: [],
    error: null,
    connection: "open",
    attempt: 0,
    ...overrides,
  };
}

describe("AssistantMessage", () => {
  it("renders markdown but never raw HTML", () => {
    const { container } = render(
      <AssistantMessage view={view({ text: "**Ana** leads.\n\n<img src=x onerror=alert(1)>" })} />,
    );
    expect(screen.getByText("Ana").tagName).toBe("STRONG");
    expect(container.querySelector("img")).toBeNull();
  });

  it("says it is searching the CVs while the tool runs", () => {
    render(<AssistantMessage view={view({ tool: { tool: "rag.search", input: { query: "kubernetes" } } })} />);
    expect(screen.getByRole("status")).toHaveTextContent("Searching CVs… “kubernetes”");
  });

  it("says it checks every CV while an exact query runs", () => {
    const input = { question: "Who speaks German?", query: { languages: [{ code: "de" }], operation: "list" } };
    render(<AssistantMessage view={view({ tool: { tool: "profiles.query", input } })} />);
    expect(screen.getByRole("status")).toHaveTextContent("Checking every CV… “Who speaks German?”");
  });

  it("shows a reconnecting notice while the stream is down", () => {
    render(<AssistantMessage view={view({ text: "Half", connection: "reconnecting", attempt: 2 })} />);
    expect(screen.getByRole("status")).toHaveTextContent(/reconnecting \(attempt 2\)/);
  });

  it("marks a stopped run and keeps its partial text", () => {
    render(<AssistantMessage view={view({ text: "Partial answer", status: "canceled", finished: true })} />);
    expect(screen.getByText("Partial answer")).toBeInTheDocument();
    expect(screen.getByText("Stopped")).toBeInTheDocument();
  });

  it("shows an error with a retry action", async () => {
    const onRetry = vi.fn();
    render(
      <AssistantMessage view={view({ status: "error", finished: true, error: "the model timed out" })} onRetry={onRetry} />,
    );
    const alert = screen.getByRole("alert");
    expect(alert).toHaveTextContent("the model timed out");
    await userEvent.click(within(alert).getByRole("button", { name: "Retry" }));
    expect(onRetry).toHaveBeenCalledOnce();
  });

  it("lists sources as cards that open the PDF at the cited page, linked from citations", () => {
    render(
      <AssistantMessage
        view={view({ text: "Ana led it [3].", status: "done", finished: true, sources: [source] })}
      />,
    );
    const card = screen.getByRole("link", { name: /^1\s*Ana Gómez\s*Platform engineer.*page 2/ });
    expect(card).toHaveAttribute("href", "/api/cvs/cv-001/pdf#page=2");
    expect(card).toHaveAttribute("target", "_blank");
    expect(card).toHaveTextContent("Led the Kubernetes migration of 40 services");
    expect(card).toHaveTextContent("score 0.033");
    const citation = screen.getByRole("link", { name: "Source 1" });
    expect(citation).toHaveAttribute("href", `#${card.id}`);
    expect(screen.getByRole("button", { name: "Copy answer" })).toBeInTheDocument();
  });

  it("opens a citation in the evidence viewer at its page and words, unless its CV is gone", async () => {
    const open = vi.fn<OpenEvidence>();
    const removed: Source = { ...source, cv_id: "cv-002", name: "Bo Lind", removed: true, citations: [4] };
    render(
      <EvidenceViewerContext value={open}>
        <AssistantMessage
          view={view({ text: "Ana led it [3]; Bo too [4].", status: "done", finished: true, sources: [source, removed] })}
        />
      </EvidenceViewerContext>,
    );
    await userEvent.click(screen.getByRole("link", { name: "Source 1" }));
    expect(open).toHaveBeenCalledExactlyOnceWith({
      cvId: "cv-001",
      name: "Ana Gómez",
      page: 2,
      snippet: "Led the Kubernetes migration of 40 services",
    });
    const scrolled = vi.fn();
    Element.prototype.scrollIntoView = scrolled; // jsdom does no layout
    await userEvent.click(screen.getByRole("link", { name: "Source 2" }));
    expect(open).toHaveBeenCalledTimes(1); // the removed CV's card is shown instead
    expect(scrolled).toHaveBeenCalledTimes(1);
    expect(screen.getByRole("group", { name: "Source 2: CV removed" })).toHaveFocus();
    Reflect.deleteProperty(Element.prototype, "scrollIntoView");
  });

  it("shows an exact answer's evidence without a retrieval score", () => {
    const evidence: Source = { ...source, score: undefined, snippet: "Español (nativo)" };
    render(
      <AssistantMessage
        view={view({ text: "Ana — Spanish [3]", status: "done", finished: true, sources: [evidence] })}
      />,
    );
    const card = screen.getByRole("link", { name: /^1\s*Ana Gómez/ });
    expect(card).toHaveTextContent("Español (nativo)");
    expect(card).not.toHaveTextContent("score");
  });

  it("shows an exact answer's filters while it runs, waiting to be changed", () => {
    render(
      <AssistantMessage
        view={view({ tool: { tool: "profiles.query", input: { question: "Who…?", query: QUERY } }, query: QUERY })}
        onRequery={vi.fn()}
      />,
    );
    expect(screen.getByRole("list", { name: "Filters of this answer" })).toHaveTextContent("Spanish ≥ B2");
    expect(screen.getByRole("button", { name: "Remove Kubernetes" })).toBeDisabled();
  });

  it("shows the chips above the text and the table under it, and re-asks without a chip", async () => {
    const onRequery = vi.fn();
    render(
      <AssistantMessage
        view={view({ text: "3 candidates meet every condition", status: "done", finished: true, answer: answer(3), query: QUERY })}
        onRequery={onRequery}
      />,
    );
    const chips = screen.getByTestId("filter-chips");
    const text = screen.getByTestId("answer-text");
    const table = screen.getByRole("table");
    expect(chips.compareDocumentPosition(text) & Node.DOCUMENT_POSITION_FOLLOWING).toBeTruthy();
    expect(text.compareDocumentPosition(table) & Node.DOCUMENT_POSITION_FOLLOWING).toBeTruthy();
    expect(within(table).getAllByTestId("candidate-row")).toHaveLength(3);
    await userEvent.click(screen.getByRole("button", { name: "Remove Berlin" }));
    expect(onRequery).toHaveBeenCalledWith({
      skills_all: ["Kubernetes"],
      languages: [{ code: "es", min_level: "B2" }],
      min_years: 5,
      operation: "list",
    });
  });

  it("has no chips or table for an open answer, nor chips for a compare answer", () => {
    const { rerender } = render(<AssistantMessage view={view({ text: "Ana [3].", status: "done", finished: true })} />);
    expect(screen.queryByTestId("filter-chips")).toBeNull();
    expect(screen.queryByRole("table")).toBeNull();
    const compare = answer(0, { answer_kind: "compare", query: { names: ["Ana", "Luis"], operation: "compare" } });
    rerender(<AssistantMessage view={view({ text: "Profile of Ana", status: "done", finished: true, answer: compare })} />);
    expect(screen.queryByTestId("filter-chips")).toBeNull();
  });
});
