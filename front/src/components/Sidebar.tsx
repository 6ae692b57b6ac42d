/** The user's threads, newest activity first, the way to start a new one, and (admins) the Corpus page. */
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
  /** Opens the Corpus page; without it (not an admin) there is no Corpus entry. */
  onCorpus?: () => void;
  corpusOpen?: boolean;
}

function CorpusLink({ open, onOpen }: { open: boolean; onOpen: () => void }) {
  return (
    <a
      href="?view=corpus"
      aria-current={open ? "page" : undefined}
      onClick={(event) => {
        event.preventDefault();
        onOpen();
      }}
      className={`mt-2 flex items-center gap-2 rounded-lg px-3 py-2 text-sm focus-visible:outline-2 focus-visible:outline-indigo-400 ${
        open ? "bg-slate-700 text-white" : "text-slate-300 hover:bg-slate-800"
      }`}
    >
      <svg aria-hidden="true" viewBox="0 0 20 20" className="h-4 w-4" fill="currentColor">
        <path d="M4 3h8l4 4v10H4zm7 1.5V8h3.5zM6 10v1.5h8V10zm0 3v1.5h8V13z" />
      </svg>
      Corpus
    </a>
  );
}

export function Sidebar({
  user,
  threads,
  currentThreadId,
  onSelect,
  onNew,
  onSignOut,
  signOutLabel = "Switch user",
  onCorpus,
  corpusOpen = false,
}: Props) {
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
        {onCorpus && <CorpusLink open={corpusOpen} onOpen={onCorpus} />}
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
