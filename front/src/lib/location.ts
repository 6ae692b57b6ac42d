/**
 * What is open lives in the URL, so reloads and shared links reopen it: a thread
 * (`?thread=<id>`) or the Corpus page (`?view=corpus`).
 */

export type View = "chat" | "corpus";

export function threadFromUrl(): string | null {
  return new URLSearchParams(window.location.search).get("thread");
}

export function viewFromUrl(): View {
  return new URLSearchParams(window.location.search).get("view") === "corpus" ? "corpus" : "chat";
}

function push(url: URL, replace: boolean): void {
  if (url.href === window.location.href) return;
  if (replace) window.history.replaceState(null, "", url);
  else window.history.pushState(null, "", url);
}

export function pushThread(threadId: string | null, replace = false): void {
  const url = new URL(window.location.href);
  url.searchParams.delete("view");
  if (threadId) url.searchParams.set("thread", threadId);
  else url.searchParams.delete("thread");
  push(url, replace);
}

export function pushCorpus(): void {
  const url = new URL(window.location.href);
  url.searchParams.delete("thread");
  url.searchParams.set("view", "corpus");
  push(url, false);
}
