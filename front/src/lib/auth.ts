/**
 * Who the server takes this browser for, from `GET /api/session`.
 *
 * In auth mode `none` there are no accounts: the chat asks for a name as it always did. In
 * `token` mode the person pastes a personal access token once; the server answers with an
 * HttpOnly session cookie, so the token itself is never kept by the page (no URL, no storage).
 */
import { api, ApiError } from "../api/client";
import type { Identity, Session } from "../api/types";

export type AuthState =
  | { kind: "checking" }
  /** Auth mode none: the name gate and the local user, as before tokens existed (everyone is admin). */
  | { kind: "open"; isAdmin: boolean }
  | { kind: "signed-out"; notice: string | null }
  /** `isAdmin`: may add and delete CVs (the Corpus page). */
  | { kind: "signed-in"; user: Identity; isAdmin: boolean }
  | { kind: "unreachable"; message: string };

export const SESSION_ENDED = "Your session has ended. Sign in again to go on.";

export function stateOf(session: Session): AuthState {
  // Without accounts everyone is the local admin (a server that does not say so predates roles).
  if (session.auth_mode === "none") return { kind: "open", isAdmin: session.is_admin ?? true };
  if (session.user_id && session.name !== null) {
    return { kind: "signed-in", user: { user_id: session.user_id, name: session.name }, isAdmin: session.is_admin === true };
  }
  return { kind: "signed-out", notice: null };
}

/** Asks the server; never throws. */
export async function checkSession(): Promise<AuthState> {
  try {
    return stateOf(await api.getSession());
  } catch (error) {
    if (error instanceof ApiError && error.status === 401) return { kind: "signed-out", notice: null };
    // A server without the session API predates tokens: it is open.
    if (error instanceof ApiError && error.status === 404) return { kind: "open", isAdmin: false };
    const message = error instanceof ApiError ? error.message : "The server could not be reached.";
    return { kind: "unreachable", message };
  }
}

/** Trades a token for a session; a refused token is a message for the form, not an exception. */
export async function signInWithToken(token: string): Promise<{ state: AuthState } | { error: string }> {
  const trimmed = token.trim();
  if (!trimmed) return { error: "Paste your access token." };
  try {
    return { state: stateOf(await api.signIn(trimmed)) };
  } catch (error) {
    if (error instanceof ApiError && error.status === 401) {
      return { error: "This token is not valid: it may be mistyped, expired or revoked." };
    }
    if (error instanceof ApiError && error.status === 429) {
      return { error: "Too many attempts. Wait a minute and try again." };
    }
    return { error: error instanceof ApiError ? error.message : "The server could not be reached." };
  }
}

/** Ends the session on the server (the cookie is cleared by its answer). */
export async function signOut(): Promise<string | null> {
  try {
    await api.signOut();
    return null;
  } catch (error) {
    // Already gone (401) is what we wanted; anything else leaves the cookie in place.
    if (error instanceof ApiError && error.status === 401) return null;
    return "The server could not be reached: you may still be signed in on this browser.";
  }
}
