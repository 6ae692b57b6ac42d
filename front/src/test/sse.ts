/** Helpers that speak the server's SSE wire format, for tests of the stream client. */
import type { RunEvent, Source } from "../api/types";

export function frame(event: RunEvent): string {
  return `id: ${event.seq}\nevent: ${event.type}\ndata: ${JSON.stringify(event.data)}\n\n`;
}

export function sseResponse(chunks: readonly string[], status = 200): Response {
  const encoder = new TextEncoder();
  const body = new ReadableStream<Uint8Array>({
    start(controller) {
      for (const chunk of chunks) controller.enqueue(encoder.encode(chunk));
      controller.close();
    },
  });
  return new Response(body, { status, headers: { "Content-Type": "text/event-stream; charset=utf-8" } });
}

export function jsonResponse(body: unknown, status = 200): Response {
  return new Response(JSON.stringify(body), { status, headers: { "Content-Type": "application/json" } });
}

/** A finished echo-style run: tool, tokens, final, state. */
export function finishedRun(tokens: readonly string[], sources: Source[] = []): RunEvent[] {
  const events: RunEvent[] = [
    { seq: 1, type: "tool_start", data: { tool: "rag.search", input: { query: "q" } } },
    { seq: 2, type: "tool_end", data: { tool: "rag.search", output: { cvs: [] } } },
  ];
  tokens.forEach((text, i) => events.push({ seq: 3 + i, type: "token", data: { text } }));
  const seq = 3 + tokens.length;
  events.push({ seq, type: "final", data: { text: tokens.join(""), sources } });
  events.push({ seq: seq + 1, type: "state", data: { status: "done" } });
  return events;
}
