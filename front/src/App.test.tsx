import { act, render, screen } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { App } from "./App";
import { jsonResponse } from "./test/sse";
import { FakeXhr } from "./test/xhr";

const ANN_ID = "a".repeat(32);
const SIGNED_IN = { auth_mode: "token", user_id: ANN_ID, name: "Ann" };

type Route = (init: RequestInit | undefined) => Response;

/** A fake server: one handler per "METHOD path"; records every request. */
function serve(routes: Record<string, Route>) {
  const calls: { key: string; init: RequestInit | undefined }[] = [];
  const mock = vi.fn((input: string, init?: RequestInit) => {
    const key = `${init?.method ?? "GET"} ${input}`;
    calls.push({ key, init });
    const route = routes[key];
    return Promise.resolve(route ? route(init) : jsonResponse({ detail: "Not Found" }, 404));
  });
  vi.stubGlobal("fetch", mock);
  return calls;
}

beforeEach(() => {
  window.localStorage.clear();
  FakeXhr.reset();
  vi.stubGlobal("XMLHttpRequest", FakeXhr);
});

afterEach(() => {
  vi.unstubAllGlobals();
});

describe("App in token mode", () => {
  it("signs in with a token, then signs out", async () => {
    let signedIn = false;
    const calls = serve({
      "GET /api/session": () => (signedIn ? jsonResponse(SIGNED_IN) : jsonResponse({ detail: "sign in" }, 401)),
      "POST /api/session": (init) => {
        signedIn = init?.body === '{"token":"good-token"}';
        return signedIn ? jsonResponse(SIGNED_IN) : jsonResponse({ detail: "invalid token" }, 401);
      },
      "DELETE /api/session": () => {
        signedIn = false;
        return new Response(null, { status: 204 });
      },
      [`GET /api/users/${ANN_ID}/threads`]: () => jsonResponse([]),
    });
    render(<App />);
    const field = await screen.findByLabelText("Access token");
    await userEvent.type(field, "bad-token{Enter}");
    expect(await screen.findByRole("alert")).toHaveTextContent("This token is not valid");

    await userEvent.type(screen.getByLabelText("Access token"), "good-token{Enter}");
    expect(await screen.findByLabelText("Ask about the CVs")).toBeInTheDocument();
    expect(screen.getAllByText("Ann").length).toBeGreaterThan(0);
    // Neither the token nor the user is kept by the page.
    expect(window.localStorage.length).toBe(0);
    expect(calls.some((c) => c.key.includes("good-token"))).toBe(false);

    await userEvent.click(screen.getAllByRole("button", { name: "Sign out" })[0] as HTMLElement);
    expect(await screen.findByLabelText("Access token")).toBeInTheDocument();
    expect(calls.map((c) => c.key)).toContain("DELETE /api/session");
  });

  it("goes back to the sign-in form when a later call is answered 401", async () => {
    let threadCalls = 0;
    serve({
      "GET /api/session": () => jsonResponse(SIGNED_IN),
      [`GET /api/users/${ANN_ID}/threads`]: () => {
        threadCalls += 1;
        return threadCalls === 1 ? jsonResponse([]) : jsonResponse({ detail: "session expired" }, 401);
      },
      "POST /api/threads": () => jsonResponse({ detail: "session expired" }, 401),
    });
    render(<App />);
    const box = await screen.findByLabelText("Ask about the CVs");
    await userEvent.type(box, "Who speaks Spanish?{Enter}");
    expect(await screen.findByLabelText("Access token")).toBeInTheDocument();
    expect(screen.getByRole("status")).toHaveTextContent("Your session has ended");
  });
});

describe("the Corpus page", () => {
  it("is not offered to a user who is not an admin, even through its URL", async () => {
    window.history.replaceState(null, "", "/?view=corpus");
    const calls = serve({
      "GET /api/session": () => jsonResponse({ ...SIGNED_IN, is_admin: false }),
      [`GET /api/users/${ANN_ID}/threads`]: () => jsonResponse([]),
    });
    render(<App />);
    expect(await screen.findByLabelText("Ask about the CVs")).toBeInTheDocument();
    expect(screen.queryByRole("link", { name: "Corpus" })).not.toBeInTheDocument();
    expect(calls.map((c) => c.key)).not.toContain("GET /api/cvs");
    window.history.replaceState(null, "", "/");
  });

  it("opens from the sidebar for an admin, and the chat comes back with New chat", async () => {
    serve({
      "GET /api/session": () => jsonResponse({ ...SIGNED_IN, is_admin: true }),
      [`GET /api/users/${ANN_ID}/threads`]: () => jsonResponse([]),
      "GET /api/cvs": () => jsonResponse({ version: null, cvs: [] }),
    });
    render(<App />);
    await screen.findByLabelText("Ask about the CVs");
    await userEvent.click(screen.getAllByRole("link", { name: "Corpus" })[0] as HTMLElement);
    expect(await screen.findByRole("heading", { name: "CVs in the corpus" })).toBeInTheDocument();
    expect(screen.getByRole("button", { name: "Choose files" })).toBeInTheDocument();
    expect(window.location.search).toBe("?view=corpus");
    expect(screen.getAllByRole("link", { name: "Corpus" })[0]).toHaveAttribute("aria-current", "page");
    expect(screen.queryByLabelText("Ask about the CVs")).not.toBeInTheDocument();

    // A file still being sent keeps going while the person is back in the chat.
    await userEvent.upload(screen.getByLabelText("CV files to add"), new File(["%PDF-"], "ana.pdf", { type: "application/pdf" }));
    await userEvent.click(screen.getAllByRole("button", { name: "New chat" })[0] as HTMLElement);
    expect(await screen.findByLabelText("Ask about the CVs")).toBeInTheDocument();
    expect(window.location.search).toBe("");
    act(() => {
      FakeXhr.find("ana.pdf").progress(3, 10);
    });
    await userEvent.click(screen.getAllByRole("link", { name: "Corpus" })[0] as HTMLElement);
    expect(await screen.findByText("Sending… 30%")).toBeInTheDocument();
    expect(FakeXhr.find("ana.pdf").aborted).toBe(false);
    window.history.replaceState(null, "", "/");
  });

  it("is offered to everyone in auth mode none (the local admin)", async () => {
    window.localStorage.setItem("cvchat.user", JSON.stringify({ user_id: ANN_ID, name: "Ann", created_at: "2026-01-01T00:00:00Z" }));
    serve({
      "GET /api/session": () => jsonResponse({ auth_mode: "none", user_id: null, name: null, is_admin: true }),
      [`GET /api/users/${ANN_ID}/threads`]: () => jsonResponse([]),
    });
    render(<App />);
    await screen.findByLabelText("Ask about the CVs");
    expect(screen.getAllByRole("link", { name: "Corpus" }).length).toBeGreaterThan(0);
  });
});

describe("App in auth mode none", () => {
  it("keeps the name gate", async () => {
    const calls = serve({
      "GET /api/session": () => jsonResponse({ auth_mode: "none", user_id: null, name: null }),
    });
    render(<App />);
    expect(await screen.findByLabelText("Your name")).toBeInTheDocument();
    expect(screen.queryByLabelText("Access token")).not.toBeInTheDocument();
    expect(calls.map((c) => c.key)).toEqual(["GET /api/session"]);
  });

  it("offers to try again when the server cannot be reached", async () => {
    let up = false;
    vi.stubGlobal(
      "fetch",
      vi.fn(() =>
        up
          ? Promise.resolve(jsonResponse({ auth_mode: "none", user_id: null, name: null }))
          : Promise.reject(new TypeError("Failed to fetch")),
      ),
    );
    render(<App />);
    expect(await screen.findByRole("alert")).toHaveTextContent("could not be reached");
    up = true;
    await userEvent.click(screen.getByRole("button", { name: "Try again" }));
    expect(await screen.findByLabelText("Your name")).toBeInTheDocument();
  });
});
