/**
 * The state of one run as the client sees it, folded from the run's event log.
 *
 * Every event carries its `seq`; an event at or below the last applied seq is ignored, so
 * replays after a reconnect (or a second subscription to the same run) never repeat text.
 */
import type { RunEvent, RunStatus, Source } from "../api/types";

export type Connection = "idle" | "connecting" | "open" | "reconnecting" | "closed";

export interface ToolActivity {
  tool: string;
  input: unknown;
}

export interface RunState {
  runId: string;
  /** Highest seq applied: what to resume from (`Last-Event-ID`). */
  lastSeq: number;
  status: RunStatus;
  /** True once the terminal `state` event arrived: nothing more will come. */
  finished: boolean;
  text: string;
  tool: ToolActivity | null;
  sources: Source[];
  error: string | null;
  cancelReason: string | null;
  connection: Connection;
  /** Failed connection attempts in a row (drives the "reconnecting" notice). */
  attempt: number;
}

export type RunAction =
  | { type: "event"; event: RunEvent }
  | { type: "connection"; connection: Connection; attempt?: number }
  | { type: "failed"; error: string };

export function initialRunState(runId: string, status: RunStatus = "queued"): RunState {
  return {
    runId,
    lastSeq: 0,
    status,
    finished: false,
    text: "",
    tool: null,
    sources: [],
    error: null,
    cancelReason: null,
    connection: "idle",
    attempt: 0,
  };
}

function applyEvent(state: RunState, event: RunEvent): RunState {
  const next: RunState = { ...state, lastSeq: event.seq };
  switch (event.type) {
    case "token":
      return { ...next, status: "running", text: state.text + event.data.text };
    case "tool_start":
      return { ...next, status: "running", tool: { tool: event.data.tool, input: event.data.input } };
    case "tool_end":
      return { ...next, tool: null };
    case "final":
      // The final text is authoritative (it equals the concatenated tokens).
      return { ...next, text: event.data.text, sources: event.data.sources, tool: null };
    case "error":
      return { ...next, status: "error", error: event.data.error, tool: null };
    case "canceled":
      return { ...next, status: "canceled", cancelReason: event.data.reason, tool: null };
    case "state":
      return {
        ...next,
        status: event.data.status,
        finished: true,
        tool: null,
        connection: "closed",
        attempt: 0,
      };
  }
}

export function runReducer(state: RunState, action: RunAction): RunState {
  switch (action.type) {
    case "event":
      if (action.event.seq <= state.lastSeq || state.finished) return state;
      return applyEvent(state, action.event);
    case "connection":
      if (state.finished) return state;
      return { ...state, connection: action.connection, attempt: action.attempt ?? 0 };
    case "failed":
      // The stream cannot be read at all (e.g. the run does not exist): show it as an error.
      return {
        ...state,
        status: "error",
        error: action.error,
        finished: true,
        connection: "closed",
        tool: null,
      };
  }
}
