/** The corpus as `GET /api/cvs` lists it, asked again every second while a CV is on its way. */
import { useCallback, useEffect, useState } from "react";
import { api, ApiError } from "../api/client";
import { PENDING_CV_STATUSES, type CvSummary } from "../api/types";

export const POLL_MS = 1000;

export interface CvListState {
  cvs: readonly CvSummary[];
  loaded: boolean;
  /** Why the last look failed (the list shown is then the one before). */
  error: string | null;
}

export interface CvListView extends CvListState {
  /** Asks the server again now. */
  refresh: () => void;
  /** Takes a CV out of the list at once (it was deleted). */
  drop: (cvId: string) => void;
}

export function isPending(cv: CvSummary): boolean {
  return PENDING_CV_STATUSES.includes(cv.status);
}

/** Newest additions first; the operator's CVs (no `added_at`) after them, by name. */
export function byAdded(a: CvSummary, b: CvSummary): number {
  if (a.added_at !== b.added_at) {
    if (a.added_at === null) return 1;
    if (b.added_at === null) return -1;
    return a.added_at < b.added_at ? 1 : -1;
  }
  return a.name.localeCompare(b.name);
}

export function useCvList(pollMs = POLL_MS): CvListView {
  const [state, setState] = useState<CvListState>({ cvs: [], loaded: false, error: null });
  const [generation, setGeneration] = useState(0);

  const refresh = useCallback(() => {
    setGeneration((n) => n + 1);
  }, []);

  useEffect(() => {
    let cancelled = false;
    api.listCvs().then(
      (list) => {
        if (!cancelled) setState({ cvs: [...list.cvs].sort(byAdded), loaded: true, error: null });
      },
      (error: unknown) => {
        if (cancelled) return;
        const message = error instanceof ApiError ? error.message : "The server could not be reached.";
        setState((current) => ({ ...current, loaded: true, error: `The list of CVs could not be loaded: ${message}` }));
      },
    );
    return () => {
      cancelled = true;
    };
  }, [generation]);

  // While a CV is queued or indexing look again shortly; after a failed look, a little later.
  const waiting = state.error !== null || state.cvs.some(isPending);
  useEffect(() => {
    if (!state.loaded || !waiting) return;
    const timer = setTimeout(refresh, state.error === null ? pollMs : 5 * pollMs);
    return () => {
      clearTimeout(timer);
    };
  }, [state, waiting, pollMs, refresh]);

  const drop = useCallback((cvId: string) => {
    setState((current) => ({ ...current, cvs: current.cvs.filter((cv) => cv.cv_id !== cvId) }));
  }, []);

  return { ...state, refresh, drop };
}
