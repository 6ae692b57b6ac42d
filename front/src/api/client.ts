/** Thin typed wrappers over the cvchat HTTP API; errors carry the status and the server's detail. */
import type {
  CandidateProfile,
  CandidateQuery,
  CvDetail,
  CvList,
  Message,
  PostedMessage,
  Run,
  Session,
  ThreadDetail,
  ThreadSummary,
  User,
} from "./types";

export class ApiError extends Error {
  readonly status: number;
  readonly body: unknown;

  constructor(status: number, message: string, body: unknown) {
    super(message);
    this.name = "ApiError";
    this.status = status;
    this.body = body;
  }
}

/** The human-readable `detail` of an error body (a string, or FastAPI's list of validation errors). */
export function detailOf(body: unknown, fallback: string): string {
  if (body && typeof body === "object" && "detail" in body) {
    const detail = (body).detail;
    if (typeof detail === "string") return detail;
    if (Array.isArray(detail)) {
      return detail
        .map((d: unknown) =>
          d && typeof d === "object" && "msg" in d ? String((d).msg) : String(d),
        )
        .join("; ");
    }
    if (detail && typeof detail === "object" && "message" in detail) {
      return String((detail).message);
    }
  }
  return fallback;
}

type Listener = () => void;
const unauthorizedListeners = new Set<Listener>();

/**
 * Subscribes to "the server no longer knows who we are" (a 401 on any call but the session
 * ones): the app answers by showing the sign-in form. Returns the unsubscribe function.
 */
export function onUnauthorized(listener: Listener): () => void {
  unauthorizedListeners.add(listener);
  return () => {
    unauthorizedListeners.delete(listener);
  };
}

export function notifyUnauthorized(): void {
  for (const listener of [...unauthorizedListeners]) listener();
}

// The session cookie is HttpOnly and same-origin: fetch sends it, scripts never see it.
async function request<T>(path: string, init?: RequestInit, { quiet401 = false } = {}): Promise<T> {
  const response = await fetch(path, {
    ...init,
    credentials: "same-origin",
    headers: { Accept: "application/json", ...(init?.body ? { "Content-Type": "application/json" } : {}) },
  });
  const text = await response.text();
  let body: unknown = null;
  if (text) {
    try {
      body = JSON.parse(text) as unknown;
    } catch {
      body = text;
    }
  }
  if (!response.ok) {
    if (response.status === 401 && !quiet401) notifyUnauthorized();
    throw new ApiError(response.status, detailOf(body, `${response.status} ${response.statusText}`), body);
  }
  return body as T;
}

const json = (value: unknown): RequestInit => ({ method: "POST", body: JSON.stringify(value) });

export const api = {
  /** Who the server takes us for; 401 in token mode when not signed in. */
  getSession: () => request<Session>("/api/session", undefined, { quiet401: true }),
  /** Trades a personal access token for an HttpOnly session cookie; 401 for a bad token. */
  signIn: (token: string) => request<Session>("/api/session", json({ token }), { quiet401: true }),
  signOut: () => request<null>("/api/session", { method: "DELETE" }, { quiet401: true }),
  createUser: (name: string) => request<User>("/api/users", json({ name })),
  /** Looks a user up by exact name: how "continue as this user" works after a 409. */
  findUser: (name: string) => request<User>(`/api/users?name=${encodeURIComponent(name)}`),
  createThread: (userId: string) =>
    request<{ thread_id: string; user_id: string; created_at: string }>("/api/threads", json({ user_id: userId })),
  async listThreads(userId: string): Promise<ThreadSummary[]> {
    const body = await request<ThreadSummary[] | { threads: ThreadSummary[] }>(
      `/api/users/${encodeURIComponent(userId)}/threads`,
    );
    return Array.isArray(body) ? body : body.threads;
  },
  getThread: (threadId: string) => request<ThreadDetail>(`/api/threads/${encodeURIComponent(threadId)}`),
  /** With `query`, the run answers exactly that structured query (`content` is its readable form). */
  postMessage: (threadId: string, content: string, query?: CandidateQuery) =>
    request<PostedMessage>(
      `/api/threads/${encodeURIComponent(threadId)}/messages`,
      json(query ? { content, query } : { content }),
    ),
  getRun: (runId: string) => request<Run>(`/api/runs/${encodeURIComponent(runId)}`),
  cancelRun: (runId: string) => request<Run>(`/api/runs/${encodeURIComponent(runId)}/cancel`, { method: "POST" }),
  /** Every CV: indexed ones and uploads still on their way. Uploads go through `uploadCv` (api/upload.ts). */
  listCvs: () => request<CvList>("/api/cvs"),
  getCv: (cvId: string) => request<CvDetail>(`/api/cvs/${encodeURIComponent(cvId)}`),
  /** One candidate's full profile, every fact with its page and the CV's own words. */
  getCandidate: (cvId: string) => request<CandidateProfile>(`/api/candidates/${encodeURIComponent(cvId)}`),
  /** Removes the CV for good (204); 404 when it is gone already, 403 for non-admins. */
  deleteCv: (cvId: string) => request<null>(`/api/cvs/${encodeURIComponent(cvId)}`, { method: "DELETE" }),
};

export type { Message };
