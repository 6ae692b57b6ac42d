/** Where CVs are added: files dropped on the zone, or chosen with the button (keyboard too). */
import { useEffect, useRef, useState, type DragEvent } from "react";
import { ACCEPTED_FILES, MAX_UPLOAD_BYTES } from "../api/upload";

interface Props {
  onFiles: (files: File[]) => void;
  disabled?: boolean;
}

function carriesFiles(event: DragEvent | globalThis.DragEvent): boolean {
  return event.dataTransfer?.types.includes("Files") ?? false;
}

/** A file dropped next to the zone must not make the browser leave the page to open it. */
function useNoStrayDrops(): void {
  useEffect(() => {
    const refuse = (event: globalThis.DragEvent): void => {
      if (!carriesFiles(event) || event.defaultPrevented) return;
      event.preventDefault();
      if (event.dataTransfer) event.dataTransfer.dropEffect = "none";
    };
    window.addEventListener("dragover", refuse);
    window.addEventListener("drop", refuse);
    return () => {
      window.removeEventListener("dragover", refuse);
      window.removeEventListener("drop", refuse);
    };
  }, []);
}

export function UploadDropZone({ onFiles, disabled = false }: Props) {
  const input = useRef<HTMLInputElement>(null);
  const [over, setOver] = useState(false);
  useNoStrayDrops();

  const onDragOver = (event: DragEvent<HTMLDivElement>): void => {
    if (disabled || !carriesFiles(event)) return;
    event.preventDefault();
    event.dataTransfer.dropEffect = "copy";
    setOver(true);
  };

  const onDragLeave = (event: DragEvent<HTMLDivElement>): void => {
    // Leaving for a child of the zone is not leaving the zone.
    if (event.relatedTarget instanceof Node && event.currentTarget.contains(event.relatedTarget)) return;
    setOver(false);
  };

  const onDrop = (event: DragEvent<HTMLDivElement>): void => {
    event.preventDefault();
    setOver(false);
    if (disabled) return;
    const files = [...event.dataTransfer.files];
    if (files.length) onFiles(files);
  };

  return (
    <div
      data-testid="drop-zone"
      data-over={over || undefined}
      onDragEnter={onDragOver}
      onDragOver={onDragOver}
      onDragLeave={onDragLeave}
      onDrop={onDrop}
      className={`flex flex-col items-center gap-3 rounded-xl border-2 border-dashed px-4 py-8 text-center transition ${
        over ? "border-indigo-500 bg-indigo-50" : "border-slate-300 bg-white"
      }`}
    >
      <svg aria-hidden="true" viewBox="0 0 24 24" className="h-8 w-8 text-indigo-500" fill="none" stroke="currentColor" strokeWidth="1.5">
        <path strokeLinecap="round" strokeLinejoin="round" d="M12 16V4m0 0-4 4m4-4 4 4M4 16v2a2 2 0 0 0 2 2h12a2 2 0 0 0 2-2v-2" />
      </svg>
      <p className="text-sm text-slate-700">
        <span className="hidden sm:inline">Drop PDF or DOCX files here, or </span>
        <button
          type="button"
          disabled={disabled}
          onClick={() => input.current?.click()}
          className="rounded-lg bg-indigo-600 px-3 py-1.5 font-semibold text-white hover:bg-indigo-700 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-indigo-600 disabled:bg-indigo-300"
        >
          Choose files
        </button>
      </p>
      <p id="drop-zone-hint" className="text-xs text-slate-500">
        PDF or Word (.docx), up to {MAX_UPLOAD_BYTES / (1024 * 1024)} MB each. Scanned PDFs are read with OCR.
      </p>
      <input
        ref={input}
        type="file"
        multiple
        accept={ACCEPTED_FILES}
        aria-label="CV files to add"
        aria-describedby="drop-zone-hint"
        tabIndex={-1}
        className="sr-only"
        onChange={(event) => {
          const files = [...(event.target.files ?? [])];
          // Cleared so that choosing the same file again is a new choice.
          event.target.value = "";
          if (files.length) onFiles(files);
        }}
      />
    </div>
  );
}
