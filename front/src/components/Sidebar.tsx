/** The user's threads, newest activity first, and the way to start a new one. */
import type { Identity, ThreadSummary } from "../api/types";

interface Props {
  user: Identity;
  threads: readonly ThreadSummary[];
  currentThreadId: string | null;
  onSelect: (threadId: string) => void;
  onNew: () => void;
  onSignOut: () => void;
  /** "Switch user" without accounts (auth mode none), "Sign out" with tokens. */
  signOutLabel?: string;
}

export function Sidebar({ user, threads, currentThreadId, onSelect, onNew, onSignOut, signOutLabel = "Switch user" }: Props) {
  return (
    <div className="flex h-full flex-col bg-slate-900 text-slate-100">
      <div className="p-3">
        <button
          type="button"
          onClick={onNew}
          className="flex w-full items-center justify-center gap-2 rounded-lg border border-slate-600 px-3 py-2 text-sm font-medium hover:bg-slate-800 focus-visible:outline-2 focus-visible:outline-indigo-400"
        >
          <svg aria-hidden="true" viewBox="0 0 20 20" className="h-4 w-4" fill="currentColor"><path d="M9 4h2v5h5v2h-5v5H9v-5H4V9h5z" /></svg>
          New chat
        </button>
      </div>
      <nav aria-label="Conversations" className="min-h-0 flex-1 overflow-y-auto px-2">
        {threads.length === 0 ? (
          <p className="px-2 py-4 text-sm text-slate-400">No conversations yet.</p>
        ) : (
          <ul className="space-y-0.5">
            {threads.map((thread) => {
              const current = thread.thread_id === currentThreadId;
              return (
                <li key={thread.thread_id}>
                  <a
                    href={`?thread=${encodeURIComponent(thread.thread_id)}`}
                    aria-current={current ? "page" : undefined}
                    onClick={(event) => {
                      event.preventDefault();
                      onSelect(thread.thread_id);
                    }}
                    className={`block truncate rounded-md px-3 py-2 text-sm focus-visible:outline-2 focus-visible:outline-indigo-400 ${
                      current ? "bg-slate-700 text-white" : "text-slate-300 hover:bg-slate-800"
                    }`}
                  >
                    {thread.title ?? "New conversation"}
                  </a>
                </li>
              );
            })}
          </ul>
        )}
      </nav>
      <div className="flex items-center justify-between gap-2 border-t border-slate-700 p-3 text-sm">
        <span className="truncate" title={user.name}>
          <span className="sr-only">Signed in as </span>
          {user.name}
        </span>
        <button
          type="button"
          onClick={onSignOut}
          className="shrink-0 rounded px-2 py-1 text-xs text-slate-400 hover:bg-slate-800 hover:text-white focus-visible:outline-2 focus-visible:outline-indigo-400"
        >
          {signOutLabel}
        </button>
      </div>
    </div>
  );
}
