/**
 * What an exact answer adds under its prose: for a list or count, the table of every match
 * (with "Export CSV" and the comparison of 2–4 picked rows), or the nearest misses when nobody
 * matches; for "compare Ana and Luis", the comparison of the named candidates.
 */
import { useState } from "react";
import type { ExactAnswer } from "../api/types";
import { CandidateTable } from "./CandidateTable";
import { COMPARE_MAX, COMPARE_MIN } from "./compare";
import { CompareMatrix } from "./CompareMatrix";
import { csvUrl, exportFileName } from "./csv";
import { NearMisses } from "./NearMisses";
import { chipsOf, readableQuery } from "./query";

export function Shortlist({ answer }: { answer: ExactAnswer }) {
  switch (answer.answer_kind) {
    case "compare":
      return answer.candidates.length >= 2 ? (
        <CompareMatrix cvIds={answer.candidates.slice(0, COMPARE_MAX).map((c) => c.cv_id)} />
      ) : null;
    case "describe":
      return null;
    case "list":
    case "count":
      return answer.candidates.length > 0 ? <Matches answer={answer} /> : <NearMisses candidates={answer.near_misses} />;
  }
}

function Matches({ answer }: { answer: ExactAnswer }) {
  const [selected, setSelected] = useState<string[]>([]);
  const [comparing, setComparing] = useState<string[] | null>(null);
  const labels = chipsOf(answer.query).map((chip) => chip.label);
  const count = answer.candidates.length;
  const canCompare = selected.length >= COMPARE_MIN && selected.length <= COMPARE_MAX;

  const toggle = (cvId: string): void => {
    setSelected((previous) =>
      previous.includes(cvId)
        ? previous.filter((id) => id !== cvId)
        : previous.length < COMPARE_MAX
          ? [...previous, cvId]
          : previous,
    );
  };

  return (
    <section aria-label="Shortlist" data-testid="shortlist" className="mt-4">
      <div className="mb-2 flex flex-wrap items-center justify-between gap-2">
        <h3 className="text-sm font-semibold text-slate-900">
          {count === 1 ? "1 candidate" : `${count} candidates`}
          {labels.length ? <span className="font-normal text-slate-600"> · {labels.join(" · ")}</span> : null}
        </h3>
        <div className="flex flex-wrap items-center gap-2">
          <span className="text-xs text-slate-600" aria-live="polite">
            {selected.length === 0
              ? `Select ${COMPARE_MIN}–${COMPARE_MAX} to compare`
              : `${selected.length} selected${selected.length >= COMPARE_MAX ? " (most)" : ""}`}
          </span>
          <button
            type="button"
            disabled={!canCompare}
            onClick={() => {
              setComparing([...selected]);
            }}
            className="rounded-md bg-indigo-600 px-3 py-1 text-xs font-semibold text-white hover:bg-indigo-700 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-indigo-600 disabled:cursor-not-allowed disabled:bg-slate-200 disabled:text-slate-600"
          >
            Compare{selected.length ? ` (${selected.length})` : ""}
          </button>
          <a
            href={csvUrl(answer.query)}
            download={exportFileName(labels)}
            className="rounded-md border border-slate-300 bg-white px-3 py-1 text-xs font-semibold text-slate-800 hover:bg-slate-50 focus-visible:outline-2 focus-visible:outline-indigo-500"
          >
            Export CSV
          </a>
        </div>
      </div>
      <CandidateTable
        candidates={answer.candidates}
        caption={`${count} candidates: ${readableQuery(answer.query)}`}
        selected={selected}
        onToggle={toggle}
      />
      {comparing && (
        <CompareMatrix
          key={comparing.join(",")}
          cvIds={comparing}
          focusOnOpen
          onClose={() => {
            setComparing(null);
          }}
        />
      )}
    </section>
  );
}
