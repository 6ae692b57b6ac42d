import { render, screen } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { afterEach, describe, expect, it, vi } from "vitest";
import { jsonResponse } from "../test/sse";
import { NameGate } from "./NameGate";

const ann = { user_id: "a".repeat(32), name: "Ann", created_at: "2026-01-01T00:00:00Z" };

afterEach(() => {
  vi.unstubAllGlobals();
});

describe("NameGate", () => {
  it("creates the user", async () => {
    const fetchMock = vi.fn(() => Promise.resolve(jsonResponse(ann, 201)));
    vi.stubGlobal("fetch", fetchMock);
    const onUser = vi.fn();
    render(<NameGate onUser={onUser} />);
    await userEvent.type(screen.getByLabelText("Your name"), "  Ann {Enter}");
    expect(onUser).toHaveBeenCalledWith(ann);
    expect(fetchMock).toHaveBeenCalledWith("/api/users", expect.objectContaining({ method: "POST", body: '{"name":"Ann"}' }));
  });

  it("says a taken name is taken and offers to continue as that user", async () => {
    const fetchMock = vi
      .fn()
      .mockResolvedValueOnce(jsonResponse({ detail: "the name 'Ann' is taken" }, 409))
      .mockResolvedValueOnce(jsonResponse(ann));
    vi.stubGlobal("fetch", fetchMock);
    const onUser = vi.fn();
    render(<NameGate onUser={onUser} />);
    await userEvent.type(screen.getByLabelText("Your name"), "Ann{Enter}");
    expect(await screen.findByRole("alert")).toHaveTextContent("The name “Ann” is already taken.");
    expect(onUser).not.toHaveBeenCalled();
    await userEvent.click(screen.getByRole("button", { name: "Continue as Ann" }));
    expect(fetchMock).toHaveBeenLastCalledWith("/api/users?name=Ann", expect.anything());
    expect(onUser).toHaveBeenCalledWith(ann);
  });
});
