import { render, screen } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it, vi } from "vitest";
import { Composer } from "./Composer";

describe("Composer", () => {
  it("sends on Enter, breaks the line on Shift+Enter, and clears when accepted", async () => {
    const onSend = vi.fn(() => Promise.resolve(true));
    render(<Composer running={false} onSend={onSend} onStop={vi.fn()} />);
    const box = screen.getByLabelText("Ask about the CVs");
    await userEvent.type(box, "first line{Shift>}{Enter}{/Shift}second");
    expect(onSend).not.toHaveBeenCalled();
    expect(box).toHaveValue("first line\nsecond");
    await userEvent.type(box, "{Enter}");
    expect(onSend).toHaveBeenCalledWith("first line\nsecond");
    expect(box).toHaveValue("");
  });

  it("keeps the text when the message was refused", async () => {
    render(<Composer running={false} onSend={() => Promise.resolve(false)} onStop={vi.fn()} />);
    const box = screen.getByLabelText("Ask about the CVs");
    await userEvent.type(box, "hello{Enter}");
    expect(box).toHaveValue("hello");
  });

  it("offers Stop instead of Send while a run is active", async () => {
    const onSend = vi.fn(() => Promise.resolve(true));
    const onStop = vi.fn();
    render(<Composer running onSend={onSend} onStop={onStop} />);
    await userEvent.type(screen.getByLabelText("Ask about the CVs"), "next question{Enter}");
    expect(onSend).not.toHaveBeenCalled();
    expect(screen.queryByRole("button", { name: "Send" })).toBeNull();
    await userEvent.click(screen.getByRole("button", { name: "Stop generating" }));
    expect(onStop).toHaveBeenCalledOnce();
  });
});
