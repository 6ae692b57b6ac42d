/**
 * Candidates side by side (2–4): skills, languages, years, employers, education and
 * certifications from each full profile (`GET /api/candidates/{cv_id}`), every fact citing its
 * page (click → the evidence viewer). Facts every candidate shares come first, marked.
 */
import { useEffect, useId, useRef } from "react";
import type { CandidateProfile } from "../api/types";
import { columnOf, matrixRows } from "./compare";
import { EvidenceLink } from "./EvidenceLink";
import { useCandidateProfiles } from "./useCandidateProfiles";

interface Props {
  cvIds: readonly string[];
  /** Shown as a button when the comparison can be closed (the table's Compare). */
  onClose?: () => void;
  /** Moves keyboard focus to the comparison's heading once it shows. */
  focusOnOpen?: boolean;
}

export function CompareMatrix({ cvIds, onClose, focusOnOpen = false }: Props) {
  const loaded = useCandidateProfiles(cvIds);
  const headingId = useId();
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    if (focusOnOpen) heading.current?.focus();
  }, [focusOnOpen]);

  const names = loaded.state === "ready" ? loaded.profiles.map((p) => columnOf(p).name) : [];
  return (
    <section aria-labelledby={headingId} data-testid="compare-matrix" className="mt-3">
      <div className="mb-2 flex items-center justify-between gap-2">
        <h3 ref={heading} id={headingId} tabIndex={-1} className="text-sm font-semibold text-slate-900 focus:outline-none">
          {names.length ? `Comparison: ${names.join(" · ")}` : "Comparison"}
        </h3>
        {onClose && (
          <button
            type="button"
            onClick={onClose}
            className="rounded-md px-2 py-1 text-xs font-medium text-slate-700 hover:bg-slate-100 focus-visible:outline-2 focus-visible:outline-indigo-500"
          >
            Close comparison
          </button>
        )}
      </div>
      {loaded.state === "loading" && (
        <p role="status" className="text-sm text-slate-600">
          Loading profiles…
        </p>
      )}
      {loaded.state === "error" && (
        <p role="alert" className="rounded-lg bg-red-50 p-3 text-sm text-red-800">
          {loaded.message}
        </p>
      )}
      {loaded.state === "ready" && (
        <>
          <p className="mb-2 text-xs text-slate-600">
            <span className="rounded bg-emerald-50 px-1 text-emerald-900 ring-1 ring-emerald-300">Green</span>: every candidate
            here has it. Each fact opens the page of the CV it is on.
          </p>
          <Matrix profiles={loaded.profiles} />
        </>
      )}
    </section>
  );
}

function Matrix({ profiles }: { profiles: readonly CandidateProfile[] }) {
  const columns = profiles.map(columnOf);
  const rows = matrixRows(profiles);
  return (
    <div
      role="region"
      aria-label="Comparison table"
      tabIndex={0}
      className="relative overflow-x-auto rounded-lg border border-slate-200 bg-white focus-visible:outline-2 focus-visible:outline-indigo-500"
    >
      <table className="min-w-full table-fixed border-collapse text-sm">
        <caption className="sr-only">
          Side-by-side comparison. Every fact links to the page of the CV it is on; facts all candidates share come first.
        </caption>
        <thead className="border-b border-slate-200 bg-slate-50">
          <tr>
            <td className="w-32" />
            {columns.map((column) => (
              <th key={column.cvId} scope="col" className="min-w-48 px-3 py-2 text-left align-top" data-testid="compare-column">
                <span className="block font-semibold text-slate-900">{column.name}</span>
                {column.headline && <span className="block text-xs font-normal text-slate-600">{column.headline}</span>}
                {column.location && <span className="block text-xs font-normal text-slate-600">{column.location}</span>}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {rows.map((row) => (
            <tr key={row.field} data-field={row.field} className="border-b border-slate-100 last:border-0">
              <th scope="row" className="px-3 py-2 text-left align-top text-xs font-semibold tracking-wide text-slate-700 uppercase">
                {row.label}
              </th>
              {row.cells.map((facts, i) => {
                const column = columns[i];
                if (!column) return null;
                return (
                  <td key={column.cvId} className="px-3 py-2 align-top" data-testid="compare-cell">
                    {facts.length === 0 ? (
                      <span className="text-slate-600">
                        <span aria-hidden="true">—</span>
                        <span className="sr-only">Not stated</span>
                      </span>
                    ) : (
                      <ul className={row.field === "skills" || row.field === "languages" ? "flex flex-wrap gap-1" : "space-y-1"}>
                        {facts.map((fact, n) => (
                          <li key={`${fact.text}-${n}`}>
                            <EvidenceLink
                              cvId={column.cvId}
                              name={column.name}
                              page={fact.evidence.page}
                              snippet={fact.evidence.snippet}
                              // The visible words first (WCAG 2.5.3): "Python p. 1", then whose CV it is.
                              label={`${fact.text} p. ${fact.evidence.page}, ${column.name}'s CV${fact.shared ? " (all have it)" : ""}`}
                              className={`inline-flex items-baseline gap-1 rounded px-1.5 py-0.5 text-left hover:bg-indigo-100 focus-visible:outline-2 focus-visible:outline-indigo-500 ${
                                fact.shared ? "bg-emerald-50 font-medium text-emerald-900 ring-1 ring-emerald-300" : "bg-slate-100 text-slate-800"
                              }`}
                            >
                              <span data-testid="fact">{fact.text}</span>{" "}
                              <span className="text-xs font-semibold whitespace-nowrap text-indigo-700" data-testid="fact-page">
                                p. {fact.evidence.page}
                              </span>
                            </EvidenceLink>
                          </li>
                        ))}
                      </ul>
                    )}
                  </td>
                );
              })}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
