/** The CVs an answer used, as cards that open the PDF at the cited page. */
import type { Source } from "../api/types";
import { sourceAnchor, sourcePdfUrl } from "../lib/citations";

interface Props {
  sources: readonly Source[];
  runKey: string;
}

function formatScore(score: number): string {
  return score >= 1 ? score.toFixed(1) : score.toPrecision(2);
}

const CARD =
  "flex h-full flex-col gap-1 rounded-lg border border-slate-200 bg-white p-3 text-sm shadow-sm transition hover:border-indigo-400 hover:shadow focus-visible:outline-2 focus-visible:outline-indigo-500";

function CardBody({ source, index }: { source: Source; index: number }) {
  const removed = source.removed === true;
  return (
    <>
      <span className="flex items-start gap-2">
        <span
          className={`mt-0.5 inline-flex h-5 min-w-5 items-center justify-center rounded px-1 text-xs font-semibold ${
            removed ? "bg-slate-100 text-slate-500" : "bg-indigo-100 text-indigo-700"
          }`}
        >
          {index}
        </span>
        <span className="min-w-0 flex-1">
          <span className={`block truncate font-semibold ${removed ? "text-slate-500" : "text-slate-900 group-hover:text-indigo-700"}`}>
            {source.name || "Removed CV"}
          </span>
          {source.headline && <span className="block truncate text-xs text-slate-600">{source.headline}</span>}
        </span>
        {removed && (
          <span className="shrink-0 rounded bg-slate-100 px-1.5 py-0.5 text-xs font-medium text-slate-600">CV removed</span>
        )}
      </span>
      <span className="line-clamp-3 text-xs text-slate-700">“{source.snippet}”</span>
      <span className="mt-auto flex justify-between pt-1 text-xs text-slate-500">
        <span>
          {source.file} · page {source.page}
        </span>
        {!removed && typeof source.score === "number" && (
          <span title="Retrieval score">score {formatScore(source.score)}</span>
        )}
      </span>
    </>
  );
}

/** A source whose CV was deleted since: the quoted text stays, with no way to the gone PDF. */
function RemovedCard({ source, index, runKey }: { source: Source; index: number; runKey: string }) {
  return (
    <div
      id={sourceAnchor(runKey, index)}
      tabIndex={-1}
      data-testid="source-card"
      data-removed="true"
      role="group"
      aria-label={`Source ${index}: CV removed`}
      className="flex h-full flex-col gap-1 rounded-lg border border-dashed border-slate-300 bg-slate-50 p-3 text-sm"
    >
      <CardBody source={source} index={index} />
    </div>
  );
}

export function SourceCards({ sources, runKey }: Props) {
  if (sources.length === 0) return null;
  return (
    <section aria-label="Sources" className="mt-4">
      <h3 className="mb-2 text-xs font-semibold tracking-wide text-slate-500 uppercase">Sources</h3>
      <ol className="grid grid-cols-1 gap-2 sm:grid-cols-2">
        {sources.map((source, i) => (
          <li key={`${source.cv_id}-${source.page}-${i}`} className="min-w-0">
            {source.removed ? (
              <RemovedCard source={source} index={i + 1} runKey={runKey} />
            ) : (
              <a
                id={sourceAnchor(runKey, i + 1)}
                href={sourcePdfUrl(source)}
                target="_blank"
                rel="noopener noreferrer"
                data-testid="source-card"
                aria-label={`Source ${i + 1}: ${source.name}, ${source.headline}, page ${source.page} (opens the CV PDF)`}
                className={`group ${CARD}`}
              >
                <CardBody source={source} index={i + 1} />
              </a>
            )}
          </li>
        ))}
      </ol>
    </section>
  );
}
