/**
 * The files being added on the Corpus page, one entry per file: waiting for its turn, sending
 * (the share sent so far), checked by the server, then accepted (with its `cv_id`), already in the
 * corpus, or failed with the reason next to it. Pure: `useUploads` does the requests.
 */
import { MAX_UPLOAD_BYTES } from "../api/upload";
import type { UploadedCv } from "../api/types";

export type UploadPhase =
  /** Queued in this page, not sent yet. */
  | "waiting"
  /** Bytes on their way (see `sent`). */
  | "sending"
  /** Every byte sent: the server is checking the file. */
  | "checking"
  /** Stored; the CV list says how its indexing goes. */
  | "accepted"
  /** The same bytes were in the corpus already. */
  | "duplicate"
  | "failed";

export interface Upload {
  key: string;
  name: string;
  size: number;
  phase: UploadPhase;
  /** Share of the request sent, 0 to 1. */
  sent: number;
  cvId: string | null;
  error: string | null;
}

export interface NewFile {
  key: string;
  name: string;
  size: number;
}

export type UploadAction =
  | { type: "added"; files: readonly NewFile[] }
  | { type: "started"; key: string }
  | { type: "progressed"; key: string; loaded: number; total: number }
  | { type: "accepted"; key: string; cv: UploadedCv }
  | { type: "failed"; key: string; error: string }
  | { type: "dismissed"; key: string }
  | { type: "cleared" };

export type UploadsState = readonly Upload[];

const MB = 1024 * 1024;

export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < MB) return `${Math.round(bytes / 1024)} KB`;
  return `${(bytes / MB).toFixed(1)} MB`;
}

/** Why a file is not sent at all (checked before any byte leaves), or null. */
export function refusal(size: number): string | null {
  if (size > MAX_UPLOAD_BYTES) {
    return `This file is ${formatBytes(size)}: the limit is ${MAX_UPLOAD_BYTES / MB} MB. It was not sent.`;
  }
  return null;
}

function update(state: UploadsState, key: string, change: (upload: Upload) => Upload): UploadsState {
  return state.map((upload) => (upload.key === key ? change(upload) : upload));
}

export function uploadsReducer(state: UploadsState, action: UploadAction): UploadsState {
  switch (action.type) {
    case "added":
      return [
        ...state,
        ...action.files.map((file): Upload => {
          const error = refusal(file.size);
          return { ...file, phase: error ? "failed" : "waiting", sent: 0, cvId: null, error };
        }),
      ];
    case "started":
      return update(state, action.key, (u) => (u.phase === "waiting" ? { ...u, phase: "sending", sent: 0 } : u));
    case "progressed":
      return update(state, action.key, (u) => {
        if (u.phase !== "sending") return u;
        const sent = action.total > 0 ? Math.min(action.loaded / action.total, 1) : 0;
        return { ...u, sent, phase: sent >= 1 ? "checking" : "sending" };
      });
    case "accepted":
      return update(state, action.key, (u) => ({
        ...u,
        phase: action.cv.duplicate ? "duplicate" : "accepted",
        sent: 1,
        cvId: action.cv.cv_id,
        error: null,
      }));
    case "failed":
      return update(state, action.key, (u) => ({ ...u, phase: "failed", error: action.error }));
    case "dismissed":
      return state.filter((u) => u.key !== action.key);
    case "cleared":
      return state.filter((u) => !isDone(u));
  }
}

export function isDone(upload: Upload): boolean {
  return upload.phase === "accepted" || upload.phase === "duplicate" || upload.phase === "failed";
}

export function isInFlight(upload: Upload): boolean {
  return upload.phase === "sending" || upload.phase === "checking";
}

/** The waiting uploads to start now, so that at most `limit` are in flight. */
export function nextToStart(state: UploadsState, limit: number): Upload[] {
  const free = limit - state.filter(isInFlight).length;
  return free > 0 ? state.filter((u) => u.phase === "waiting").slice(0, free) : [];
}

/** Share of the file sent, 0–100. */
export function percentSent(upload: Upload): number {
  return Math.floor(100 * upload.sent);
}
