/**
 * pdf.js, loaded only when the viewer opens (`import("./pdf")`): the chat's own bundle does not
 * carry it. The worker is a file of our build (Vite's `?url`), served by the app from /assets
 * like the rest of the client, so the server's Content-Security-Policy (`'self'` only) allows it.
 *
 * Options that keep pdf.js inside that policy: no `eval` (`isEvalSupported: false`, which also
 * skips pdf.js's `new Function` probe, a CSP violation otherwise) and no WebAssembly
 * (`useWasm: false`: the JavaScript decoders are used).
 */
import { getDocument, GlobalWorkerOptions, RenderingCancelledException, TextLayer, VerbosityLevel } from "pdfjs-dist";
import type { PDFDocumentProxy, RenderTask } from "pdfjs-dist";
import workerUrl from "pdfjs-dist/build/pdf.worker.min.mjs?url";
import { findSnippet, markRanges } from "./highlight";
import "./viewer.css";

GlobalWorkerOptions.workerSrc = workerUrl;

export type PdfDocument = PDFDocumentProxy;

export interface OpenedPdf {
  promise: Promise<PDFDocumentProxy>;
  /** Stops loading, or frees a loaded document. */
  destroy: () => void;
}

export function openPdf(data: ArrayBuffer): OpenedPdf {
  const task = getDocument({
    data,
    isEvalSupported: false,
    useWasm: false,
    verbosity: VerbosityLevel.ERRORS,
  });
  return {
    promise: task.promise,
    destroy: () => {
      void task.destroy();
    },
  };
}

export interface PageTarget {
  canvas: HTMLCanvasElement;
  /** Emptied and filled with pdf.js's text layer (its `textLayer` class is set here). */
  textLayer: HTMLDivElement;
  /** The page's width on screen, in CSS pixels. */
  width: number;
  /** Text to highlight on this page ("" for none). */
  snippet: string;
}

export interface RenderedPage {
  /** CSS size the page was drawn at. */
  width: number;
  height: number;
  /** The page has a text layer (a scanned page read by OCR has none). */
  hasText: boolean;
  /** The highlight's elements, in reading order (empty when nothing was found or asked). */
  marks: HTMLElement[];
  /** The whole snippet was found (not only its start or end). */
  complete: boolean;
}

export interface PageJob {
  promise: Promise<RenderedPage>;
  cancel: () => void;
}

export class Cancelled extends Error {
  constructor() {
    super("rendering cancelled");
    this.name = "Cancelled";
  }
}

/** Draws page `pageNumber` (1-based) fit to `width`, lays its text out, and marks the snippet. */
export function renderPage(doc: PDFDocumentProxy, pageNumber: number, target: PageTarget): PageJob {
  let cancelled = false;
  let renderTask: RenderTask | null = null;
  let textLayer: TextLayer | null = null;

  const run = async (): Promise<RenderedPage> => {
    const check = (): void => {
      if (cancelled) throw new Cancelled();
    };
    const page = await doc.getPage(pageNumber);
    check();
    const unscaled = page.getViewport({ scale: 1 });
    const viewport = page.getViewport({ scale: target.width / unscaled.width });
    const ratio = window.devicePixelRatio || 1;
    const { canvas } = target;
    canvas.width = Math.floor(viewport.width * ratio);
    canvas.height = Math.floor(viewport.height * ratio);
    canvas.style.width = `${Math.floor(viewport.width)}px`;
    canvas.style.height = `${Math.floor(viewport.height)}px`;
    renderTask = page.render({
      canvas,
      viewport,
      ...(ratio !== 1 ? { transform: [ratio, 0, 0, ratio, 0, 0] } : {}),
    });
    try {
      await renderTask.promise;
    } catch (error) {
      if (error instanceof RenderingCancelledException) throw new Cancelled();
      throw error;
    }
    check();

    const content = await page.getTextContent();
    check();
    const layer = target.textLayer;
    layer.replaceChildren();
    layer.className = "textLayer";
    layer.style.setProperty("--total-scale-factor", String(viewport.scale));
    textLayer = new TextLayer({ textContentSource: content, container: layer, viewport });
    try {
      await textLayer.render();
    } catch (error) {
      if (cancelled) throw new Cancelled();
      throw error;
    }
    check();
    const items = textLayer.textContentItemsStr;
    const hasText = items.some((str) => str.trim() !== "");
    const match = target.snippet ? findSnippet(items, target.snippet) : null;
    const marks = match ? markRanges(textLayer.textDivs, items, match.ranges) : [];
    return {
      width: Math.floor(viewport.width),
      height: Math.floor(viewport.height),
      hasText,
      marks,
      complete: match?.complete ?? false,
    };
  };

  return {
    promise: run(),
    cancel: () => {
      cancelled = true;
      renderTask?.cancel();
      textLayer?.cancel();
    },
  };
}
