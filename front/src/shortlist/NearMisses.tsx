/**
 * When nobody meets every condition: the nearest misses, in their own clearly marked section,
 * each with what it lacks and the evidence for what it has. Never called matches.
 */
import { useId } from "react";
import type { Candidate } from "../api/types";
import { EvidenceCheck } from "./EvidenceCheck";

export function NearMisses({ candidates }: { candidates: readonly Candidate[] }) {
  const heading = useId();
  if (candidates.length === 0) return null;
  return (
    <section
      aria-labelledby={heading}
      data-testid="near-misses"
      className="rounded-lg border border-dashed border-amber-400 bg-amber-50 p-3"
    >
      <h3 id={heading} className="text-sm font-semibold text-amber-900">
        Nearest misses — not matches
      </h3>
      <p className="mb-2 text-xs text-amber-900">No candidate meets every condition. These come closest; each lacks what is listed.</p>
      <ul className="space-y-2">
        {candidates.map((candidate) => {
          const lacking = candidate.conditions.filter((c) => !c.met);
          const has = candidate.conditions.filter((c) => c.met);
          return (
            <li key={candidate.cv_id} data-testid="near-miss" className="rounded-md bg-white p-2 text-sm shadow-sm">
              <p>
                <span className="font-semibold text-slate-900">{candidate.name}</span>
                {candidate.headline ? <span className="text-slate-600"> — {candidate.headline}</span> : null}
              </p>
              <p className="text-red-800">
                <span className="font-semibold">Lacks:</span> {lacking.map((c) => c.label).join(", ")}
              </p>
              {has.length > 0 && (
                <ul aria-label={`What ${candidate.name} has`} className="mt-1 flex flex-wrap gap-x-3 gap-y-1 text-slate-700">
                  {has.map((check) => (
                    <li key={check.key} className="inline-flex items-center gap-1">
                      {check.label}
                      <EvidenceCheck cvId={candidate.cv_id} name={candidate.name} check={check} removed={candidate.removed === true} />
                    </li>
                  ))}
                </ul>
              )}
            </li>
          );
        })}
      </ul>
    </section>
  );
}
