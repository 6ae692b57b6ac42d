/**
 * The Corpus page (admins): add CVs (drop or choose PDF/DOCX files; each is sent on its own, with
 * its progress and outcome), follow their indexing, and delete CVs after a confirmation.
 */
import { useCallback, useEffect, useMemo, useRef, useState } from "react";
import { api, ApiError } from "../api/client";
import type { CvSummary } from "../api/types";
import { baseName } from "../corpus/format";
import { isPending, useCvList } from "../corpus/useCvList";
import { useSharedUploads } from "../corpus/uploadsContext";
import { ConfirmDialog } from "./ConfirmDialog";
import { CvList } from "./CvList";
import { UploadDropZone } from "./UploadDropZone";
import { UploadList } from "./UploadList";

function deleteErrorText(error: unknown): string {
  if (error instanceof ApiError) {
    if (error.status === 403) return "Only admins can delete CVs.";
    return `Not deleted: ${error.message}`;
  }
  return "Not deleted: the server could not be reached.";
}

function useDeletion(drop: (cvId: string) => void, refresh: () => void) {
  const [confirming, setConfirming] = useState<CvSummary | null>(null);
  const [busy, setBusy] = useState(false);
  const [errors, setErrors] = useState<ReadonlyMap<string, string>>(new Map());
  const [deleted, setDeleted] = useState<ReadonlySet<string>>(new Set());
  const [notice, setNotice] = useState("");

  const ask = useCallback((cv: CvSummary) => {
    setErrors((current) => {
      const next = new Map(current);
      next.delete(cv.cv_id);
      return next;
    });
    setConfirming(cv);
  }, []);

  const cancel = useCallback(() => {
    setConfirming(null);
  }, []);

  const confirm = useCallback(async () => {
    if (!confirming) return;
    const cv = confirming;
    setBusy(true);
    try {
      await api.deleteCv(cv.cv_id);
      setDeleted((current) => new Set(current).add(cv.cv_id));
      drop(cv.cv_id);
      setNotice(`${cv.name} was deleted.`);
    } catch (error) {
      if (error instanceof ApiError && error.status === 404) {
        // Gone already (deleted elsewhere): the list catches up.
        drop(cv.cv_id);
        setNotice(`${cv.name} was already deleted.`);
      } else {
        setErrors((current) => new Map(current).set(cv.cv_id, deleteErrorText(error)));
      }
    } finally {
      setBusy(false);
      setConfirming(null);
      refresh();
    }
  }, [confirming, drop, refresh]);

  return { confirming, busy, errors, deleted, notice, ask, cancel, confirm };
}

/** Needs an `UploadsProvider` above it, so that files still being sent survive a visit to the chat. */
export function CorpusPage() {
  const uploads = useSharedUploads();
  const list = useCvList();
  const { refresh, drop } = list;
  const deletion = useDeletion(drop, refresh);
  const heading = useRef<HTMLHeadingElement>(null);
  const byId = useMemo(() => new Map(list.cvs.map((cv) => [cv.cv_id, cv])), [list.cvs]);

  // A file the server took is in its list now (queued): look at once rather than at the next poll.
  const taken = uploads.uploads.filter((u) => u.phase === "accepted" || u.phase === "duplicate").length;
  useEffect(() => {
    if (taken > 0) refresh();
  }, [taken, refresh]);

  const pending = list.cvs.filter(isPending).length;
  return (
    <div className="min-h-0 flex-1 overflow-y-auto bg-slate-50" data-testid="corpus-page">
      <div className="mx-auto w-full max-w-4xl space-y-8 px-3 py-5 sm:px-6 sm:py-8">
        <section aria-labelledby="add-cvs-title">
          <h2 id="add-cvs-title" className="mb-3 text-lg font-semibold text-slate-900">
            Add CVs
          </h2>
          <UploadDropZone onFiles={uploads.add} />
          <UploadList
            uploads={uploads.uploads}
            cvs={byId}
            deleted={deletion.deleted}
            onDismiss={uploads.dismiss}
            onClear={uploads.clear}
          />
        </section>

        <section aria-labelledby="corpus-title">
          <div className="mb-3 flex flex-wrap items-baseline justify-between gap-2">
            <h2 id="corpus-title" ref={heading} tabIndex={-1} className="text-lg font-semibold text-slate-900 focus:outline-none">
              CVs in the corpus
            </h2>
            {list.loaded && (
              <p className="text-sm text-slate-500">
                {list.cvs.length === 1 ? "1 CV" : `${list.cvs.length} CVs`}
                {pending > 0 && ` · ${pending} on the way`}
              </p>
            )}
          </div>
          {list.error && (
            <p role="alert" className="mb-3 rounded-lg bg-red-50 p-3 text-sm text-red-800">
              {list.error}
            </p>
          )}
          {!list.loaded && (
            <p role="status" className="text-sm text-slate-500">
              Loading the CVs…
            </p>
          )}
          {list.loaded && list.cvs.length === 0 && !list.error && (
            <p className="rounded-xl border border-slate-200 bg-white p-4 text-sm text-slate-600">
              No CVs yet. Add some above: they can be asked about once indexed.
            </p>
          )}
          {list.cvs.length > 0 && <CvList cvs={list.cvs} deleteErrors={deletion.errors} onDelete={deletion.ask} />}
        </section>
      </div>
      <p aria-live="polite" className="sr-only">
        {deletion.notice}
      </p>
      {deletion.confirming && (
        <ConfirmDialog
          title={`Delete ${deletion.confirming.name}?`}
          confirmLabel="Delete"
          busyLabel="Deleting…"
          busy={deletion.busy}
          onConfirm={() => void deletion.confirm()}
          onCancel={deletion.cancel}
          fallbackFocus={heading}
        >
          <p>
            The CV ({baseName(deletion.confirming.file)}) is removed for good: its file, its text and its place in
            search. Answers that cited it keep their text but no longer link to it.
          </p>
        </ConfirmDialog>
      )}
    </div>
  );
}
