/** Shapes of the cvchat HTTP API (see shared/DESIGN.md, "HTTP API"). */

export interface User {
  user_id: string;
  name: string;
  created_at: string;
}

/** What the chat needs to know about who is asking. */
export type Identity = Pick<User, "user_id" | "name">;

export type AuthMode = "none" | "token";

/** `GET /api/session`: the auth mode, and in token mode who is signed in. */
export interface Session {
  auth_mode: AuthMode;
  user_id: string | null;
  name: string | null;
  /** May add and delete CVs; always true in auth mode none. Absent from servers before issue 17. */
  is_admin?: boolean;
}

export interface ThreadSummary {
  thread_id: string;
  title: string | null;
  created_at: string;
  updated_at?: string;
}

export type RunStatus = "queued" | "running" | "done" | "error" | "canceled";

export const TERMINAL_STATUSES: readonly RunStatus[] = ["done", "error", "canceled"];

export function isTerminal(status: RunStatus): boolean {
  return TERMINAL_STATUSES.includes(status);
}

export interface Source {
  cv_id: string;
  name: string;
  headline: string;
  file: string;
  page: number;
  snippet: string;
  /** Retrieval's score; absent on an exact answer's evidence (every CV was checked). */
  score?: number | null;
  url?: string | null;
  /** The passage numbers (`[n]` in the answer) that this source stands for. */
  citations?: number[] | null;
  /** The CV was deleted from the corpus since: the snippet stays, its PDF is gone. */
  removed?: boolean | null;
}

export interface Message {
  message_id: string;
  role: "user" | "assistant";
  content: string;
  run_id: string | null;
  created_at: string;
  sources?: Source[] | null;
  run_status?: RunStatus | null;
}

export interface ThreadDetail {
  thread_id: string;
  user_id: string;
  messages: Message[];
}

export interface PostedMessage {
  run_id: string;
  thread_id: string;
  message_id: string;
  status: RunStatus;
}

export interface Run {
  run_id: string;
  thread_id: string;
  status: RunStatus;
  created_at: string;
  started_at: string | null;
  finished_at: string | null;
  error: string | null;
}

/** One event of a run's log, as the SSE stream delivers it. */
export type RunEvent =
  | { seq: number; type: "token"; data: { text: string } }
  | { seq: number; type: "tool_start"; data: { tool: string; input: unknown } }
  | { seq: number; type: "tool_end"; data: { tool: string; output: unknown } }
  | { seq: number; type: "final"; data: { text: string; sources: Source[] } }
  | { seq: number; type: "error"; data: { error: string } }
  | { seq: number; type: "canceled"; data: { reason: string } }
  | { seq: number; type: "state"; data: { status: RunStatus } };

export type RunEventType = RunEvent["type"];

// ---------------------------------------------------------------- corpus

/** Where an uploaded CV is on its way to search. */
export type CvStatus = "queued" | "indexing" | "indexed" | "failed";

export const PENDING_CV_STATUSES: readonly CvStatus[] = ["queued", "indexing"];

export type CvMediaType =
  | "application/pdf"
  | "application/vnd.openxmlformats-officedocument.wordprocessingml.document";

/** One CV of `GET /api/cvs`: indexed ones, and uploads on their way (named by their file until indexed). */
export interface CvSummary {
  cv_id: string;
  name: string;
  headline: string;
  language: string;
  file: string;
  pdf_url: string;
  pages: number;
  chunks: number;
  status: CvStatus;
  error: string | null;
  /** ISO 8601; null for CVs the operator put in the corpus folder. */
  added_at: string | null;
  media_type: CvMediaType;
  /** Pages whose text came from OCR (a scan); absent from servers without OCR. */
  ocr_pages?: number[];
}

export interface CvList {
  version: string | null;
  cvs: CvSummary[];
}

/** `GET /api/cvs/{cv_id}`. */
export interface CvDetail {
  cv_id: string;
  name: string;
  file: string;
  status: CvStatus;
  error: string | null;
  pages: number;
  language: string;
  added_at: string | null;
  media_type: CvMediaType;
  ocr_pages: number[];
  profile: Record<string, unknown> | null;
}

/** One file of `POST /api/cvs`'s answer; `duplicate` when the same bytes were there already. */
export interface UploadedCv {
  cv_id: string;
  file: string;
  status: CvStatus;
  duplicate: boolean;
}
