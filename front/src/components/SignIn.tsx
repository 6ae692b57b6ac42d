/**
 * Sign-in for token mode: paste the personal access token that `cvchat users create` printed.
 *
 * The token goes to the server once, in a POST body; the field has no `name` and the form posts
 * nowhere without script, so it can never land in a URL, and it is cleared once sent.
 */
import { useState, type SubmitEvent } from "react";

interface Props {
  /** Resolves to an error message to show, or null when signed in. */
  onSignIn: (token: string) => Promise<string | null>;
  /** Why the form is shown again (a session that ended), if it is. */
  notice?: string | null;
}

export function SignIn({ onSignIn, notice = null }: Props) {
  const [token, setToken] = useState("");
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  async function submit(event: SubmitEvent<HTMLFormElement>): Promise<void> {
    event.preventDefault();
    if (!token.trim() || busy) return;
    setBusy(true);
    setError(null);
    const sent = token;
    setToken("");
    try {
      const problem = await onSignIn(sent);
      if (problem) setError(problem);
    } finally {
      setBusy(false);
    }
  }

  return (
    <main className="flex min-h-dvh items-center justify-center px-4">
      <form
        method="post"
        onSubmit={(event) => void submit(event)}
        aria-labelledby="sign-in-title"
        className="w-full max-w-sm rounded-2xl border border-slate-200 bg-white p-6 shadow-sm"
      >
        <h1 id="sign-in-title" className="text-xl font-semibold">
          Sign in to cvchat
        </h1>
        <p className="mt-1 text-sm text-slate-600">
          Paste the access token your administrator gave you (<code className="text-xs">cvchat users create</code>{" "}
          prints it).
        </p>
        {notice && (
          <p role="status" className="mt-3 rounded-lg bg-amber-50 p-3 text-sm text-amber-900">
            {notice}
          </p>
        )}
        <label htmlFor="access-token" className="mt-5 block text-sm font-medium text-slate-700">
          Access token
        </label>
        <input
          id="access-token"
          type="password"
          value={token}
          autoFocus
          autoComplete="off"
          spellCheck={false}
          autoCapitalize="off"
          onChange={(event) => {
            setToken(event.target.value);
            setError(null);
          }}
          className="mt-1 w-full rounded-lg border border-slate-300 px-3 py-2 font-mono text-sm focus:border-indigo-500 focus:ring-2 focus:ring-indigo-200 focus:outline-none"
        />
        {error && (
          <p role="alert" className="mt-3 text-sm text-red-700">
            {error}
          </p>
        )}
        <button
          type="submit"
          disabled={busy || token.trim() === ""}
          className="mt-5 w-full rounded-lg bg-indigo-600 px-4 py-2 font-semibold text-white hover:bg-indigo-700 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-indigo-600 disabled:bg-indigo-300"
        >
          {busy ? "Signing in…" : "Sign in"}
        </button>
      </form>
    </main>
  );
}
