/** Where a CV is on its way to search, as a small coloured label. */
import type { CvStatus } from "../api/types";
import { statusLabel } from "../corpus/format";

// Partial: a status from a newer server falls back to the plain style.
const STYLES: Partial<Record<string, string>> = {
  queued: "bg-slate-100 text-slate-700",
  indexing: "bg-amber-100 text-amber-900",
  indexed: "bg-emerald-100 text-emerald-800",
  failed: "bg-red-100 text-red-800",
};

export function CvStatusBadge({ status }: { status: CvStatus }) {
  const pending = status === "queued" || status === "indexing";
  return (
    <span
      data-testid="cv-status"
      className={`inline-flex items-center gap-1.5 rounded-full px-2 py-0.5 text-xs font-medium ${STYLES[status] ?? "bg-slate-100 text-slate-700"}`}
    >
      {pending && (
        <span
          aria-hidden="true"
          className={`inline-block h-2.5 w-2.5 rounded-full border-2 ${
            status === "indexing" ? "animate-spin border-amber-300 border-t-amber-700" : "border-slate-400"
          }`}
        />
      )}
      {statusLabel(status)}
      {pending && "…"}
    </span>
  );
}
