/**
 * The state of one run as the client sees it, folded from the run's event log.
 *
 * Every event carries its `seq`; an event at or below the last applied seq is ignored, so
 * replays after a reconnect (or a second subscription to the same run) never repeat text.
 */
import type { CandidateQuery, ExactAnswer, FinalData, RunEvent, RunStatus, Source } from "../api/types";

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
  /** The structured query of an exact answer (`profiles.query`), as soon as the tool starts. */
  query: CandidateQuery | null;
  /** An exact answer's result (from `final`): every match, for the candidate table. */
  answer: ExactAnswer | null;
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
    query: null,
    answer: null,
    error: null,
    cancelReason: null,
    connection: "idle",
    attempt: 0,
  };
}

const PROFILES_TOOL = "profiles.query";

/** The `query` object a `profiles.query` tool event carries (input or output), if any. */
export function toolQuery(tool: string, payload: unknown): CandidateQuery | null {
  if (tool !== PROFILES_TOOL || !payload || typeof payload !== "object") return null;
  const query: unknown = (payload as { query?: unknown }).query;
  if (!query || typeof query !== "object" || Array.isArray(query)) return null;
  return query; // the server's query object, as `CandidateQuery` describes it
}

/** The exact answer a `final` event carries; null for an open (RAG) answer. */
export function exactAnswer(data: FinalData): ExactAnswer | null {
  if (!data.answer_kind) return null;
  const candidates = data.candidates ?? [];
  return {
    answer_kind: data.answer_kind,
    total: data.total ?? candidates.length,
    query: data.query ?? {},
    candidates,
    near_misses: data.near_misses ?? [],
  };
}

function applyEvent(state: RunState, event: RunEvent): RunState {
  const next: RunState = { ...state, lastSeq: event.seq };
  switch (event.type) {
    case "token":
      return { ...next, status: "running", text: state.text + event.data.text };
    case "tool_start":
      return {
        ...next,
        status: "running",
        tool: { tool: event.data.tool, input: event.data.input },
        query: toolQuery(event.data.tool, event.data.input) ?? state.query,
      };
    case "tool_end":
      return { ...next, tool: null, query: toolQuery(event.data.tool, event.data.output) ?? state.query };
    case "final": {
      // The final text is authoritative (it equals the concatenated tokens).
      const answer = exactAnswer(event.data);
      return {
        ...next,
        text: event.data.text,
        sources: event.data.sources,
        tool: null,
        answer,
        query: answer?.query ?? state.query,
      };
    }
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
