/** How the Corpus page words a CV's facts. */
import type { CvStatus } from "../api/types";

// Partial: a status from a newer server is shown as it is named.
const STATUS_LABELS: Partial<Record<string, string>> = {
  queued: "Queued",
  indexing: "Indexing",
  indexed: "Indexed",
  failed: "Failed",
};

export function statusLabel(status: CvStatus): string {
  return STATUS_LABELS[status] ?? status;
}

/** "English" for "en"; the code itself when the browser has no name for it; "" when unknown. */
export function languageName(code: string): string {
  if (!code) return "";
  try {
    return new Intl.DisplayNames(["en"], { type: "language" }).of(code) ?? code;
  } catch {
    return code;
  }
}

export function formatAdded(iso: string): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  return new Intl.DateTimeFormat(undefined, { dateStyle: "medium", timeStyle: "short" }).format(date);
}

export function kindOf(mediaType: string): string {
  if (mediaType === "application/pdf") return "PDF";
  if (mediaType.includes("wordprocessingml")) return "DOCX";
  return "";
}

/** The last part of a path in the corpus folder. */
export function baseName(file: string): string {
  return file.split("/").pop() ?? file;
}

export function pagesLabel(pages: number): string {
  return pages === 1 ? "1 page" : `${pages} pages`;
}

/** "OCR on page 1", "OCR on pages 1, 3" (the pages are 1-based, as the server numbers them). */
export function ocrLabel(pages: readonly number[]): string {
  return pages.length === 1 ? `OCR on page ${pages[0] ?? ""}` : `OCR on pages ${pages.join(", ")}`;
}
