/** The CVs in the corpus: name, pages, language, status, when added, and a way to delete each. */
import type { ReactNode } from "react";
import type { CvSummary } from "../api/types";
import { formatAdded, kindOf, languageName, ocrLabel, pagesLabel } from "../corpus/format";
import { CvStatusBadge } from "./CvStatusBadge";

interface Props {
  cvs: readonly CvSummary[];
  /** Why deleting a CV failed, by id: shown on its line. */
  deleteErrors: ReadonlyMap<string, string>;
  onDelete: (cv: CvSummary) => void;
}

function Fact({ term, children }: { term: string; children: ReactNode }) {
  return (
    <div className="flex gap-1">
      <dt className="sr-only">{term}</dt>
      <dd>{children}</dd>
    </div>
  );
}

interface RowProps {
  cv: CvSummary;
  deleteError: string | undefined;
  onDelete: (cv: CvSummary) => void;
}

function CvRow({ cv, deleteError, onDelete }: RowProps) {
  const indexed = cv.status === "indexed";
  const language = languageName(cv.language);
  const kind = kindOf(cv.media_type);
  const ocr = cv.ocr_pages ?? [];
  return (
    <li
      data-testid="cv-row"
      data-cv-id={cv.cv_id}
      data-status={cv.status}
      className="flex flex-col gap-2 px-3 py-3 sm:flex-row sm:items-center sm:gap-4 sm:px-4"
    >
      <div className="min-w-0 flex-1">
        <p className="flex min-w-0 items-center gap-2">
          {indexed ? (
            <a
              href={cv.pdf_url}
              // A PDF opens in a tab; a DOCX is served as a download.
              {...(kind === "DOCX" ? { download: "" } : { target: "_blank", rel: "noopener noreferrer" })}
              className="min-w-0 truncate font-medium text-slate-900 hover:text-indigo-700 hover:underline focus-visible:outline-2 focus-visible:outline-indigo-500"
            >
              {cv.name}
            </a>
          ) : (
            <span className="min-w-0 truncate font-medium text-slate-900">{cv.name}</span>
          )}
          {kind && (
            <span className="shrink-0 rounded bg-slate-100 px-1.5 py-0.5 text-[10px] font-semibold text-slate-600">{kind}</span>
          )}
        </p>
        {cv.headline && <p className="truncate text-xs text-slate-600">{cv.headline}</p>}
        <dl className="mt-1 flex flex-wrap gap-x-3 gap-y-0.5 text-xs text-slate-500">
          <Fact term="File">
            <span className="break-all">{cv.file}</span>
          </Fact>
          {cv.pages > 0 && <Fact term="Pages">{pagesLabel(cv.pages)}</Fact>}
          {language && <Fact term="Language">{language}</Fact>}
          {ocr.length > 0 && <Fact term="Read by OCR">{ocrLabel(ocr)}</Fact>}
          <Fact term="Added">
            {cv.added_at ? (
              <>
                added <time dateTime={cv.added_at}>{formatAdded(cv.added_at)}</time>
              </>
            ) : (
              "from the corpus folder"
            )}
          </Fact>
        </dl>
        {cv.status === "failed" && (
          <p className="mt-1 text-sm text-red-700" data-testid="cv-error">
            {cv.error ?? "This file could not be indexed."}
          </p>
        )}
        {deleteError && (
          <p role="alert" className="mt-1 text-sm text-red-700">
            {deleteError}
          </p>
        )}
      </div>
      <div className="flex shrink-0 items-center justify-between gap-3 sm:justify-end">
        <CvStatusBadge status={cv.status} />
        <button
          type="button"
          onClick={() => {
            onDelete(cv);
          }}
          aria-label={`Delete ${cv.name}`}
          className="rounded-lg border border-red-200 px-3 py-1 text-sm font-medium text-red-700 hover:bg-red-50 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-red-600"
        >
          Delete
        </button>
      </div>
    </li>
  );
}

export function CvList({ cvs, deleteErrors, onDelete }: Props) {
  return (
    <ul aria-label="CVs" className="divide-y divide-slate-200 rounded-xl border border-slate-200 bg-white">
      {cvs.map((cv) => (
        <CvRow key={cv.cv_id} cv={cv} deleteError={deleteErrors.get(cv.cv_id)} onDelete={onDelete} />
      ))}
    </ul>
  );
}
