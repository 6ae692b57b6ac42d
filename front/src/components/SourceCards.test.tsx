import { fireEvent, render, screen, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it, vi } from "vitest";
import type { Source } from "../api/types";
import { nth } from "../test/nth";
import { EvidenceViewerContext, type OpenEvidence } from "../viewer/evidence";
import { SourceCards } from "./SourceCards";

const ana: Source = {
  cv_id: "ana",
  name: "Ana Gómez",
  headline: "Platform engineer",
  file: "ana.pdf",
  page: 2,
  snippet: "Led the Kubernetes migration of 40 services",
  score: 0.03,
  url: "/api/cvs/ana/pdf",
  citations: [1],
};

/** Whether the page handled a click on `element` (its default prevented); jsdom never navigates. */
function clickHandled(element: HTMLElement, init: MouseEventInit = {}): boolean {
  let handled = false;
  const after = (event: Event): void => {
    handled = event.defaultPrevented;
    event.preventDefault();
  };
  window.addEventListener("click", after);
  element.dispatchEvent(new MouseEvent("click", { bubbles: true, cancelable: true, button: 0, ...init }));
  window.removeEventListener("click", after);
  return handled;
}

describe("SourceCards", () => {
  it("links a source to its CV's PDF at the cited page", () => {
    render(<SourceCards sources={[ana]} runKey="r1" />);
    const card = screen.getByTestId("source-card");
    expect(card.tagName).toBe("A");
    expect(card).toHaveAttribute("href", "/api/cvs/ana/pdf#page=2");
  });

  it("says when the CV was removed, keeps the quoted text, and links to no PDF", () => {
    const { container } = render(
      <SourceCards sources={[{ ...ana, removed: true }, { ...ana, cv_id: "bob", name: "Bob", url: "/api/cvs/bob/pdf", removed: false }]} runKey="r1" />,
    );
    const cards = screen.getAllByTestId("source-card");
    const removed = nth(cards, 0);
    const kept = nth(cards, 1);
    expect(removed.tagName).toBe("DIV");
    expect(removed).toHaveAttribute("id", "source-r1-1"); // citation markers still land on it
    expect(within(removed).getByText("CV removed")).toBeInTheDocument();
    expect(within(removed).getByText(/Led the Kubernetes migration/)).toBeInTheDocument();
    expect(within(removed).queryByText(/score/)).not.toBeInTheDocument();
    expect(container.querySelectorAll("a[href*='/api/cvs/ana']")).toHaveLength(0);
    expect(kept.tagName).toBe("A");
  });

  it("opens the evidence viewer at the card's page and snippet when one is mounted", async () => {
    const open = vi.fn<OpenEvidence>();
    render(
      <EvidenceViewerContext value={open}>
        <SourceCards sources={[ana]} runKey="r1" />
      </EvidenceViewerContext>,
    );
    const card = screen.getByTestId("source-card");
    // Still a link to the PDF: a new tab stays one middle click (or Ctrl/⌘-click) away.
    expect(card).toHaveAttribute("href", "/api/cvs/ana/pdf#page=2");
    // Named by what it shows, so a speech user can say it (WCAG 2.5.3).
    expect(card).toHaveAccessibleName(/^1\s*Ana Gómez.*page 2/);
    expect(card).toHaveAttribute("aria-haspopup", "dialog");
    await userEvent.click(card);
    expect(open).toHaveBeenCalledExactlyOnceWith({
      cvId: "ana",
      name: "Ana Gómez",
      page: 2,
      snippet: "Led the Kubernetes migration of 40 services",
    });
    expect(card).toHaveFocus(); // where focus returns when the viewer closes
  });

  it("leaves modified and middle clicks to the browser (a new tab)", () => {
    const open = vi.fn<OpenEvidence>();
    render(
      <EvidenceViewerContext value={open}>
        <SourceCards sources={[ana]} runKey="r1" />
      </EvidenceViewerContext>,
    );
    const card = screen.getByTestId("source-card");
    for (const init of [{ ctrlKey: true }, { metaKey: true }, { shiftKey: true }, { button: 1 }]) {
      expect(clickHandled(card, init)).toBe(false);
    }
    expect(open).not.toHaveBeenCalled();
    expect(clickHandled(card)).toBe(true);
    expect(open).toHaveBeenCalledTimes(1);
  });

  it("without a viewer, the card is a plain link to the PDF", () => {
    render(<SourceCards sources={[ana]} runKey="r1" />);
    const card = screen.getByTestId("source-card");
    expect(card).toHaveAccessibleName(/^1\s*Ana Gómez.*page 2/);
    expect(card).not.toHaveAttribute("aria-haspopup");
    expect(clickHandled(card)).toBe(false); // the browser follows the link
  });

  it("never offers a removed CV to the viewer", () => {
    const open = vi.fn<OpenEvidence>();
    render(
      <EvidenceViewerContext value={open}>
        <SourceCards sources={[{ ...ana, removed: true }]} runKey="r1" />
      </EvidenceViewerContext>,
    );
    const card = screen.getByTestId("source-card");
    expect(card.tagName).toBe("DIV");
    fireEvent.click(card);
    expect(open).not.toHaveBeenCalled();
  });
});
