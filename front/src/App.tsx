/**
 * Layout and navigation: who is signed in, which thread (or, for admins, the Corpus page) is open,
 * the sidebar drawer on phones.
 *
 * `GET /api/session` decides the entry: in auth mode none the name gate (a name kept in this
 * browser); in token mode the sign-in form, and back to it on sign-out or on any 401.
 */
import { useCallback, useEffect, useRef, useState } from "react";
import { api, ApiError } from "./api/client";
import type { Identity, ThreadSummary, User } from "./api/types";
import { Conversation } from "./components/Conversation";
import { CorpusPage } from "./components/CorpusPage";
import { NameGate } from "./components/NameGate";
import { Sidebar } from "./components/Sidebar";
import { SignIn } from "./components/SignIn";
import { UploadsProvider } from "./components/UploadsProvider";
import { pushCorpus, pushThread, threadFromUrl, viewFromUrl, type View } from "./lib/location";
import { loadUser, saveUser } from "./lib/session";
import { useAuth } from "./lib/useAuth";
import { EvidenceViewerProvider } from "./viewer/EvidenceViewerProvider";

export function App() {
  const { state, signIn, signOut, recheck } = useAuth();
  switch (state.kind) {
    case "checking":
      return (
        <main className="flex min-h-dvh items-center justify-center">
          <p role="status" className="text-sm text-slate-500">
            Loading…
          </p>
        </main>
      );
    case "unreachable":
      return (
        <main className="flex min-h-dvh flex-col items-center justify-center gap-3 px-4">
          <p role="alert" className="text-sm text-red-700">
            {state.message}
          </p>
          <button
            type="button"
            onClick={recheck}
            className="rounded-lg bg-indigo-600 px-4 py-2 text-sm font-semibold text-white hover:bg-indigo-700 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-indigo-600"
          >
            Try again
          </button>
        </main>
      );
    case "signed-out":
      return <SignIn onSignIn={signIn} notice={state.notice} />;
    case "signed-in":
      return (
        <Chat
          key={state.user.user_id}
          user={state.user}
          isAdmin={state.isAdmin}
          signOutLabel="Sign out"
          onSignOut={() => void signOut()}
        />
      );
    case "open":
      return <OpenChat isAdmin={state.isAdmin} />;
  }
}

/** Auth mode none: a name kept in this browser, as cvchat always worked without accounts. */
function OpenChat({ isAdmin }: { isAdmin: boolean }) {
  const [user, setUser] = useState<User | null>(loadUser);
  const choose = useCallback((next: User | null) => {
    saveUser(next);
    setUser(next);
  }, []);
  if (!user) return <NameGate onUser={choose} />;
  return (
    <Chat
      key={user.user_id}
      user={user}
      isAdmin={isAdmin}
      signOutLabel="Switch user"
      onSignOut={() => {
        choose(null);
      }}
    />
  );
}

interface ChatProps {
  user: Identity;
  /** May add and delete CVs: the sidebar offers the Corpus page. */
  isAdmin: boolean;
  signOutLabel: string;
  /** Also called when the server no longer knows the user. */
  onSignOut: () => void;
}

function Chat({ user, isAdmin, signOutLabel, onSignOut }: ChatProps) {
  const [threadId, setThreadId] = useState<string | null>(threadFromUrl);
  const [view, setView] = useState<View>(viewFromUrl);
  // Changes only on navigation, so a thread created by the open conversation keeps its state.
  const [viewKey, setViewKey] = useState(0);
  const [threads, setThreads] = useState<ThreadSummary[]>([]);
  const [drawerOpen, setDrawerOpen] = useState(false);
  const drawer = useRef<HTMLElement>(null);
  const menuButton = useRef<HTMLButtonElement>(null);

  // The latest callback, without making the thread list reload when a parent re-renders.
  const signOutRef = useRef(onSignOut);
  useEffect(() => {
    signOutRef.current = onSignOut;
  }, [onSignOut]);

  const refreshThreads = useCallback(() => {
    api.listThreads(user.user_id).then(setThreads, (error: unknown) => {
      if (error instanceof ApiError && error.status === 404) signOutRef.current();
    });
  }, [user]);

  useEffect(refreshThreads, [refreshThreads]);

  useEffect(() => {
    const onPop = (): void => {
      setThreadId(threadFromUrl());
      setView(viewFromUrl());
      setViewKey((key) => key + 1);
    };
    window.addEventListener("popstate", onPop);
    return () => {
      window.removeEventListener("popstate", onPop);
    };
  }, []);

  // The drawer takes keyboard focus while open and gives it back to the menu button.
  useEffect(() => {
    if (!drawerOpen) return;
    const menu = menuButton.current;
    drawer.current?.querySelector<HTMLElement>("button, a")?.focus();
    return () => {
      if (menu?.isConnected && !document.activeElement?.closest("main")) menu.focus();
    };
  }, [drawerOpen]);

  useEffect(() => {
    if (!drawerOpen) return;
    const onKey = (event: KeyboardEvent): void => {
      if (event.key === "Escape") setDrawerOpen(false);
    };
    window.addEventListener("keydown", onKey);
    return () => {
      window.removeEventListener("keydown", onKey);
    };
  }, [drawerOpen]);

  const open = useCallback((next: string | null) => {
    pushThread(next);
    setThreadId(next);
    setView("chat");
    setViewKey((key) => key + 1);
    setDrawerOpen(false);
  }, []);

  const openCorpus = useCallback(() => {
    pushCorpus();
    setThreadId(null);
    setView("corpus");
    setDrawerOpen(false);
  }, []);

  const onThreadCreated = useCallback((created: string) => {
    pushThread(created);
    setThreadId(created);
  }, []);

  // Only admins get the Corpus page; anyone else who follows a link to it gets the chat.
  const showCorpus = isAdmin && view === "corpus";
  const title = showCorpus
    ? "Corpus"
    : (threads.find((t) => t.thread_id === threadId)?.title ?? (threadId ? "Conversation" : "New chat"));
  const sidebar = (
    <Sidebar
      user={user}
      threads={threads}
      currentThreadId={showCorpus ? null : threadId}
      onSelect={open}
      onNew={() => {
        open(null);
      }}
      signOutLabel={signOutLabel}
      onSignOut={() => {
        open(null);
        onSignOut();
      }}
      onCorpus={isAdmin ? openCorpus : undefined}
      corpusOpen={showCorpus}
    />
  );

  return (
    <UploadsProvider>
      <EvidenceViewerProvider>
        <div className="flex h-dvh overflow-hidden">
          <aside aria-label="Sidebar" className="hidden w-72 shrink-0 md:block">
            {sidebar}
          </aside>
          {drawerOpen && (
            <div className="fixed inset-0 z-40 md:hidden" role="dialog" aria-modal="true" aria-label="Conversations">
              <button
                type="button"
                aria-label="Close conversations"
                className="absolute inset-0 h-full w-full cursor-default bg-slate-900/50"
                onClick={() => {
                  setDrawerOpen(false);
                }}
              />
              <aside ref={drawer} className="absolute inset-y-0 left-0 w-72 max-w-[85%] shadow-xl">
                {sidebar}
              </aside>
            </div>
          )}
          <main className="flex min-w-0 flex-1 flex-col">
            <header className="flex h-12 shrink-0 items-center gap-2 border-b border-slate-200 bg-white px-3 sm:px-4">
              <button
                ref={menuButton}
                type="button"
                className="rounded-md p-2 text-slate-700 hover:bg-slate-100 focus-visible:outline-2 focus-visible:outline-indigo-500 md:hidden"
                aria-label="Open conversations"
                aria-expanded={drawerOpen}
                onClick={() => {
                  setDrawerOpen(true);
                }}
              >
                <svg aria-hidden="true" viewBox="0 0 20 20" className="h-5 w-5" fill="currentColor">
                  <path d="M3 5h14v2H3zM3 9h14v2H3zM3 13h14v2H3z" />
                </svg>
              </button>
              <h1 className="font-semibold text-indigo-700">cvchat</h1>
              <span aria-hidden="true" className="text-slate-300">
                /
              </span>
              <span className="min-w-0 truncate text-sm text-slate-600">{title}</span>
            </header>
            {showCorpus ? (
              <CorpusPage />
            ) : (
              <Conversation
                key={viewKey}
                user={user}
                threadId={threadId}
                onThreadCreated={onThreadCreated}
                onActivity={refreshThreads}
              />
            )}
          </main>
        </div>
      </EvidenceViewerProvider>
    </UploadsProvider>
  );
}
