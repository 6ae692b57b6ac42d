/**
 * A modal question with a safe way out: focus starts on Cancel, stays inside while open (Tab
 * cycles), Esc or a click outside cancels, and focus goes back to where it was on close.
 */
import { useEffect, useId, useRef, type ReactNode, type RefObject } from "react";
import { useDialogKeys } from "../lib/useDialogKeys";

interface Props {
  title: string;
  children: ReactNode;
  confirmLabel: string;
  /** Shown on the confirm button while the action runs (both buttons are then disabled). */
  busyLabel?: string;
  busy?: boolean;
  onConfirm: () => void;
  onCancel: () => void;
  /** Where focus goes on close when the element that opened the dialog is gone. */
  fallbackFocus?: RefObject<HTMLElement | null>;
}

export function ConfirmDialog({ title, children, confirmLabel, busyLabel, busy = false, onConfirm, onCancel, fallbackFocus }: Props) {
  const titleId = useId();
  const bodyId = useId();
  const panel = useRef<HTMLDivElement>(null);
  const cancelButton = useRef<HTMLButtonElement>(null);
  // Kept fresh for the key handler, which is added once.
  const escapeRef = useRef(() => {});
  useEffect(() => {
    escapeRef.current = () => {
      if (!busy) onCancel();
    };
  }, [onCancel, busy]);

  useEffect(() => {
    const opener = document.activeElement instanceof HTMLElement ? document.activeElement : null;
    cancelButton.current?.focus();
    const fallback = fallbackFocus?.current ?? null;
    return () => {
      if (opener?.isConnected) opener.focus();
      else fallback?.focus();
    };
  }, [fallbackFocus]);

  useDialogKeys(panel, escapeRef);

  return (
    <div className="fixed inset-0 z-50 flex items-center justify-center p-4">
      <div
        aria-hidden="true"
        className="absolute inset-0 bg-slate-900/50"
        onClick={() => {
          if (!busy) onCancel();
        }}
      />
      <div
        ref={panel}
        role="alertdialog"
        aria-modal="true"
        aria-labelledby={titleId}
        aria-describedby={bodyId}
        className="relative w-full max-w-md rounded-xl bg-white p-5 shadow-xl"
      >
        <h2 id={titleId} className="text-base font-semibold text-slate-900">
          {title}
        </h2>
        <div id={bodyId} className="mt-2 text-sm text-slate-600">
          {children}
        </div>
        <div className="mt-5 flex flex-col-reverse gap-2 sm:flex-row sm:justify-end">
          <button
            ref={cancelButton}
            type="button"
            disabled={busy}
            onClick={onCancel}
            className="rounded-lg border border-slate-300 px-4 py-2 text-sm font-medium text-slate-700 hover:bg-slate-50 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-indigo-600 disabled:opacity-50"
          >
            Cancel
          </button>
          <button
            type="button"
            disabled={busy}
            onClick={onConfirm}
            className="rounded-lg bg-red-600 px-4 py-2 text-sm font-semibold text-white hover:bg-red-700 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-red-600 disabled:bg-red-300"
          >
            {busy && busyLabel ? busyLabel : confirmLabel}
          </button>
        </div>
      </div>
    </div>
  );
}
