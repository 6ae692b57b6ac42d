/**
 * The CVs an answer used, as cards that open the CV at the cited page: in the app's evidence
 * viewer (the snippet highlighted) when one is mounted, else the PDF in a new tab. The card stays
 * a link to the PDF, so a middle click or Ctrl/⌘-click still opens it in a new tab.
 */
import type { MouseEvent } from "react";
import type { Source } from "../api/types";
import { sourceAnchor, sourcePdfUrl } from "../lib/citations";
import { useEvidenceViewer, type OpenEvidence } from "../viewer/evidence";

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

/** A plain left click (no modifier key) opens the viewer; anything else is left to the browser. */
function openInViewer(event: MouseEvent<HTMLAnchorElement>, source: Source, open: OpenEvidence): void {
  if (event.defaultPrevented || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
  event.preventDefault();
  // Focus goes back to the card when the viewer closes (Safari does not focus clicked links).
  event.currentTarget.focus();
  open({ cvId: source.cv_id, name: source.name, page: source.page, snippet: source.snippet });
}

export function SourceCards({ sources, runKey }: Props) {
  const openEvidence = useEvidenceViewer();
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
                data-cv-id={source.cv_id}
                data-page={source.page}
                // Named by what it shows (WCAG 2.5.3: a speech user says what they see).
                aria-haspopup={openEvidence ? "dialog" : undefined}
                onClick={
                  openEvidence
                    ? (event) => {
                        openInViewer(event, source, openEvidence);
                      }
                    : undefined
                }
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
