import { describe, expect, it } from "vitest";
import { MAX_UPLOAD_BYTES } from "../api/upload";
import { nth } from "../test/nth";
import { nextToStart, percentSent, uploadsReducer, type UploadsState } from "./uploads";

const added = (...files: [string, number][]): UploadsState =>
  uploadsReducer([], { type: "added", files: files.map(([name, size], i) => ({ key: `k${i}`, name, size })) });

describe("uploadsReducer", () => {
  it("queues new files, and refuses one over 20 MB before any byte is sent", () => {
    const state = added(["ana.pdf", 1000], ["huge.pdf", MAX_UPLOAD_BYTES + 1]);
    expect(state.map((u) => u.phase)).toEqual(["waiting", "failed"]);
    expect(state[1]?.error).toMatch(/the limit is 20 MB. It was not sent/);
    expect(nextToStart(state, 2).map((u) => u.key)).toEqual(["k0"]);
  });

  it("follows a file's progress, then the server's check, then its acceptance", () => {
    let state = uploadsReducer(added(["ana.pdf", 1000]), { type: "started", key: "k0" });
    expect(state[0]?.phase).toBe("sending");
    state = uploadsReducer(state, { type: "progressed", key: "k0", loaded: 450, total: 1200 });
    expect(percentSent(nth(state, 0))).toBe(37);
    state = uploadsReducer(state, { type: "progressed", key: "k0", loaded: 1200, total: 1200 });
    expect(state[0]?.phase).toBe("checking");
    expect(percentSent(nth(state, 0))).toBe(100);
    state = uploadsReducer(state, {
      type: "accepted",
      key: "k0",
      cv: { cv_id: "ana-1a2b3c4d", file: "ana.pdf", status: "queued", duplicate: false },
    });
    expect(state[0]).toMatchObject({ phase: "accepted", cvId: "ana-1a2b3c4d", error: null });
  });

  it("tells a duplicate from a new CV", () => {
    const state = uploadsReducer(uploadsReducer(added(["ana.pdf", 10]), { type: "started", key: "k0" }), {
      type: "accepted",
      key: "k0",
      cv: { cv_id: "ana-1a2b3c4d", file: "ana.pdf", status: "indexed", duplicate: true },
    });
    expect(state[0]?.phase).toBe("duplicate");
  });

  it("keeps each file's error with that file", () => {
    let state = added(["ana.pdf", 10], ["x.pdf", 10]);
    state = uploadsReducer(state, { type: "started", key: "k0" });
    state = uploadsReducer(state, { type: "started", key: "k1" });
    state = uploadsReducer(state, { type: "failed", key: "k1", error: "not a PDF or DOCX file" });
    expect(state.map((u) => [u.name, u.phase, u.error])).toEqual([
      ["ana.pdf", "sending", null],
      ["x.pdf", "failed", "not a PDF or DOCX file"],
    ]);
  });

  it("starts no more than the limit at once", () => {
    let state = added(["a.pdf", 1], ["b.pdf", 1], ["c.pdf", 1]);
    expect(nextToStart(state, 2).map((u) => u.key)).toEqual(["k0", "k1"]);
    state = uploadsReducer(state, { type: "started", key: "k0" });
    state = uploadsReducer(state, { type: "started", key: "k1" });
    expect(nextToStart(state, 2)).toEqual([]);
    state = uploadsReducer(state, { type: "failed", key: "k0", error: "no" });
    expect(nextToStart(state, 2).map((u) => u.key)).toEqual(["k2"]);
  });

  it("ignores progress once a file is past sending, and clears only finished files", () => {
    let state = added(["a.pdf", 1], ["b.pdf", 1]);
    state = uploadsReducer(state, { type: "started", key: "k0" });
    state = uploadsReducer(state, { type: "failed", key: "k0", error: "gone" });
    state = uploadsReducer(state, { type: "progressed", key: "k0", loaded: 1, total: 1 });
    expect(state[0]?.phase).toBe("failed");
    state = uploadsReducer(state, { type: "cleared" });
    expect(state.map((u) => u.name)).toEqual(["b.pdf"]);
    expect(uploadsReducer(state, { type: "dismissed", key: "k1" })).toEqual([]);
  });
});
