/**
 * Follows a run's SSE stream until its terminal `state` event, reconnecting with backoff.
 *
 * Resumption is driven by the caller's last *applied* seq (sent as `Last-Event-ID`), not by the
 * last `id:` line seen: a frame cut in half is never counted, so nothing is lost or repeated.
 */
import { createParser, type EventSourceMessage } from "eventsource-parser";
import { notifyUnauthorized } from "../api/client";
import type { RunEvent, RunEventType } from "../api/types";
import type { Connection } from "./runReducer";

const EVENT_TYPES: ReadonlySet<string> = new Set<RunEventType>([
  "token",
  "tool_start",
  "tool_end",
  "final",
  "error",
  "canceled",
  "state",
]);

export interface RunStreamOptions {
  runId: string;
  /** Current last applied seq; read before every (re)connection. */
  lastSeq: () => number;
  onEvent: (event: RunEvent) => void;
  onConnection: (connection: Connection, attempt: number) => void;
  /** The stream can never succeed (unknown run, bad request). */
  onFatal: (message: string) => void;
  signal: AbortSignal;
  fetchImpl?: typeof fetch;
  /** Delay before reconnection attempt `n` (1-based). */
  backoff?: (attempt: number) => number;
}

/** Exponential backoff with jitter, capped at 10 s. */
export function defaultBackoff(attempt: number): number {
  const base = Math.min(10_000, 400 * 2 ** (attempt - 1));
  return base / 2 + Math.random() * (base / 2);
}

class FatalStreamError extends Error {}

export function parseRunEvent(message: EventSourceMessage): RunEvent | null {
  if (!message.id || !message.event || !EVENT_TYPES.has(message.event)) return null;
  const seq = Number.parseInt(message.id, 10);
  if (!Number.isFinite(seq)) return null;
  let data: unknown;
  try {
    data = JSON.parse(message.data);
  } catch {
    return null;
  }
  if (!data || typeof data !== "object") return null;
  return { seq, type: message.event, data } as RunEvent;
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    function done(): void {
      clearTimeout(timer);
      signal.removeEventListener("abort", done);
      resolve();
    }
    signal.addEventListener("abort", done, { once: true });
  });
}

/** One connection: resolves true when the terminal `state` event was read. */
async function readOnce(options: RunStreamOptions, onOpen: () => void): Promise<boolean> {
  const { runId, signal } = options;
  const fetchImpl = options.fetchImpl ?? fetch;
  const lastSeq = options.lastSeq();
  const headers: Record<string, string> = { Accept: "text/event-stream" };
  if (lastSeq > 0) headers["Last-Event-ID"] = String(lastSeq);
  // Same origin: the HttpOnly session cookie rides along, as it would with an EventSource.
  const response = await fetchImpl(`/api/runs/${encodeURIComponent(runId)}/events`, {
    headers,
    signal,
    cache: "no-store",
    credentials: "same-origin",
  });
  if (response.status === 401) {
    notifyUnauthorized();
    throw new FatalStreamError("You are signed out.");
  }
  if (response.status === 404 || response.status === 422) {
    throw new FatalStreamError(response.status === 404 ? "This run no longer exists." : "Bad stream request.");
  }
  // 204: the run has ended and nothing follows the cursor. An EventSource stops on it, and
  // so does this reader: reconnecting could never bring anything.
  if (response.status === 204) return true;
  const contentType = response.headers.get("content-type") ?? "";
  if (!response.ok || !contentType.startsWith("text/event-stream") || !response.body) {
    throw new Error(`stream answered ${response.status}`);
  }
  onOpen();
  options.onConnection("open", 0);
  const progress = { finished: false };
  const parser = createParser({
    onEvent(message) {
      const event = parseRunEvent(message);
      if (!event || progress.finished) return;
      options.onEvent(event);
      if (event.type === "state") progress.finished = true;
    },
  });
  const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
  try {
    while (!progress.finished) {
      const { done, value } = await reader.read();
      if (done) break;
      parser.feed(value);
    }
  } finally {
    if (progress.finished) await reader.cancel().catch(() => undefined);
    else reader.releaseLock();
  }
  return progress.finished;
}

/** Runs until the run finishes, the signal aborts, or the stream is known to be unusable. */
export async function followRun(options: RunStreamOptions): Promise<void> {
  const backoff = options.backoff ?? defaultBackoff;
  let attempt = 0;
  options.onConnection("connecting", 0);
  const aborted = (): boolean => options.signal.aborted;
  while (!aborted()) {
    try {
      const finished = await readOnce(options, () => {
        attempt = 0;
      });
      if (finished) {
        options.onConnection("closed", 0);
        return;
      }
      // The server closed the stream before the run ended: a cut, resume at once.
    } catch (error) {
      if (aborted()) return;
      if (error instanceof FatalStreamError) {
        options.onFatal(error.message);
        return;
      }
    }
    attempt += 1;
    options.onConnection("reconnecting", attempt);
    await sleep(attempt === 1 ? 0 : backoff(attempt - 1), options.signal);
  }
}
