/**
 * One thread: its messages, the live runs it is waiting for, and the composer.
 *
 * A user message whose run has no stored answer yet is attached to the run's stream (this is
 * how a reload or a second tab picks up a run in flight); runs that ended in error or were
 * stopped are replayed from their log too, so their reason and partial text show the same way.
 */
import { useCallback, useEffect, useRef, useState, type ReactNode } from "react";
import { api, ApiError } from "../api/client";
import type { CandidateQuery, Identity, Message, RunStatus } from "../api/types";
import { readableQuery } from "../shortlist/query";
import { useRun } from "../stream/useRun";
import { AssistantMessage, type AssistantView } from "./AssistantMessage";
import { Composer } from "./Composer";
import { EmptyState } from "./EmptyState";
import { UserMessage } from "./UserMessage";

interface Props {
  user: Identity;
  threadId: string | null;
  onThreadCreated: (threadId: string) => void;
  onActivity: () => void;
}

function LiveRun({
  runId,
  onFinished,
  onRetry,
  onRequery,
  requeryDisabled,
}: {
  runId: string;
  onFinished: (runId: string, status: RunStatus) => void;
  onRetry?: () => void;
  onRequery?: (query: CandidateQuery) => void;
  requeryDisabled?: boolean;
}) {
  const state = useRun(runId);
  const { finished, status } = state;
  useEffect(() => {
    if (finished) onFinished(runId, status);
  }, [finished, status, runId, onFinished]);
  return (
    <AssistantMessage
      view={{ ...state, runKey: runId }}
      onRetry={onRetry}
      onRequery={onRequery}
      requeryDisabled={requeryDisabled}
    />
  );
}

function storedView(message: Message): AssistantView {
  return {
    runKey: message.run_id ?? message.message_id,
    text: message.content,
    status: message.run_status ?? "done",
    finished: true,
    tool: null,
    sources: message.sources ?? [],
    error: null,
    connection: "closed",
    attempt: 0,
    query: message.answer?.query ?? null,
    answer: message.answer ?? null,
  };
}

function errorText(error: unknown): string {
  if (error instanceof ApiError) {
    if (error.status === 413) return "That message is too long.";
    return error.message;
  }
  return "The server could not be reached. Check your connection and try again.";
}

/** Follows new content down unless the reader has scrolled up to read. */
function useStickToBottom() {
  const scroller = useRef<HTMLDivElement>(null);
  const content = useRef<HTMLDivElement>(null);
  const stuck = useRef(true);
  const followedTo = useRef<number | null>(null); // where the last follow left scrollTop

  useEffect(() => {
    const box = scroller.current;
    const inner = content.current;
    if (!box || !inner) return;
    const onScroll = (): void => {
      stuck.current = box.scrollHeight - box.scrollTop - box.clientHeight < 80;
    };
    const follow = new MutationObserver(() => {
      // The reader scrolled up since the last follow, and its scroll event has not been
      // dispatched yet (that waits for the next frame): the scroll wins over the new text.
      // (Content that shrank clamps scrollTop too, but leaves it at the bottom.)
      const movedUp = followedTo.current !== null && box.scrollTop < followedTo.current - 1;
      if (movedUp && box.scrollHeight - box.scrollTop - box.clientHeight >= 80) {
        stuck.current = false;
      }
      if (stuck.current) {
        box.scrollTop = box.scrollHeight;
        followedTo.current = box.scrollTop;
      }
    });
    box.addEventListener("scroll", onScroll, { passive: true });
    follow.observe(inner, { childList: true, subtree: true, characterData: true });
    return () => {
      box.removeEventListener("scroll", onScroll);
      follow.disconnect();
    };
  }, []);

  const pin = useCallback(() => {
    stuck.current = true;
    followedTo.current = null;
  }, []);
  return { scroller, content, pin };
}

export function Conversation({ user, threadId: initialThreadId, onThreadCreated, onActivity }: Props) {
  const [messages, setMessages] = useState<Message[]>([]);
  const [loading, setLoading] = useState(initialThreadId !== null);
  const [loadError, setLoadError] = useState<string | null>(null);
  const [sendError, setSendError] = useState<string | null>(null);
  const [finishedRuns, setFinishedRuns] = useState<ReadonlySet<string>>(new Set());
  const threadId = useRef(initialThreadId);
  // A thread this view created itself: its messages are already here, and a load racing
  // the first post could replace them with the empty thread.
  const createdHere = useRef<string | null>(null);
  const { scroller, content, pin } = useStickToBottom();

  useEffect(() => {
    if (initialThreadId === null || initialThreadId === createdHere.current) return;
    let cancelled = false;
    api.getThread(initialThreadId).then(
      (thread) => {
        if (cancelled) return;
        setMessages(thread.messages);
        setLoading(false);
      },
      (error: unknown) => {
        if (cancelled) return;
        setLoadError(error instanceof ApiError && error.status === 404 ? "This conversation does not exist." : errorText(error));
        setLoading(false);
      },
    );
    return () => {
      cancelled = true;
    };
  }, [initialThreadId]);

  const answered = new Map<string, Message>();
  for (const message of messages) {
    if (message.role === "assistant" && message.run_id) answered.set(message.run_id, message);
  }
  const asked = new Set(messages.filter((m) => m.role === "user" && m.run_id).map((m) => m.run_id));
  const activeRunId =
    messages.filter((m) => m.role === "user" && m.run_id && !answered.has(m.run_id) && !finishedRuns.has(m.run_id)).at(-1)
      ?.run_id ?? null;

  const onFinished = useCallback(
    (runId: string) => {
      setFinishedRuns((done) => (done.has(runId) ? done : new Set(done).add(runId)));
      onActivity();
    },
    [onActivity],
  );

  /** Posts a question; with `query`, a structured query the run answers exactly (no parsing). */
  async function send(text: string, query?: CandidateQuery): Promise<boolean> {
    setSendError(null);
    try {
      let id = threadId.current;
      if (id === null) {
        id = (await api.createThread(user.user_id)).thread_id;
        threadId.current = id;
        createdHere.current = id;
        onThreadCreated(id);
      }
      const posted = await api.postMessage(id, text, query);
      pin();
      setMessages((previous) => [
        ...previous,
        {
          message_id: posted.message_id,
          role: "user",
          content: text,
          run_id: posted.run_id,
          created_at: new Date().toISOString(),
          ...(query ? { query } : {}),
        },
      ]);
      onActivity();
      return true;
    } catch (error) {
      setSendError(errorText(error));
      return false;
    }
  }

  async function stop(): Promise<void> {
    if (!activeRunId) return;
    try {
      await api.cancelRun(activeRunId);
    } catch (error) {
      // 409: the run finished on its own in the meantime; its stream shows how.
      if (!(error instanceof ApiError && error.status === 409)) setSendError(errorText(error));
    }
  }

  const running = activeRunId !== null;
  // A chip removed or edited asks again: a new message with the changed query, in this thread.
  const requery = (query: CandidateQuery): void => {
    if (!running) void send(readableQuery(query), query);
  };
  const turns: ReactNode[] = [];
  messages.forEach((message, index) => {
    if (message.role === "user") {
      turns.push(<UserMessage key={message.message_id} content={message.content} />);
      const runId = message.run_id;
      if (!runId) return;
      const stored = answered.get(runId);
      const retry = (): void => {
        if (!running) void send(message.content, message.query ?? undefined);
      };
      if (stored && (stored.run_status ?? "done") === "done") {
        turns.push(
          <AssistantMessage key={runId} view={storedView(stored)} onRequery={requery} requeryDisabled={running} />,
        );
      } else {
        const isLast = index === messages.length - 1 || !messages.slice(index + 1).some((m) => m.role === "user");
        turns.push(
          <LiveRun
            key={runId}
            runId={runId}
            onFinished={onFinished}
            onRetry={isLast ? retry : undefined}
            onRequery={requery}
            requeryDisabled={running}
          />,
        );
      }
    } else if (!message.run_id || !asked.has(message.run_id)) {
      turns.push(
        <AssistantMessage key={message.message_id} view={storedView(message)} onRequery={requery} requeryDisabled={running} />,
      );
    }
  });

  return (
    <div className="flex min-h-0 flex-1 flex-col">
      <div
        ref={scroller}
        role="region"
        aria-label="Conversation"
        // Focusable so that keyboard users can scroll it.
        tabIndex={0}
        className="min-h-0 flex-1 overflow-y-auto focus-visible:outline-2 focus-visible:-outline-offset-2 focus-visible:outline-indigo-300"
      >
        <div ref={content} className="mx-auto max-w-3xl space-y-6 px-3 py-6 sm:px-6">
          {loading && (
            <p role="status" className="text-center text-sm text-slate-500">
              Loading conversation…
            </p>
          )}
          {loadError && (
            <p role="alert" className="rounded-lg bg-red-50 p-3 text-center text-sm text-red-800">
              {loadError}
            </p>
          )}
          {!loading && !loadError && messages.length === 0 && (
            <EmptyState disabled={running} onPick={(question) => void send(question)} />
          )}
          {turns}
        </div>
      </div>
      {sendError && (
        <p role="alert" className="mx-auto w-full max-w-3xl px-3 pb-1 text-sm text-red-700 sm:px-6">
          {sendError}
        </p>
      )}
      <Composer running={running} onSend={send} onStop={() => void stop()} autoFocus />
    </div>
  );
}
