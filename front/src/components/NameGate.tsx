/** Who is asking: creates the user, or offers to continue as the owner of a taken name. */
import { useState, type SubmitEvent } from "react";
import { api, ApiError } from "../api/client";
import type { User } from "../api/types";

export function NameGate({ onUser }: { onUser: (user: User) => void }) {
  const [name, setName] = useState("");
  const [taken, setTaken] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  async function submit(event: SubmitEvent<HTMLFormElement>): Promise<void> {
    event.preventDefault();
    const trimmed = name.trim();
    if (!trimmed) return;
    setBusy(true);
    setError(null);
    setTaken(null);
    try {
      onUser(await api.createUser(trimmed));
    } catch (err) {
      if (err instanceof ApiError && err.status === 409) setTaken(trimmed);
      else setError(err instanceof Error ? err.message : String(err));
    } finally {
      setBusy(false);
    }
  }

  async function continueAs(existing: string): Promise<void> {
    setBusy(true);
    setError(null);
    try {
      onUser(await api.findUser(existing));
    } catch (err) {
      setError(err instanceof Error ? err.message : String(err));
    } finally {
      setBusy(false);
    }
  }

  return (
    <main className="flex min-h-dvh items-center justify-center px-4">
      <form
        onSubmit={(event) => void submit(event)}
        aria-labelledby="gate-title"
        className="w-full max-w-sm rounded-2xl border border-slate-200 bg-white p-6 shadow-sm"
      >
        <h1 id="gate-title" className="text-xl font-semibold">
          Welcome to cvchat
        </h1>
        <p className="mt-1 text-sm text-slate-600">Choose a name to keep your conversations.</p>
        <label htmlFor="user-name" className="mt-5 block text-sm font-medium text-slate-700">
          Your name
        </label>
        <input
          id="user-name"
          value={name}
          maxLength={200}
          autoFocus
          autoComplete="nickname"
          onChange={(event) => {
            setName(event.target.value);
            setTaken(null);
          }}
          className="mt-1 w-full rounded-lg border border-slate-300 px-3 py-2 focus:border-indigo-500 focus:ring-2 focus:ring-indigo-200 focus:outline-none"
        />
        {taken && (
          <div role="alert" className="mt-3 rounded-lg bg-amber-50 p-3 text-sm text-amber-900">
            <p>The name “{taken}” is already taken.</p>
            <div className="mt-2 flex flex-wrap gap-2">
              <button
                type="button"
                disabled={busy}
                onClick={() => void continueAs(taken)}
                className="rounded-md bg-amber-600 px-3 py-1 font-semibold text-white hover:bg-amber-700 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-amber-600"
              >
                Continue as {taken}
              </button>
              <button
                type="button"
                onClick={() => {
                  setTaken(null);
                  setName("");
                }}
                className="rounded-md px-3 py-1 text-amber-900 underline-offset-2 hover:underline"
              >
                Choose another name
              </button>
            </div>
          </div>
        )}
        {error && (
          <p role="alert" className="mt-3 text-sm text-red-700">
            {error}
          </p>
        )}
        <button
          type="submit"
          disabled={busy || name.trim() === ""}
          className="mt-5 w-full rounded-lg bg-indigo-600 px-4 py-2 font-semibold text-white hover:bg-indigo-700 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-indigo-600 disabled:bg-indigo-300"
        >
          Start
        </button>
      </form>
    </main>
  );
}
