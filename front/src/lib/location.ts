/** The open thread lives in the URL (`?thread=<id>`), so reloads and shared links reopen it. */

export function threadFromUrl(): string | null {
  return new URLSearchParams(window.location.search).get("thread");
}

export function pushThread(threadId: string | null, replace = false): void {
  const url = new URL(window.location.href);
  if (threadId) url.searchParams.set("thread", threadId);
  else url.searchParams.delete("thread");
  if (url.href === window.location.href) return;
  if (replace) window.history.replaceState(null, "", url);
  else window.history.pushState(null, "", url);
}
