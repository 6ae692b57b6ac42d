/**
 * One assistant answer, live or stored: text, activity, outcome and sources. An exact answer
 * also shows its filters as chips above the text and its shortlist (the table of every match,
 * the nearest misses or the comparison) under it.
 */
import type { CandidateQuery, ExactAnswer, RunStatus, Source } from "../api/types";
import { linkCitations } from "../lib/citations";
import { FilterChips } from "../shortlist/FilterChips";
import { isSetQuery } from "../shortlist/query";
import { Shortlist } from "../shortlist/Shortlist";
import type { Connection, ToolActivity } from "../stream/runReducer";
import { CopyButton } from "./CopyButton";
import { Markdown } from "./Markdown";
import { SourceCards } from "./SourceCards";

export interface AssistantView {
  runKey: string;
  text: string;
  status: RunStatus;
  finished: boolean;
  tool: ToolActivity | null;
  sources: readonly Source[];
  error: string | null;
  connection: Connection;
  attempt: number;
  /** An exact answer's structured query: from the tool event while it runs, then the result's. */
  query?: CandidateQuery | null;
  /** An exact answer's result (every match, near misses); null for an open answer. */
  answer?: ExactAnswer | null;
}

interface Props {
  view: AssistantView;
  onRetry?: () => void;
  /** Asks again with a changed query (a chip removed or edited); absent: chips are read-only. */
  onRequery?: (query: CandidateQuery) => void;
  /** Another answer is on its way in the thread: chips wait for it. */
  requeryDisabled?: boolean;
}

function toolQuery(input: unknown): string | null {
  if (typeof input === "string") return input;
  if (input && typeof input === "object") {
    const fields = input as Record<string, unknown>;
    // rag.search carries {query}; profiles.query carries {question, query: {filters…}}
    for (const query of [fields.query, fields.q, fields.question]) {
      if (typeof query === "string") return query;
    }
  }
  return null;
}

function Spinner() {
  return (
    <span
      aria-hidden="true"
      className="inline-block h-3 w-3 animate-spin rounded-full border-2 border-indigo-300 border-t-indigo-600"
    />
  );
}

export function AssistantMessage({ view, onRetry, onRequery, requeryDisabled = false }: Props) {
  const streaming = !view.finished;
  const query = view.tool ? toolQuery(view.tool.input) : null;
  const filters = view.answer?.query ?? view.query ?? null;
  const showChips =
    isSetQuery(filters) && (view.answer ? view.answer.answer_kind === "list" || view.answer.answer_kind === "count" : true);
  const waiting = streaming && !view.tool && view.text === "";
  return (
    <article
      aria-label="Assistant answer"
      aria-busy={streaming}
      data-testid="assistant-message"
      data-status={view.finished ? view.status : "streaming"}
      className="flex gap-3"
    >
      <div
        aria-hidden="true"
        className="flex h-8 w-8 shrink-0 items-center justify-center rounded-full bg-indigo-600 text-xs font-bold text-white"
      >
        cv
      </div>
      <div className="min-w-0 flex-1">
        {showChips && (
          <FilterChips query={filters} onApply={onRequery} disabled={streaming || requeryDisabled} />
        )}
        {view.tool && (
          <p role="status" className="mb-2 flex items-center gap-2 text-sm text-indigo-700">
            <Spinner />
            <span>
              {view.tool.tool === "profiles.query" ? "Checking every CV…" : "Searching CVs…"}
              {query ? <span className="text-slate-500"> “{query}”</span> : null}
            </span>
          </p>
        )}
        {waiting && (
          <p role="status" className="mb-2 flex items-center gap-2 text-sm text-slate-500">
            <Spinner />
            {view.status === "queued" ? "Waiting for the previous answer…" : "Thinking…"}
          </p>
        )}
        {view.text !== "" && (
          <div data-testid="answer-text" className={streaming ? "streaming" : undefined}>
            <Markdown text={linkCitations(view.text, view.sources)} runKey={view.runKey} sources={view.sources} />
          </div>
        )}
        {streaming && view.connection === "reconnecting" && (
          <p role="status" className="mt-2 flex items-center gap-2 text-sm text-amber-700">
            <Spinner />
            Connection lost — reconnecting{view.attempt > 1 ? ` (attempt ${view.attempt})` : ""}…
          </p>
        )}
        {view.finished && view.status === "error" && (
          <div role="alert" className="mt-2 rounded-lg border border-red-200 bg-red-50 p-3 text-sm text-red-800">
            <p>
              <span className="font-semibold">The answer failed:</span> {view.error ?? "unknown error"}
            </p>
            {onRetry && (
              <button
                type="button"
                onClick={onRetry}
                className="mt-2 rounded-md bg-red-600 px-3 py-1 text-xs font-semibold text-white hover:bg-red-700 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-red-600"
              >
                Retry
              </button>
            )}
          </div>
        )}
        {view.answer && view.finished && <Shortlist answer={view.answer} />}
        <SourceCards sources={view.sources} runKey={view.runKey} />
        {view.finished && (view.status === "canceled" || view.text !== "") && (
          <div className="mt-2 flex items-center gap-2">
            {view.status === "canceled" && (
              <p className="inline-flex items-center gap-1 rounded-full bg-slate-200 px-2 py-0.5 text-xs font-medium text-slate-700">
                <span aria-hidden="true">■</span> Stopped
              </p>
            )}
            {view.text !== "" && <CopyButton text={view.text} />}
          </div>
        )}
      </div>
    </article>
  );
}
