/**
 * What the evidence viewer opens: one CV at one page, with the snippet to highlight.
 *
 * Anything that shows evidence (source cards, the candidate table's ✓, the comparison's cells)
 * calls `useEvidenceViewer()` and hands it a target; `EvidenceViewerProvider` (mounted once in
 * the app) owns the dialog.
 */
import { createContext, useContext } from "react";

export interface EvidenceTarget {
  cvId: string;
  /** The candidate's name, for the dialog's title. */
  name: string;
  /** 1-based page of the CV the evidence is on. */
  page: number;
  /** The verbatim text to highlight on that page (may be empty: open the page only). */
  snippet: string;
}

export type OpenEvidence = (target: EvidenceTarget) => void;

export const EvidenceViewerContext = createContext<OpenEvidence | null>(null);

/** The viewer's `open`; `null` outside a provider (then callers fall back to a plain link). */
export function useEvidenceViewer(): OpenEvidence | null {
  return useContext(EvidenceViewerContext);
}
