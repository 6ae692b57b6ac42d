/**
 * The evidence viewer: a CV shown in the app at the cited page, the cited text highlighted.
 *
 * A modal dialog (focus kept inside, Esc closes, focus given back to what opened it), full screen
 * on phones. The page is drawn by pdf.js (loaded on first use, see ./pdf) on a canvas fit to
 * the dialog's width, with pdf.js's text layer over it, in which the snippet is marked and
 * scrolled to. The cited text is also shown beside (below, on phones) the page, which is all
 * there is to see when the page is a scan without text, the file a DOCX (offered for download),
 * or the CV gone.
 */
import { useEffect, useId, useRef, useState, type ReactNode } from "react";
import { useDialogKeys } from "../lib/useDialogKeys";
import { cvFileUrl, fetchCvFile } from "./cvFile";
import type { EvidenceTarget } from "./evidence";
import type { PdfDocument, RenderedPage } from "./pdf";

type PdfModule = typeof import("./pdf");

type Load =
  | { phase: "loading" }
  | { phase: "pdf"; pdf: PdfModule; doc: PdfDocument }
  | { phase: "download"; url: string }
  | { phase: "missing" }
  | { phase: "error"; message: string };

interface Rendered {
  key: string;
  page: RenderedPage | null;
  error: string | null;
}

interface Props {
  target: EvidenceTarget;
  onClose: () => void;
}

const ZOOMS = [0.5, 0.75, 1, 1.25, 1.5, 2, 3] as const;
/** Below this width the page would be unreadable: draw it wider and let it scroll. */
const MIN_PAGE_WIDTH = 240;

const BUTTON =
  "inline-flex h-9 min-w-9 items-center justify-center rounded-md px-2 text-sm font-medium text-slate-700 hover:bg-slate-100 focus-visible:outline-2 focus-visible:outline-indigo-500 disabled:text-slate-300 disabled:hover:bg-transparent";
const LINK_BUTTON =
  "inline-flex items-center justify-center rounded-lg bg-indigo-600 px-4 py-2 text-sm font-semibold text-white hover:bg-indigo-700 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-indigo-600";

function errorText(error: unknown): string {
  return error instanceof Error && error.message ? error.message : String(error);
}

export function EvidenceViewer({ target, onClose }: Props) {
  const titleId = useId();
  const panel = useRef<HTMLDivElement>(null);
  const closeButton = useRef<HTMLButtonElement>(null);
  const scroller = useRef<HTMLDivElement>(null);
  const canvas = useRef<HTMLCanvasElement>(null);
  const textLayer = useRef<HTMLDivElement>(null);
  const [load, setLoad] = useState<Load>({ phase: "loading" });
  const [page, setPage] = useState(Math.max(1, Math.floor(target.page) || 1));
  const [zoom, setZoom] = useState(1);
  const [fitWidth, setFitWidth] = useState(0);
  const [rendered, setRendered] = useState<Rendered | null>(null);
  const url = cvFileUrl(target.cvId);

  // The latest onClose for the key handler, which is added once.
  const closeRef = useRef(onClose);
  useEffect(() => {
    closeRef.current = onClose;
  }, [onClose]);

  // Focus moves in on open and goes back to the opener on close.
  useEffect(() => {
    const opener = document.activeElement instanceof HTMLElement ? document.activeElement : null;
    closeButton.current?.focus();
    return () => {
      if (opener?.isConnected) opener.focus();
    };
  }, []);

  // Esc closes; Tab and Shift+Tab cycle inside the dialog.
  useDialogKeys(panel, closeRef);

  // The file: a PDF opened with pdf.js (loaded now, the first time), else what to say instead.
  useEffect(() => {
    const controller = new AbortController();
    let destroy: (() => void) | null = null;
    let live = true;
    const run = async (): Promise<Load> => {
      const file = await fetchCvFile(target.cvId, controller.signal);
      switch (file.kind) {
        case "missing":
          return { phase: "missing" };
        case "download":
          return { phase: "download", url: file.url };
        case "error":
          return { phase: "error", message: file.message };
        case "pdf": {
          const pdf = await import("./pdf");
          if (!live) throw new DOMException("closed", "AbortError");
          const opened = pdf.openPdf(file.data);
          destroy = opened.destroy;
          return { phase: "pdf", pdf, doc: await opened.promise };
        }
      }
    };
    run().then(
      (next) => {
        if (live) setLoad(next);
      },
      (error: unknown) => {
        if (live) setLoad({ phase: "error", message: `The CV could not be shown here: ${errorText(error)}` });
      },
    );
    return () => {
      live = false;
      controller.abort();
      destroy?.();
    };
  }, [target.cvId]);

  const pdfOpen = load.phase === "pdf";
  // The page is drawn as wide as the dialog's page area (less its padding), zoom times that.
  useEffect(() => {
    const element = scroller.current;
    if (!pdfOpen || !element || typeof ResizeObserver === "undefined") return;
    const observer = new ResizeObserver(([entry]) => {
      if (entry) setFitWidth(Math.floor(entry.contentRect.width));
    });
    observer.observe(element);
    return () => {
      observer.disconnect();
    };
  }, [pdfOpen]);

  const pages = load.phase === "pdf" ? load.doc.numPages : null;
  const shown = pages ? Math.min(page, pages) : page;
  const width = Math.floor(Math.max(fitWidth, fitWidth > 0 ? MIN_PAGE_WIDTH : 0) * zoom);
  const snippetHere = shown === target.page ? target.snippet : "";
  const renderKey = `${shown}@${width}`;

  useEffect(() => {
    if (load.phase !== "pdf" || width <= 0 || !canvas.current || !textLayer.current) return;
    const { pdf } = load;
    const job = pdf.renderPage(load.doc, shown, { canvas: canvas.current, textLayer: textLayer.current, width, snippet: snippetHere });
    job.promise.then(
      (result) => {
        setRendered({ key: renderKey, page: result, error: null });
        result.marks[0]?.scrollIntoView({ block: "center", inline: "center" });
      },
      (error: unknown) => {
        if (error instanceof pdf.Cancelled) return;
        setRendered({ key: renderKey, page: null, error: errorText(error) });
      },
    );
    return () => {
      job.cancel();
    };
  }, [load, shown, width, snippetHere, renderKey]);

  const current = rendered?.key === renderKey ? rendered : null;
  const drawn = current?.page ?? null;
  // While a new zoom or width is drawn, the previous drawing keeps its place (no collapse, no jump).
  const shape = rendered?.page ?? null;
  const zoomIndex = ZOOMS.indexOf(zoom as (typeof ZOOMS)[number]);

  let highlight: "found" | "partial" | "not-found" | "scan" | "elsewhere" | "none" | null = null;
  if (drawn) {
    if (!target.snippet) highlight = "none";
    else if (shown !== target.page) highlight = "elsewhere";
    else if (!drawn.hasText) highlight = "scan";
    else if (drawn.marks.length === 0) highlight = "not-found";
    else highlight = drawn.complete ? "found" : "partial";
  }

  const showsPage = load.phase === "loading" || load.phase === "pdf";
  let body: ReactNode;
  if (showsPage) {
    body = (
      <div className="flex min-h-0 flex-1 flex-col lg:flex-row">
        <div
          ref={scroller}
          tabIndex={0}
          role="region"
          aria-label={`Page ${shown} of the CV`}
          data-testid="viewer-scroller"
          className="relative min-h-0 flex-1 overflow-auto bg-slate-200 p-2 [scrollbar-gutter:stable] focus-visible:outline-2 focus-visible:-outline-offset-2 focus-visible:outline-indigo-500 sm:p-4"
        >
          {(load.phase === "loading" || !rendered) && (
            <p role="status" className="absolute inset-x-0 top-6 z-10 text-center text-sm text-slate-600">
              Loading the CV…
            </p>
          )}
          {current?.error && (
            <div role="alert" className="mx-auto max-w-md rounded-lg bg-white p-4 text-sm text-red-700">
              <p>This page could not be drawn: {current.error}</p>
              <a href={`${url}#page=${shown}`} target="_blank" rel="noopener noreferrer" className="mt-2 inline-block text-indigo-700 underline">
                Open the PDF in a new tab
              </a>
            </div>
          )}
          <div
            data-testid="viewer-page-canvas"
            className={`relative mx-auto bg-white shadow-md ${shape ? "" : "invisible"}`}
            style={shape ? { width: shape.width, height: shape.height } : { width: 0, height: 0 }}
          >
            <canvas ref={canvas} aria-hidden="true" className="block" />
            <div ref={textLayer} />
          </div>
        </div>
        {target.snippet && (
          <aside
            aria-label="Cited text"
            className="max-h-[35%] shrink-0 overflow-auto border-t border-slate-200 bg-white p-3 text-sm sm:p-4 lg:max-h-none lg:w-80 lg:border-t-0 lg:border-l"
          >
            <h3 className="text-xs font-semibold tracking-wide text-slate-500 uppercase">Cited text · page {target.page}</h3>
            <blockquote data-testid="viewer-snippet" className="mt-1 border-l-4 border-yellow-400 pl-3 text-slate-800">
              “{target.snippet}”
            </blockquote>
            {highlight && (
              <p data-testid="viewer-note" className="mt-2 text-xs text-slate-600">
                {highlight === "found" && "Highlighted on the page."}
                {highlight === "partial" && "Highlighted on the page, in part: the rest of the quote reads differently in the PDF."}
                {highlight === "not-found" && "The quote could not be found in this page's text; it is shown here."}
                {highlight === "scan" &&
                  "This page is a scan: its text was read by OCR, so the highlight is not available on a scanned page."}
                {highlight === "elsewhere" && (
                  <>
                    The quote is on page {target.page}.{" "}
                    <button
                      type="button"
                      className="font-medium text-indigo-700 underline"
                      onClick={() => {
                        setPage(target.page);
                      }}
                    >
                      Back to page {target.page}
                    </button>
                  </>
                )}
              </p>
            )}
          </aside>
        )}
      </div>
    );
  } else {
    body = (
      <div className="min-h-0 flex-1 overflow-auto p-4 text-sm text-slate-700 sm:p-6">
        {load.phase === "download" && (
          <p>This CV was added as a Word document (DOCX), which cannot be shown here. Download it to read the page.</p>
        )}
        {load.phase === "missing" && (
          <p role="alert" className="font-medium text-red-700">
            This CV is no longer in the corpus: it was removed after this answer was written.
          </p>
        )}
        {load.phase === "error" && (
          <p role="alert" className="font-medium text-red-700">
            {load.message}
          </p>
        )}
        {target.snippet && (
          <figure className="mt-4">
            <figcaption className="text-xs font-semibold tracking-wide text-slate-500 uppercase">Cited text · page {target.page}</figcaption>
            <blockquote data-testid="viewer-snippet" className="mt-1 border-l-4 border-yellow-400 pl-3 text-slate-800">
              “{target.snippet}”
            </blockquote>
          </figure>
        )}
        {load.phase === "download" && (
          <a href={load.url} download className={`mt-4 ${LINK_BUTTON}`}>
            Download the CV
          </a>
        )}
        {load.phase === "error" && (
          <a href={`${url}#page=${target.page}`} target="_blank" rel="noopener noreferrer" className={`mt-4 ${LINK_BUTTON}`}>
            Open the PDF in a new tab
          </a>
        )}
      </div>
    );
  }

  return (
    <div className="fixed inset-0 z-50 flex sm:p-4 lg:p-6">
      <div aria-hidden="true" className="absolute inset-0 bg-slate-900/60" onClick={onClose} />
      <div
        ref={panel}
        role="dialog"
        aria-modal="true"
        aria-labelledby={titleId}
        data-testid="evidence-viewer"
        data-phase={load.phase}
        data-rendered={drawn ? "true" : "false"}
        data-highlight={highlight ?? undefined}
        className={`relative mx-auto flex w-full min-w-0 flex-col overflow-hidden bg-white shadow-xl sm:rounded-xl ${
          showsPage ? "h-full max-w-6xl" : "h-full sm:my-auto sm:h-auto sm:max-h-full sm:max-w-xl"
        }`}
      >
        <header className="flex shrink-0 items-center gap-2 border-b border-slate-200 px-3 py-2 sm:px-4">
          <h2 id={titleId} className="min-w-0 flex-1 truncate text-base font-semibold text-slate-900">
            {`${target.name || "CV"} · page ${load.phase === "pdf" ? shown : target.page}`}
          </h2>
          {load.phase === "pdf" && (
            <a
              href={`${url}#page=${shown}`}
              target="_blank"
              rel="noopener noreferrer"
              className="hidden shrink-0 text-sm text-indigo-700 underline hover:text-indigo-900 sm:inline"
            >
              Open PDF in a new tab
            </a>
          )}
          <button ref={closeButton} type="button" aria-label="Close the CV" className={BUTTON} onClick={onClose}>
            <svg aria-hidden="true" viewBox="0 0 20 20" className="h-5 w-5" fill="currentColor">
              <path d="M5.3 4.3 10 9l4.7-4.7 1 1L11 10l4.7 4.7-1 1L10 11l-4.7 4.7-1-1L9 10 4.3 5.3z" />
            </svg>
          </button>
        </header>
        {load.phase === "pdf" && (
          <div
            role="toolbar"
            aria-label="Page and zoom"
            className="flex shrink-0 items-center justify-between gap-1 border-b border-slate-200 px-2 py-1 sm:px-4"
          >
            <div className="flex items-center gap-1">
              <button
                type="button"
                aria-label="Previous page"
                className={BUTTON}
                disabled={shown <= 1}
                onClick={() => {
                  setPage(shown - 1);
                }}
              >
                ‹
              </button>
              <span data-testid="viewer-page" aria-live="polite" className="px-1 text-sm whitespace-nowrap text-slate-700">
                Page {shown} of {pages}
              </span>
              <button
                type="button"
                aria-label="Next page"
                className={BUTTON}
                disabled={pages === null || shown >= pages}
                onClick={() => {
                  setPage(shown + 1);
                }}
              >
                ›
              </button>
            </div>
            <div className="flex items-center gap-1">
              <button
                type="button"
                aria-label="Zoom out"
                className={BUTTON}
                disabled={zoomIndex === 0}
                onClick={() => {
                  setZoom(ZOOMS[Math.max(0, zoomIndex - 1)] ?? 1);
                }}
              >
                −
              </button>
              <button
                type="button"
                aria-pressed={zoom === 1}
                className={BUTTON}
                onClick={() => {
                  setZoom(1);
                }}
              >
                Fit width
              </button>
              <button
                type="button"
                aria-label="Zoom in"
                className={BUTTON}
                disabled={zoomIndex === ZOOMS.length - 1}
                onClick={() => {
                  setZoom(ZOOMS[Math.min(ZOOMS.length - 1, zoomIndex + 1)] ?? 1);
                }}
              >
                +
              </button>
            </div>
          </div>
        )}
        {body}
      </div>
    </div>
  );
}
