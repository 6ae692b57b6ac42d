import { render, screen } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it, vi } from "vitest";
import { SignIn } from "./SignIn";

const TOKEN = "cvc_0123456789abcdef0123456789abcdef";

describe("SignIn", () => {
  it("sends the pasted token once, then clears the field", async () => {
    const onSignIn = vi.fn(() => Promise.resolve(null));
    render(<SignIn onSignIn={onSignIn} />);
    const field = screen.getByLabelText("Access token");
    expect(field).toHaveAttribute("type", "password");
    await userEvent.type(field, `  ${TOKEN} {Enter}`);
    expect(onSignIn).toHaveBeenCalledTimes(1);
    expect(onSignIn).toHaveBeenCalledWith(`  ${TOKEN} `);
    expect(field).toHaveValue("");
  });

  it("shows why a token was refused and lets the person try again", async () => {
    const onSignIn = vi
      .fn<(token: string) => Promise<string | null>>()
      .mockResolvedValueOnce("This token is not valid: it may be mistyped, expired or revoked.")
      .mockResolvedValueOnce(null);
    render(<SignIn onSignIn={onSignIn} />);
    await userEvent.type(screen.getByLabelText("Access token"), "wrong{Enter}");
    expect(await screen.findByRole("alert")).toHaveTextContent("This token is not valid");
    await userEvent.type(screen.getByLabelText("Access token"), TOKEN);
    expect(screen.queryByRole("alert")).not.toBeInTheDocument(); // typing clears the error
    await userEvent.click(screen.getByRole("button", { name: "Sign in" }));
    expect(onSignIn).toHaveBeenLastCalledWith(TOKEN);
  });

  it("does not submit an empty token", async () => {
    const onSignIn = vi.fn(() => Promise.resolve(null));
    render(<SignIn onSignIn={onSignIn} />);
    expect(screen.getByRole("button", { name: "Sign in" })).toBeDisabled();
    await userEvent.type(screen.getByLabelText("Access token"), "   {Enter}");
    expect(onSignIn).not.toHaveBeenCalled();
  });

  it("keeps the token out of any URL and of form data", () => {
    render(<SignIn onSignIn={() => Promise.resolve(null)} />);
    const field = screen.getByLabelText("Access token");
    const form = field.closest("form");
    // Without script a form would submit: it posts (no query string) and the field has no name.
    expect(form).toHaveAttribute("method", "post");
    expect(field).not.toHaveAttribute("name");
    expect(field).toHaveAttribute("autocomplete", "off");
  });

  it("says why it is shown again after a session ended", () => {
    render(<SignIn onSignIn={() => Promise.resolve(null)} notice="Your session has ended." />);
    expect(screen.getByRole("status")).toHaveTextContent("Your session has ended.");
  });
});
