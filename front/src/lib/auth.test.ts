import { afterEach, describe, expect, it, vi } from "vitest";
import { api, onUnauthorized } from "../api/client";
import { jsonResponse } from "../test/sse";
import { checkSession, signInWithToken, signOut, stateOf } from "./auth";

const ANN = { auth_mode: "token", user_id: "a".repeat(32), name: "Ann" } as const;

function stubFetch(...responses: (Response | Error)[]) {
  const mock = vi.fn<(input: string, init?: RequestInit) => Promise<Response>>(() => {
    const next = responses.shift();
    if (!next) return Promise.reject(new Error("no more responses"));
    return next instanceof Error ? Promise.reject(next) : Promise.resolve(next);
  });
  vi.stubGlobal("fetch", mock);
  return mock;
}

afterEach(() => {
  vi.unstubAllGlobals();
});

describe("session state", () => {
  it("maps the server's answer", () => {
    expect(stateOf({ auth_mode: "none", user_id: null, name: null, is_admin: true })).toEqual({ kind: "open", isAdmin: true });
    expect(stateOf(ANN)).toEqual({ kind: "signed-in", user: { user_id: ANN.user_id, name: "Ann" }, isAdmin: false });
    expect(stateOf({ ...ANN, is_admin: true })).toEqual({
      kind: "signed-in",
      user: { user_id: ANN.user_id, name: "Ann" },
      isAdmin: true,
    });
    expect(stateOf({ auth_mode: "token", user_id: null, name: null })).toEqual({ kind: "signed-out", notice: null });
  });

  it("reads everyone as admin in auth mode none, also from a server that does not say so", () => {
    expect(stateOf({ auth_mode: "none", user_id: null, name: null })).toEqual({ kind: "open", isAdmin: true });
  });

  it("checks GET /api/session with the cookie, and reads 401 as signed out", async () => {
    const mock = stubFetch(jsonResponse(ANN), jsonResponse({ detail: "sign in" }, 401));
    expect(await checkSession()).toEqual({ kind: "signed-in", user: { user_id: ANN.user_id, name: "Ann" }, isAdmin: false });
    expect(mock).toHaveBeenCalledWith("/api/session", expect.objectContaining({ credentials: "same-origin" }));
    expect(await checkSession()).toEqual({ kind: "signed-out", notice: null });
  });

  it("keeps today's flow when the server has no session API, and reports an unreachable server", async () => {
    stubFetch(jsonResponse({ detail: "Not Found" }, 404), new TypeError("Failed to fetch"));
    expect(await checkSession()).toEqual({ kind: "open", isAdmin: false });
    expect(await checkSession()).toEqual({ kind: "unreachable", message: "The server could not be reached." });
  });
});

describe("sign in and out", () => {
  it("posts the trimmed token in the body, never in the URL", async () => {
    const mock = stubFetch(jsonResponse(ANN));
    const outcome = await signInWithToken("  secret-token\n");
    expect(outcome).toEqual({ state: { kind: "signed-in", user: { user_id: ANN.user_id, name: "Ann" }, isAdmin: false } });
    const [url, init] = mock.mock.calls[0] ?? [];
    expect(url).toBe("/api/session");
    expect(init?.method).toBe("POST");
    expect(init?.body).toBe('{"token":"secret-token"}');
  });

  it("turns a refused token into a message, without calling the global 401 listeners", async () => {
    stubFetch(jsonResponse({ detail: "invalid token" }, 401));
    const listener = vi.fn();
    const off = onUnauthorized(listener);
    expect(await signInWithToken("nope")).toEqual({
      error: "This token is not valid: it may be mistyped, expired or revoked.",
    });
    expect(listener).not.toHaveBeenCalled();
    off();
  });

  it("does not ask the server for an empty token", async () => {
    const mock = stubFetch();
    expect(await signInWithToken("   ")).toEqual({ error: "Paste your access token." });
    expect(mock).not.toHaveBeenCalled();
  });

  it("signs out with DELETE /api/session", async () => {
    const mock = stubFetch(new Response(null, { status: 204 }), new TypeError("offline"));
    expect(await signOut()).toBeNull();
    expect(mock).toHaveBeenCalledWith("/api/session", expect.objectContaining({ method: "DELETE" }));
    expect(await signOut()).toMatch(/may still be signed in/);
  });

  it("tells every listener when another call is answered 401", async () => {
    stubFetch(jsonResponse({ detail: "sign in" }, 401), jsonResponse({ detail: "nope" }, 404));
    const listener = vi.fn();
    const off = onUnauthorized(listener);
    await expect(api.getRun("r1")).rejects.toMatchObject({ status: 401 });
    expect(listener).toHaveBeenCalledTimes(1);
    await expect(api.getRun("r1")).rejects.toMatchObject({ status: 404 });
    expect(listener).toHaveBeenCalledTimes(1);
    off();
  });
});
