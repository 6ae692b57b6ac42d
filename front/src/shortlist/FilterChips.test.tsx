import { render, screen } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it, vi } from "vitest";
import type { CandidateQuery } from "../api/types";
import { QUERY } from "./fixtures";
import { FilterChips } from "./FilterChips";

function setup(query: CandidateQuery = QUERY, disabled = false) {
  const onApply = vi.fn<(query: CandidateQuery) => void>();
  render(<FilterChips query={query} onApply={onApply} disabled={disabled} />);
  return onApply;
}

describe("FilterChips", () => {
  it("shows one chip per condition, each removable", async () => {
    const onApply = setup();
    const list = screen.getByRole("list", { name: "Filters of this answer" });
    expect(list).toHaveTextContent("Kubernetes");
    for (const label of ["Kubernetes", "Spanish ≥ B2", "Berlin", "≥ 5 years"]) {
      expect(screen.getByRole("button", { name: `Remove ${label}` })).toBeInTheDocument();
    }
    await userEvent.click(screen.getByRole("button", { name: "Remove Kubernetes" }));
    expect(onApply).toHaveBeenCalledWith({
      languages: [{ code: "es", min_level: "B2" }],
      location: "Berlin",
      min_years: 5,
      operation: "list",
    });
  });

  it("edits a language's level with a select", async () => {
    const onApply = setup();
    await userEvent.click(screen.getByRole("button", { name: "Edit Spanish ≥ B2" }));
    const level = screen.getByLabelText("Spanish level");
    expect(level).toHaveFocus();
    expect(level).toHaveValue("B2");
    expect([...(level as HTMLSelectElement).options].map((o) => o.text)).toEqual(["any", "A1", "A2", "B1", "B2", "C1", "C2", "native"]);
    await userEvent.selectOptions(level, "C1");
    await userEvent.click(screen.getByRole("button", { name: "Apply" }));
    expect(onApply).toHaveBeenCalledWith(expect.objectContaining({ languages: [{ code: "es", min_level: "C1" }] }));
  });

  it("edits years with a number and refuses a negative one", async () => {
    const onApply = setup();
    await userEvent.click(screen.getByRole("button", { name: "Edit ≥ 5 years" }));
    const years = screen.getByLabelText("Minimum years of experience");
    await userEvent.clear(years);
    await userEvent.type(years, "-2{Enter}");
    expect(screen.getByRole("alert")).toHaveTextContent("between 0 and 80");
    expect(onApply).not.toHaveBeenCalled();
    await userEvent.clear(years);
    await userEvent.type(years, "8{Enter}");
    expect(onApply).toHaveBeenCalledWith(expect.objectContaining({ min_years: 8 }));
  });

  it("edits a text filter from the keyboard, and Escape gives focus back to the chip", async () => {
    const onApply = setup();
    const chip = screen.getByRole("button", { name: "Edit Berlin" });
    chip.focus();
    await userEvent.keyboard("{Enter}");
    const field = screen.getByLabelText("Location");
    expect(field).toHaveFocus();
    await userEvent.keyboard("{Escape}");
    expect(screen.queryByLabelText("Location")).toBeNull();
    expect(screen.getByRole("button", { name: "Edit Berlin" })).toHaveFocus();
    await userEvent.keyboard("{Enter}");
    await userEvent.clear(screen.getByLabelText("Location"));
    await userEvent.keyboard("Madrid{Enter}");
    expect(onApply).toHaveBeenCalledWith(expect.objectContaining({ location: "Madrid" }));
  });

  it("waits while an answer is on its way", () => {
    setup(QUERY, true);
    expect(screen.getByRole("button", { name: "Remove Kubernetes" })).toBeDisabled();
    expect(screen.getByText(/once the answer is complete/)).toBeInTheDocument();
  });

  it("is read-only without a thread to ask in, and absent without filters", () => {
    const { rerender } = render(<FilterChips query={QUERY} />);
    expect(screen.getByText("Kubernetes")).toBeInTheDocument();
    expect(screen.queryByRole("button")).toBeNull();
    rerender(<FilterChips query={{ operation: "list" }} />);
    expect(screen.queryByTestId("filter-chips")).toBeNull();
  });
});
