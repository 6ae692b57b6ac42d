import { render, screen, within } from "@testing-library/react";
import { describe, expect, it } from "vitest";
import type { Source } from "../api/types";
import { nth } from "../test/nth";
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
});
