/**
 * Every match of a list or count answer: name, headline, location, languages, years and one
 * column per condition (✓ with its evidence). Sortable headers (`aria-sort`), 25 rows a page,
 * a checkbox per row to pick candidates for the comparison.
 */
import { useState } from "react";
import type { Candidate } from "../api/types";
import { COMPARE_MAX } from "./compare";
import { EvidenceCheck } from "./EvidenceCheck";
import { EvidenceLink } from "./EvidenceLink";
import { languageName } from "./query";
import {
  nextSort,
  PAGE_SIZE,
  pageCount,
  pageOf,
  rangeLabel,
  sortCandidates,
  yearsText,
  type Sort,
  type SortKey,
} from "./table";

interface Props {
  candidates: readonly Candidate[];
  /** What the table lists, for its caption ("Candidates: Kubernetes · Spanish ≥ B2"). */
  caption: string;
  selected: readonly string[];
  onToggle: (cvId: string) => void;
}

const COLUMNS: readonly { key: SortKey; label: string }[] = [
  { key: "name", label: "Name" },
  { key: "headline", label: "Headline" },
  { key: "location", label: "Location" },
];

const TH_BASE = "px-2 py-2 text-left text-xs font-semibold text-slate-700";
const TH = `${TH_BASE} tracking-wide uppercase`;
const TD = "px-2 py-2 align-top";
/** Conditions whose value a column of the table shows already (the ✓ alone says it is met). */
const SHOWN_ELSEWHERE = new Set(["years", "location"]);

/** "EN C1 · ES native": short, with each language's full name for screen readers and on hover. */
function Languages({ candidate }: { candidate: Candidate }) {
  if (candidate.languages.length === 0) return <>—</>;
  return (
    <ul className="flex flex-wrap gap-1">
      {candidate.languages.map(({ code, level }) => (
        <li key={code} className="rounded bg-slate-100 px-1 text-xs whitespace-nowrap text-slate-800">
          <abbr title={languageName(code)} className="font-semibold no-underline">
            {code.toUpperCase()}
          </abbr>
          <span className="sr-only"> ({languageName(code)})</span>
          {level ? ` ${level}` : ""}
        </li>
      ))}
    </ul>
  );
}

function SortHeader({ column, label, sort, onSort }: { column: SortKey; label: string; sort: Sort | null; onSort: (key: SortKey) => void }) {
  const active = sort?.key === column;
  return (
    <th scope="col" aria-sort={active ? sort.direction : "none"} className={TH}>
      <button
        type="button"
        onClick={() => {
          onSort(column);
        }}
        className="inline-flex items-center gap-1 rounded uppercase hover:text-indigo-700 focus-visible:outline-2 focus-visible:outline-indigo-500"
      >
        {label}
        <span aria-hidden="true" className={active ? "text-indigo-700" : "text-slate-500"}>
          {active ? (sort.direction === "ascending" ? "▲" : "▼") : "↕"}
        </span>
      </button>
    </th>
  );
}

export function CandidateTable({ candidates, caption, selected, onToggle }: Props) {
  const [sort, setSort] = useState<Sort | null>(null);
  const [page, setPage] = useState(0);
  const sorted = sortCandidates(candidates, sort);
  const pages = pageCount(sorted.length);
  const current = Math.min(page, pages - 1);
  const rows = pageOf(sorted, current);
  const conditions = candidates[0]?.conditions ?? [];
  const full = selected.length >= COMPARE_MAX;

  const onSort = (key: SortKey): void => {
    setSort((previous) => nextSort(previous, key));
    setPage(0);
  };

  return (
    <div data-testid="candidate-table">
      <div
        role="region"
        aria-label="Candidates table"
        // Focusable so that keyboard users can scroll a wide table sideways.
        tabIndex={0}
        className="relative overflow-x-auto rounded-lg border border-slate-200 bg-white focus-visible:outline-2 focus-visible:outline-indigo-500"
      >
        <table className="min-w-full border-collapse text-sm">
          <caption className="sr-only">{caption}. Column headers sort the table.</caption>
          <thead className="border-b border-slate-200 bg-slate-50">
            <tr>
              <th scope="col" className={`${TH} w-8`}>
                <span className="sr-only">Compare</span>
              </th>
              {COLUMNS.map(({ key, label }) => (
                <SortHeader key={key} column={key} label={label} sort={sort} onSort={onSort} />
              ))}
              <th scope="col" className={TH}>
                Languages
              </th>
              <SortHeader column="years" label="Years" sort={sort} onSort={onSort} />
              {conditions.map((condition) => (
                <th key={condition.key} scope="col" className={TH_BASE} data-condition={condition.key}>
                  {condition.label}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {rows.map((candidate) => {
              const checked = selected.includes(candidate.cv_id);
              return (
                <tr
                  key={candidate.cv_id}
                  data-testid="candidate-row"
                  data-cv-id={candidate.cv_id}
                  className={`border-b border-slate-100 last:border-0 ${checked ? "bg-indigo-50" : ""}`}
                >
                  <td className={TD}>
                    <input
                      type="checkbox"
                      checked={checked}
                      disabled={(!checked && full) || candidate.removed === true}
                      aria-label={`Select ${candidate.name} to compare`}
                      onChange={() => {
                        onToggle(candidate.cv_id);
                      }}
                      className="h-4 w-4 accent-indigo-600"
                    />
                  </td>
                  <th scope="row" className={`${TD} min-w-28 text-left font-semibold`}>
                    {candidate.removed ? (
                      <span className="text-slate-600">
                        <span data-testid="candidate-name">{candidate.name}</span>{" "}
                        <span className="rounded bg-slate-100 px-1.5 py-0.5 text-xs font-medium">CV removed</span>
                      </span>
                    ) : (
                      <EvidenceLink
                        cvId={candidate.cv_id}
                        name={candidate.name}
                        page={1}
                        snippet=""
                        label={candidate.name}
                        className="rounded text-left text-slate-900 underline decoration-slate-300 underline-offset-2 hover:text-indigo-700 focus-visible:outline-2 focus-visible:outline-indigo-500"
                      >
                        <span data-testid="candidate-name">{candidate.name}</span>
                      </EvidenceLink>
                    )}
                  </th>
                  <td className={`${TD} min-w-28 text-slate-700`}>{candidate.headline ?? "—"}</td>
                  <td className={`${TD} min-w-24 text-slate-700`}>{candidate.location ?? "—"}</td>
                  <td className={`${TD} min-w-24 text-slate-700`} data-testid="candidate-languages">
                    <Languages candidate={candidate} />
                  </td>
                  <td className={`${TD} text-right text-slate-700 tabular-nums`} data-testid="candidate-years">
                    {yearsText(candidate.years)}
                  </td>
                  {candidate.conditions.map((check) => (
                    <td key={check.key} className={`${TD} whitespace-nowrap`}>
                      <EvidenceCheck
                        cvId={candidate.cv_id}
                        name={candidate.name}
                        check={check}
                        removed={candidate.removed === true}
                        showValue={!SHOWN_ELSEWHERE.has(check.key)}
                      />
                    </td>
                  ))}
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
      {pages > 1 && (
        <nav aria-label="Candidate pages" className="mt-2 flex items-center justify-between gap-2 text-sm text-slate-700">
          <button
            type="button"
            disabled={current === 0}
            onClick={() => {
              setPage(current - 1);
            }}
            className="rounded-md border border-slate-300 bg-white px-3 py-1 hover:bg-slate-50 focus-visible:outline-2 focus-visible:outline-indigo-500 disabled:cursor-not-allowed disabled:opacity-60"
          >
            Previous
          </button>
          <p aria-live="polite">
            Page {current + 1} of {pages} · {rangeLabel(sorted.length, current, PAGE_SIZE)}
          </p>
          <button
            type="button"
            disabled={current >= pages - 1}
            onClick={() => {
              setPage(current + 1);
            }}
            className="rounded-md border border-slate-300 bg-white px-3 py-1 hover:bg-slate-50 focus-visible:outline-2 focus-visible:outline-indigo-500 disabled:cursor-not-allowed disabled:opacity-60"
          >
            Next
          </button>
        </nav>
      )}
    </div>
  );
}
