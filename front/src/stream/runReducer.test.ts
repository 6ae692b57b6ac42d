import { describe, expect, it } from "vitest";
import type { RunEvent, Source } from "../api/types";
import { initialRunState, runReducer, type RunState } from "./runReducer";

const source: Source = {
  cv_id: "cv-001",
  name: "Ana Gómez",
  headline: "Platform engineer",
  file: "cv-001.pdf",
  page: 2,
  snippet: "Led the Kubernetes migration",
  score: 0.42,
  url: "/api/cvs/cv-001/pdf#page=2",
};

function fold(events: readonly RunEvent[], state: RunState = initialRunState("r1")): RunState {
  return events.reduce((s, event) => runReducer(s, { type: "event", event }), state);
}

const tok = (seq: number, text: string): RunEvent => ({ seq, type: "token", data: { text } });

describe("runReducer", () => {
  it("appends tokens in order and marks the run running", () => {
    const state = fold([tok(1, "Hello"), tok(2, ", "), tok(3, "world")]);
    expect(state.text).toBe("Hello, world");
    expect(state.status).toBe("running");
    expect(state.lastSeq).toBe(3);
    expect(state.finished).toBe(false);
  });

  it("shows tool activity between tool_start and tool_end", () => {
    const started = fold([{ seq: 1, type: "tool_start", data: { tool: "rag.search", input: { query: "k8s" } } }]);
    expect(started.tool).toEqual({ tool: "rag.search", input: { query: "k8s" } });
    const ended = fold([{ seq: 2, type: "tool_end", data: { tool: "rag.search", output: [] } }], started);
    expect(ended.tool).toBeNull();
  });

  it("takes the final text and sources, then finishes on state(done)", () => {
    const state = fold([
      tok(1, "Ana [1]"),
      { seq: 2, type: "final", data: { text: "Ana [1].", sources: [source] } },
      { seq: 3, type: "state", data: { status: "done" } },
    ]);
    expect(state.text).toBe("Ana [1].");
    expect(state.sources).toEqual([source]);
    expect(state.status).toBe("done");
    expect(state.finished).toBe(true);
    expect(state.connection).toBe("closed");
  });

  it("records an error with its message", () => {
    const state = fold([
      tok(1, "partial"),
      { seq: 2, type: "error", data: { error: "the model timed out" } },
      { seq: 3, type: "state", data: { status: "error" } },
    ]);
    expect(state.status).toBe("error");
    expect(state.error).toBe("the model timed out");
    expect(state.text).toBe("partial");
    expect(state.finished).toBe(true);
  });

  it("keeps the partial text of a canceled run", () => {
    const state = fold([
      tok(1, "Half an "),
      tok(2, "answer"),
      { seq: 3, type: "canceled", data: { reason: "canceled by user" } },
      { seq: 4, type: "state", data: { status: "canceled" } },
    ]);
    expect(state.status).toBe("canceled");
    expect(state.cancelReason).toBe("canceled by user");
    expect(state.text).toBe("Half an answer");
    expect(state.finished).toBe(true);
  });

  it("ignores replayed events on resume, so text is never repeated", () => {
    const first = fold([tok(1, "a"), tok(2, "b"), tok(3, "c")]);
    // A reconnect that replays from the start (or overlaps) must not duplicate anything.
    const resumed = fold([tok(1, "a"), tok(2, "b"), tok(3, "c"), tok(4, "d"), tok(5, "e")], first);
    expect(resumed.text).toBe("abcde");
    expect(resumed.lastSeq).toBe(5);
    expect(runReducer(resumed, { type: "event", event: tok(4, "d") })).toBe(resumed);
  });

  it("ignores anything after the terminal state event", () => {
    const done = fold([tok(1, "x"), { seq: 2, type: "state", data: { status: "done" } }]);
    expect(fold([tok(3, "late")], done).text).toBe("x");
    expect(runReducer(done, { type: "connection", connection: "reconnecting", attempt: 2 })).toBe(done);
  });

  it("tracks the connection and a fatal stream failure", () => {
    const reconnecting = runReducer(initialRunState("r1"), { type: "connection", connection: "reconnecting", attempt: 2 });
    expect(reconnecting.connection).toBe("reconnecting");
    expect(reconnecting.attempt).toBe(2);
    const failed = runReducer(reconnecting, { type: "failed", error: "This run no longer exists." });
    expect(failed.status).toBe("error");
    expect(failed.finished).toBe(true);
    expect(failed.error).toBe("This run no longer exists.");
  });
});

describe("runReducer: exact answers", () => {
  const query = { skills_all: ["Kubernetes"], languages: [{ code: "es", min_level: "B2" as const }], operation: "list" as const };
  const candidate = {
    cv_id: "cv-001",
    name: "Ana Gómez",
    headline: "Platform engineer",
    location: "Madrid, Spain",
    languages: [{ code: "es", level: "native" }],
    years: 7.5,
    file: "cv-001.pdf",
    matched: true,
    score: 0,
    relevance: null,
    conditions: [],
  };

  it("takes the query from the profiles.query tool as soon as it starts, and keeps it", () => {
    const started = fold([
      { seq: 1, type: "tool_start", data: { tool: "profiles.query", input: { question: "Who…?", query } } },
    ]);
    expect(started.query).toEqual(query);
    const ended = fold([{ seq: 2, type: "tool_end", data: { tool: "profiles.query", output: { query, total: 1 } } }], started);
    expect(ended.tool).toBeNull();
    expect(ended.query).toEqual(query);
    expect(ended.answer).toBeNull();
  });

  it("ignores a rag.search query (a string, not a structured query)", () => {
    const state = fold([{ seq: 1, type: "tool_start", data: { tool: "rag.search", input: { query: "k8s" } } }]);
    expect(state.query).toBeNull();
  });

  it("keeps the final event's exact answer: kind, total, query, every candidate, near misses", () => {
    const state = fold([
      { seq: 1, type: "tool_start", data: { tool: "profiles.query", input: { question: "Who…?", query } } },
      {
        seq: 2,
        type: "final",
        data: { text: "1 candidate", sources: [], answer_kind: "list", total: 1, query, candidates: [candidate], near_misses: [] },
      },
      { seq: 3, type: "state", data: { status: "done" } },
    ]);
    expect(state.answer).toEqual({ answer_kind: "list", total: 1, query, candidates: [candidate], near_misses: [] });
    expect(state.query).toEqual(query);
  });

  it("has no exact answer for an open answer", () => {
    const state = fold([{ seq: 1, type: "final", data: { text: "Ana [1].", sources: [source] } }]);
    expect(state.answer).toBeNull();
    expect(state.query).toBeNull();
  });
});
