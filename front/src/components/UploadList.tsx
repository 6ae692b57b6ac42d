/** The files added in this visit, each with its progress, then where the server has it. */
import type { CvSummary } from "../api/types";
import { formatBytes, isDone, percentSent, type Upload } from "../corpus/uploads";
import { CvStatusBadge } from "./CvStatusBadge";

interface Props {
  uploads: readonly Upload[];
  /** The corpus as last listed, by id: how an accepted file's indexing goes. */
  cvs: ReadonlyMap<string, CvSummary>;
  /** CVs deleted in this visit. */
  deleted: ReadonlySet<string>;
  onDismiss: (key: string) => void;
  onClear: () => void;
}

function ProgressBar({ upload }: { upload: Upload }) {
  const percent = percentSent(upload);
  return (
    <div
      role="progressbar"
      aria-label={`Sending ${upload.name}`}
      aria-valuemin={0}
      aria-valuemax={100}
      aria-valuenow={percent}
      className="mt-1.5 h-1.5 w-full overflow-hidden rounded-full bg-slate-200"
    >
      <div className="h-full rounded-full bg-indigo-500 transition-[width]" style={{ width: `${percent}%` }} />
    </div>
  );
}

/** What a file's line says about it. */
function UploadState({ upload, cv, deleted }: { upload: Upload; cv: CvSummary | undefined; deleted: boolean }) {
  switch (upload.phase) {
    case "waiting":
      return <span className="text-slate-500">Waiting…</span>;
    case "sending":
      return <span className="text-slate-700">Sending… {percentSent(upload)}%</span>;
    case "checking":
      return <span className="text-slate-700">Checking the file…</span>;
    case "duplicate":
      return <span className="text-slate-700">Already in the corpus</span>;
    case "failed":
      return <span className="font-medium text-red-700">Not added</span>;
    case "accepted":
      if (deleted) return <span className="text-slate-700">Deleted</span>;
      return cv ? <CvStatusBadge status={cv.status} /> : <span className="text-slate-700">Uploaded</span>;
  }
}

interface RowProps {
  upload: Upload;
  cv: CvSummary | undefined;
  deleted: boolean;
  onDismiss: (key: string) => void;
}

function UploadRow({ upload, cv, deleted, onDismiss }: RowProps) {
  const done = isDone(upload);
  const failedIndexing = upload.phase === "accepted" && cv?.status === "failed";
  return (
    <li
      data-testid="upload-row"
      data-phase={upload.phase}
      data-cv-id={upload.cvId ?? undefined}
      className="px-3 py-2.5"
    >
      <div className="flex items-start gap-3">
        <div className="min-w-0 flex-1">
          <p className="flex flex-wrap items-baseline gap-x-2 text-sm">
            <span className="min-w-0 truncate font-medium text-slate-900" title={upload.name}>
              {upload.name}
            </span>
            <span className="text-xs text-slate-500">{formatBytes(upload.size)}</span>
          </p>
          <p className="mt-0.5 text-xs" data-testid="upload-state">
            <UploadState upload={upload} cv={cv} deleted={deleted} />
          </p>
          {(upload.phase === "sending" || upload.phase === "checking") && <ProgressBar upload={upload} />}
          {upload.error && (
            <p role="alert" className="mt-1 text-sm text-red-700">
              {upload.error}
            </p>
          )}
          {failedIndexing && (
            <p role="alert" className="mt-1 text-sm text-red-700">
              Not indexed: {cv.error ?? "the file could not be read."}
            </p>
          )}
        </div>
        <button
          type="button"
          onClick={() => {
            onDismiss(upload.key);
          }}
          aria-label={done ? `Remove ${upload.name} from this list` : `Cancel the upload of ${upload.name}`}
          title={done ? "Remove from this list" : "Cancel"}
          className="shrink-0 rounded-md p-1.5 text-slate-500 hover:bg-slate-100 hover:text-slate-800 focus-visible:outline-2 focus-visible:outline-indigo-500"
        >
          <svg aria-hidden="true" viewBox="0 0 20 20" className="h-4 w-4" fill="currentColor">
            <path d="M5.3 4.3 10 9l4.7-4.7 1 1L11 10l4.7 4.7-1 1L10 11l-4.7 4.7-1-1L9 10 4.3 5.3z" />
          </svg>
        </button>
      </div>
    </li>
  );
}

export function UploadList({ uploads, cvs, deleted, onDismiss, onClear }: Props) {
  if (uploads.length === 0) return null;
  const finished = uploads.filter(isDone).length;
  return (
    <div className="mt-4">
      <div className="mb-1 flex items-center justify-between">
        <h3 id="uploads-title" className="text-xs font-semibold tracking-wide text-slate-500 uppercase">
          Files added
        </h3>
        {finished > 0 && (
          <button
            type="button"
            onClick={onClear}
            className="rounded px-2 py-1 text-xs text-slate-600 hover:bg-slate-100 focus-visible:outline-2 focus-visible:outline-indigo-500"
          >
            Clear finished
          </button>
        )}
      </div>
      <ul aria-labelledby="uploads-title" className="divide-y divide-slate-200 rounded-xl border border-slate-200 bg-white">
        {uploads.map((upload) => (
          <UploadRow
            key={upload.key}
            upload={upload}
            cv={upload.cvId ? cvs.get(upload.cvId) : undefined}
            deleted={upload.cvId !== null && deleted.has(upload.cvId)}
            onDismiss={onDismiss}
          />
        ))}
      </ul>
    </div>
  );
}
