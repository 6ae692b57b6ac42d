/** The full profiles of a few candidates (`GET /api/candidates/{cv_id}`), for the comparison. */
import { useEffect, useState } from "react";
import { api, ApiError } from "../api/client";
import type { CandidateProfile } from "../api/types";

export type Loaded =
  | { state: "loading" }
  | { state: "error"; message: string }
  | { state: "ready"; profiles: CandidateProfile[] };

/** The profiles of `cvIds`, in that order. */
export function useCandidateProfiles(cvIds: readonly string[]): Loaded {
  const key = cvIds.join(",");
  const [loaded, setLoaded] = useState<{ key: string; value: Loaded }>({ key: "", value: { state: "loading" } });
  useEffect(() => {
    let cancelled = false;
    const ids = key.split(",").filter(Boolean);
    Promise.all(ids.map((id) => api.getCandidate(id))).then(
      (profiles) => {
        if (!cancelled) setLoaded({ key, value: { state: "ready", profiles } });
      },
      (error: unknown) => {
        if (cancelled) return;
        const message =
          error instanceof ApiError
            ? error.status === 404
              ? "One of these candidates is no longer in the corpus."
              : error.message
            : "The profiles could not be loaded. Check your connection and try again.";
        setLoaded({ key, value: { state: "error", message } });
      },
    );
    return () => {
      cancelled = true;
    };
  }, [key]);
  return loaded.key === key ? loaded.value : { state: "loading" };
}
