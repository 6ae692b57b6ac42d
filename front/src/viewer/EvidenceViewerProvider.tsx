/**
 * Owns the evidence viewer: `useEvidenceViewer()` below it gets `open(target)`, which shows the
 * dialog over the app; closing it gives focus back to what opened it (the dialog does that).
 * The dialog's code (and pdf.js, which it loads in turn) is fetched the first time it opens.
 */
import { lazy, Suspense, useCallback, useState, type ReactNode } from "react";
import { EvidenceViewerContext, type EvidenceTarget } from "./evidence";

const EvidenceViewer = lazy(() => import("./EvidenceViewer").then((module) => ({ default: module.EvidenceViewer })));

export function EvidenceViewerProvider({ children }: { children: ReactNode }) {
  const [shown, setShown] = useState<{ target: EvidenceTarget; serial: number } | null>(null);
  const open = useCallback((target: EvidenceTarget) => {
    setShown((current) => ({ target, serial: (current?.serial ?? 0) + 1 }));
  }, []);
  const close = useCallback(() => {
    setShown(null);
  }, []);
  return (
    <EvidenceViewerContext value={open}>
      {children}
      {shown && (
        <Suspense fallback={null}>
          <EvidenceViewer key={shown.serial} target={shown.target} onClose={close} />
        </Suspense>
      )}
    </EvidenceViewerContext>
  );
}
