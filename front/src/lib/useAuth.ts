/** The app's sign-in state: checked on start, dropped on any 401, changed by sign-in/out. */
import { useCallback, useEffect, useState } from "react";
import { onUnauthorized } from "../api/client";
import { checkSession, SESSION_ENDED, signInWithToken, signOut as endSession, type AuthState } from "./auth";

export interface Auth {
  state: AuthState;
  /** Resolves to an error message for the form, or null once signed in. */
  signIn: (token: string) => Promise<string | null>;
  signOut: () => Promise<void>;
  recheck: () => void;
}

export function useAuth(): Auth {
  const [state, setState] = useState<AuthState>({ kind: "checking" });
  const [generation, setGeneration] = useState(0);

  useEffect(() => {
    let cancelled = false;
    void checkSession().then((next) => {
      if (!cancelled) setState(next);
    });
    return () => {
      cancelled = true;
    };
  }, [generation]);

  // Any call answered 401 (expired or revoked session) sends a signed-in user to the form.
  useEffect(
    () =>
      onUnauthorized(() => {
        setState((current) => (current.kind === "signed-in" ? { kind: "signed-out", notice: SESSION_ENDED } : current));
      }),
    [],
  );

  const signIn = useCallback(async (token: string) => {
    const outcome = await signInWithToken(token);
    if ("error" in outcome) return outcome.error;
    setState(outcome.state);
    return null;
  }, []);

  const signOut = useCallback(async () => {
    const problem = await endSession();
    setState({ kind: "signed-out", notice: problem });
  }, []);

  const recheck = useCallback(() => {
    setState({ kind: "checking" });
    setGeneration((n) => n + 1);
  }, []);

  return { state, signIn, signOut, recheck };
}
