import { describe, expect, it, vi } from "vitest";
import { onUnauthorized } from "../api/client";
import type { RunEvent } from "../api/types";
import { frame, finishedRun, jsonResponse, sseResponse } from "../test/sse";
import { type Connection } from "./runReducer";
import { followRun } from "./runStream";

function harness(responses: (Response | Error)[]) {
  const received: RunEvent[] = [];
  const connections: Connection[] = [];
  const requests: { url: string; lastEventId: string | null }[] = [];
  let lastSeq = 0;
  const fetchImpl = vi.fn((input: string, init?: RequestInit) => {
    const headers = new Headers(init?.headers);
    requests.push({ url: input, lastEventId: headers.get("Last-Event-ID") });
    const next = responses.shift();
    if (!next) return Promise.reject(new Error("no more responses"));
    return next instanceof Error ? Promise.reject(next) : Promise.resolve(next);
  });
  const fatal: string[] = [];
  const controller = new AbortController();
  const run = followRun({
    runId: "r1",
    signal: controller.signal,
    lastSeq: () => lastSeq,
    onEvent(event) {
      received.push(event);
      lastSeq = event.seq;
    },
    onConnection(connection) {
      connections.push(connection);
    },
    onFatal(message) {
      fatal.push(message);
    },
    fetchImpl: fetchImpl as unknown as typeof fetch,
    backoff: () => 1,
  });
  return { run, received, connections, requests, fatal, controller };
}

describe("followRun", () => {
  it("reads a run to its terminal state in one connection", async () => {
    const events = finishedRun(["You asked:", " hi"]);
    const h = harness([sseResponse(["retry: 1000\n\n", ": ping\n\n", ...events.map(frame)])]);
    await h.run;
    expect(h.received).toEqual(events);
    expect(h.requests).toEqual([{ url: "/api/runs/r1/events", lastEventId: null }]);
    expect(h.connections.at(-1)).toBe("closed");
  });

  it("resumes after a cut mid-frame from the last complete event, losing and repeating nothing", async () => {
    const events = finishedRun(["one", " two", " three", " four"]);
    const firstPart = events.slice(0, 4).map(frame).join("");
    const fourth = frame(events[4] as RunEvent);
    // The connection dies after the `id:` line of event 5: that event was not received.
    const cut = firstPart + fourth.slice(0, fourth.indexOf("data:"));
    const h = harness([
      sseResponse([cut]),
      new TypeError("network error"),
      sseResponse(events.slice(4).map(frame)),
    ]);
    await h.run;
    expect(h.received.map((e) => e.seq)).toEqual(events.map((e) => e.seq));
    expect(h.requests.map((r) => r.lastEventId)).toEqual([null, "4", "4"]);
    expect(h.connections).toContain("reconnecting");
    const text = h.received.flatMap((e) => (e.type === "token" ? [e.data.text] : [])).join("");
    expect(text).toBe("one two three four");
  });

  it("gives up at once on an unknown run", async () => {
    const h = harness([jsonResponse({ detail: "no such run" }, 404)]);
    await h.run;
    expect(h.fatal).toEqual(["This run no longer exists."]);
    expect(h.requests).toHaveLength(1);
  });

  it("stops on a 204: the run has ended and nothing follows the cursor", async () => {
    const h = harness([new Response(null, { status: 204 }), sseResponse(finishedRun(["never"]).map(frame))]);
    await h.run;
    expect(h.requests).toHaveLength(1);
    expect(h.received).toEqual([]);
    expect(h.fatal).toEqual([]);
    expect(h.connections.at(-1)).toBe("closed");
  });

  it("gives up on a 401 and tells the app the session is gone", async () => {
    const listener = vi.fn();
    const off = onUnauthorized(listener);
    const h = harness([jsonResponse({ detail: "sign in" }, 401)]);
    await h.run;
    off();
    expect(h.fatal).toEqual(["You are signed out."]);
    expect(listener).toHaveBeenCalledTimes(1);
    expect(h.requests).toHaveLength(1);
  });

  it("retries server errors with backoff", async () => {
    const events = finishedRun(["ok"]);
    const h = harness([jsonResponse({ detail: "boom" }, 503), sseResponse(events.map(frame))]);
    await h.run;
    expect(h.received).toEqual(events);
    expect(h.requests).toHaveLength(2);
  });

  it("stops when aborted", async () => {
    const h = harness([new TypeError("offline"), new TypeError("offline"), new TypeError("offline")]);
    h.controller.abort();
    await h.run;
    expect(h.received).toEqual([]);
  });
});
