import { render, screen } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { afterEach, describe, expect, it, vi } from "vitest";
import type { Message } from "../api/types";
import { answer, QUERY } from "../shortlist/fixtures";
import { finishedRun, frame, jsonResponse, sseResponse } from "../test/sse";
import { Conversation } from "./Conversation";

const user = { user_id: "u".repeat(32), name: "Ann", created_at: "2026-01-01T00:00:00Z" };
const T = "t".repeat(32);
const R = "r".repeat(32);

function routes(table: Record<string, () => Response>) {
  const calls: string[] = [];
  const fetchMock = vi.fn((input: string, init?: RequestInit) => {
    const key = `${init?.method ?? "GET"} ${input}`;
    calls.push(key);
    const handler = table[key];
    return handler ? Promise.resolve(handler()) : Promise.resolve(jsonResponse({ detail: "not found" }, 404));
  });
  vi.stubGlobal("fetch", fetchMock);
  return calls;
}

afterEach(() => {
  vi.unstubAllGlobals();
});

const question: Message = {
  message_id: "m1",
  role: "user",
  content: "Who knows Rust?",
  run_id: R,
  created_at: "2026-01-01T00:00:00Z",
};

describe("Conversation", () => {
  it("keeps the first message of a thread it created, whatever a racing load returns", async () => {
    const calls = routes({
      "POST /api/threads": () => jsonResponse({ thread_id: T, user_id: user.user_id, created_at: "" }, 201),
      // A load of the new thread would find it still empty (the post has not committed).
      [`GET /api/threads/${T}`]: () => jsonResponse({ thread_id: T, user_id: user.user_id, messages: [] }),
      [`POST /api/threads/${T}/messages`]: () =>
        jsonResponse({ run_id: R, thread_id: T, message_id: "m1", status: "queued" }, 202),
      [`GET /api/runs/${R}/events`]: () => sseResponse(finishedRun(["You asked:", " Rust"]).map(frame)),
    });
    const view = (threadId: string | null) => (
      <Conversation user={user} threadId={threadId} onThreadCreated={(id) => {
        rerender(view(id));
      }} onActivity={vi.fn()} />
    );
    const { rerender } = render(view(null));
    await userEvent.type(screen.getByLabelText("Ask about the CVs"), "Who knows Rust?{Enter}");
    expect(await screen.findByText("Who knows Rust?")).toBeInTheDocument();
    expect(await screen.findByText(/You asked: Rust/)).toBeInTheDocument();
    expect(screen.getByText("Who knows Rust?")).toBeInTheDocument();
    expect(calls).not.toContain(`GET /api/threads/${T}`);
  });

  it("re-attaches to a run still in flight when the thread is opened", async () => {
    routes({
      [`GET /api/threads/${T}`]: () => jsonResponse({ thread_id: T, user_id: user.user_id, messages: [question] }),
      [`GET /api/runs/${R}/events`]: () => sseResponse(finishedRun(["You asked:", " **Rust**"]).map(frame)),
    });
    render(<Conversation user={user} threadId={T} onThreadCreated={vi.fn()} onActivity={vi.fn()} />);
    expect(await screen.findByText("Rust")).toBeInTheDocument();
    expect(screen.getByText("Who knows Rust?")).toBeInTheDocument();
    expect(screen.getByTestId("assistant-message")).toHaveAttribute("data-status", "done");
  });

  it("shows stored answers without opening a stream", async () => {
    const calls = routes({
      [`GET /api/threads/${T}`]: () =>
        jsonResponse({
          thread_id: T,
          user_id: user.user_id,
          messages: [
            { ...question, run_status: "done" },
            { message_id: "m2", role: "assistant", content: "Stored *answer*", run_id: R, created_at: "", run_status: "done", sources: [] },
          ],
        }),
    });
    render(<Conversation user={user} threadId={T} onThreadCreated={vi.fn()} onActivity={vi.fn()} />);
    expect(await screen.findByText("answer")).toBeInTheDocument();
    expect(calls).toEqual([`GET /api/threads/${T}`]);
  });

  it("creates the thread on the first question, streams the answer and reports the new thread", async () => {
    const calls = routes({
      "POST /api/threads": () => jsonResponse({ thread_id: T, user_id: user.user_id, created_at: "" }, 201),
      [`POST /api/threads/${T}/messages`]: () =>
        jsonResponse({ run_id: R, thread_id: T, message_id: "m1", status: "queued" }, 202),
      [`GET /api/runs/${R}/events`]: () => sseResponse(finishedRun(["You asked:", " hello"]).map(frame)),
    });
    const onThreadCreated = vi.fn();
    const onActivity = vi.fn();
    render(<Conversation user={user} threadId={null} onThreadCreated={onThreadCreated} onActivity={onActivity} />);
    expect(screen.getByRole("list", { name: "Example questions" })).toBeInTheDocument();
    await userEvent.type(screen.getByLabelText("Ask about the CVs"), "hello{Enter}");
    expect(await screen.findByText("You asked: hello")).toBeInTheDocument();
    expect(onThreadCreated).toHaveBeenCalledWith(T);
    expect(onActivity).toHaveBeenCalled();
    expect(calls.slice(0, 3)).toEqual(["POST /api/threads", `POST /api/threads/${T}/messages`, `GET /api/runs/${R}/events`]);
    expect(await screen.findByRole("button", { name: "Send" })).toBeInTheDocument();
  });

  it("stops the active run", async () => {
    let release: (() => void) | undefined;
    const calls = routes({
      [`GET /api/threads/${T}`]: () => jsonResponse({ thread_id: T, user_id: user.user_id, messages: [question] }),
      [`GET /api/runs/${R}/events`]: () => {
        // A stream that stays open until the cancel arrives, then reports it.
        const encoder = new TextEncoder();
        const body = new ReadableStream<Uint8Array>({
          start(controller) {
            controller.enqueue(encoder.encode(frame({ seq: 1, type: "token", data: { text: "Partial" } })));
            release = () => {
              controller.enqueue(encoder.encode(frame({ seq: 2, type: "canceled", data: { reason: "by user" } })));
              controller.enqueue(encoder.encode(frame({ seq: 3, type: "state", data: { status: "canceled" } })));
              controller.close();
            };
          },
        });
        return new Response(body, { headers: { "Content-Type": "text/event-stream" } });
      },
      [`POST /api/runs/${R}/cancel`]: () => {
        release?.();
        return jsonResponse({ run_id: R, status: "canceled" }, 202);
      },
    });
    render(<Conversation user={user} threadId={T} onThreadCreated={vi.fn()} onActivity={vi.fn()} />);
    expect(await screen.findByText("Partial")).toBeInTheDocument();
    await userEvent.click(screen.getByRole("button", { name: "Stop generating" }));
    expect(await screen.findByText("Stopped")).toBeInTheDocument();
    expect(screen.getByText("Partial")).toBeInTheDocument();
    expect(calls).toContain(`POST /api/runs/${R}/cancel`);
    expect(await screen.findByRole("button", { name: "Send" })).toBeInTheDocument();
  });

  it("shows a stored exact answer's table, and a removed chip asks again with the changed query", async () => {
    const R2 = "s".repeat(32);
    const posted: unknown[] = [];
    const stored = answer(2);
    routes({
      [`GET /api/threads/${T}`]: () =>
        jsonResponse({
          thread_id: T,
          user_id: user.user_id,
          messages: [
            { ...question, content: "Who has Kubernetes, Spanish B2, in Berlin, 5 years?", run_status: "done" },
            { message_id: "m2", role: "assistant", content: "2 candidates meet every condition", run_id: R, created_at: "", run_status: "done", sources: [], answer: stored },
          ],
        }),
      [`POST /api/threads/${T}/messages`]: () => jsonResponse({ run_id: R2, thread_id: T, message_id: "m3", status: "queued" }, 202),
      [`GET /api/runs/${R2}/events`]: () => sseResponse(finishedRun(["3 candidates"]).map(frame)),
    });
    const fetchMock = vi.mocked(fetch);
    render(<Conversation user={user} threadId={T} onThreadCreated={vi.fn()} onActivity={vi.fn()} />);
    expect(await screen.findAllByTestId("candidate-row")).toHaveLength(2);
    await userEvent.click(screen.getByRole("button", { name: "Remove Berlin" }));
    expect(await screen.findByText("Kubernetes · Spanish ≥ B2 · ≥ 5 years")).toBeInTheDocument();
    for (const [url, init] of fetchMock.mock.calls) {
      if (url === `/api/threads/${T}/messages`) posted.push(JSON.parse(init?.body as string));
    }
    const { skills_all, languages, min_years, operation } = QUERY;
    expect(posted).toEqual([
      { content: "Kubernetes · Spanish ≥ B2 · ≥ 5 years", query: { skills_all, languages, min_years, operation } },
    ]);
    expect(await screen.findByText("3 candidates")).toBeInTheDocument();
  });
});
