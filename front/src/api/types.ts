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
  /** A user message posted with a structured query (a chip removed or edited). */
  query?: CandidateQuery | null;
  /** An assistant message that is an exact answer: its table; null for open answers. */
  answer?: ExactAnswer | null;
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

/** The `final` event's data: the text and its sources, and for an exact answer its result. */
export interface FinalData extends Partial<ExactAnswer> {
  text: string;
  sources: Source[];
}

/** One event of a run's log, as the SSE stream delivers it. */
export type RunEvent =
  | { seq: number; type: "token"; data: { text: string } }
  | { seq: number; type: "tool_start"; data: { tool: string; input: unknown } }
  | { seq: number; type: "tool_end"; data: { tool: string; output: unknown } }
  | { seq: number; type: "final"; data: FinalData }
  | { seq: number; type: "error"; data: { error: string } }
  | { seq: number; type: "canceled"; data: { reason: string } }
  | { seq: number; type: "state"; data: { status: RunStatus } };

export type RunEventType = RunEvent["type"];

// ---------------------------------------------------------------- exact answers

/** CEFR level or native, lowest to highest. */
export type LanguageLevel = "A1" | "A2" | "B1" | "B2" | "C1" | "C2" | "native";
export const LANGUAGE_LEVELS: readonly LanguageLevel[] = ["A1", "A2", "B1", "B2", "C1", "C2", "native"];

/** The lowest acceptable degree. */
export type DegreeLevel = "bachelor" | "master" | "phd";
export const DEGREE_LEVELS: readonly DegreeLevel[] = ["bachelor", "master", "phd"];

export type QueryOperation = "list" | "count" | "compare" | "describe" | "open";

export interface LanguageFilter {
  /** ISO 639-1 code, e.g. "es". */
  code: string;
  /** Lowest acceptable level; absent or null: any level. */
  min_level?: LanguageLevel | null;
}

/**
 * The structured query an exact answer ran (`profiles.query`): every filter a match meets.
 * The server omits defaults (empty lists, nulls); the client sends it back the same way.
 */
export interface CandidateQuery {
  skills_all?: string[];
  skills_any?: string[];
  languages?: LanguageFilter[];
  location?: string | null;
  min_years?: number | null;
  employer?: string | null;
  degree?: DegreeLevel | null;
  certification?: string | null;
  names?: string[];
  operation?: QueryOperation;
  /** What no filter captures: ranks, does not filter. */
  text?: string;
}

export type AnswerKind = "list" | "count" | "compare" | "describe";

/** Where a fact is written: the page of the CV and its own words. */
export interface Evidence {
  page: number;
  snippet: string;
  url: string;
}

/** One condition of the query, checked on one candidate. */
export interface ConditionCheck {
  /** "skill:Kubernetes", "language:es", "location", "years", "employer", "degree", … */
  key: string;
  /** "Kubernetes", "Spanish ≥ B2", "Berlin", "≥ 5 years" */
  label: string;
  met: boolean;
  /** What the candidate has: "native", "7.5 years", "Madrid, Spain". */
  value: string | null;
  evidence: Evidence[];
}

export interface CandidateLanguage {
  code: string;
  level: string | null;
}

/** One candidate of an exact answer (or of `GET /api/candidates`). */
export interface Candidate {
  cv_id: string;
  name: string;
  headline: string | null;
  location: string | null;
  languages: CandidateLanguage[];
  years: number | null;
  file: string;
  matched: boolean;
  score: number;
  relevance?: Evidence | null;
  conditions: ConditionCheck[];
  /** A stored answer's candidate whose CV was deleted since: the row stays, its PDF is gone. */
  removed?: boolean | null;
}

/** What an exact answer computed: every match (not only the 25 the text names). */
export interface ExactAnswer {
  answer_kind: AnswerKind;
  total: number;
  query: CandidateQuery;
  candidates: Candidate[];
  near_misses: Candidate[];
}

/** A profile fact's evidence (`GET /api/candidates/{cv_id}`: no url, the client makes it). */
export interface FactEvidence {
  page: number;
  snippet: string;
}

/** `GET /api/candidates/{cv_id}`: one candidate's profile, every fact with its evidence. */
export interface CandidateProfile {
  cv_id: string;
  name: { value: string; evidence: FactEvidence } | null;
  headline: { value: string; evidence: FactEvidence } | null;
  location: { city: string | null; country: string | null; evidence: FactEvidence } | null;
  languages: { code: string; name: string; level: LanguageLevel | null; evidence: FactEvidence }[];
  skills: { name: string; evidence: FactEvidence }[];
  jobs: {
    employer: string;
    title: string | null;
    start: string | null;
    end: string | null;
    current: boolean;
    evidence: FactEvidence;
  }[];
  experience: { years: number; as_of: string; evidence: FactEvidence } | null;
  education: {
    degree: string;
    level: DegreeLevel | null;
    institution: string | null;
    end_year: number | null;
    completed: boolean;
    evidence: FactEvidence;
  }[];
  certifications: { name: string; evidence: FactEvidence }[];
  file: string | null;
  pdf_url: string;
  version: string;
}

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
