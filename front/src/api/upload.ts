/**
 * `POST /api/cvs`, one file per request, over XMLHttpRequest: `fetch` reports no upload
 * progress. Errors are `ApiError`s like the other calls' (status and the server's detail).
 */
import { ApiError, detailOf, notifyUnauthorized } from "./client";
import type { UploadedCv } from "./types";

/** The server's limit per file (domain/corpus.py, MAX_UPLOAD_BYTES). */
export const MAX_UPLOAD_BYTES = 20 * 1024 * 1024;

export const ACCEPTED_FILES =
  ".pdf,.docx,application/pdf,application/vnd.openxmlformats-officedocument.wordprocessingml.document";

/** Status 0: the request never got an answer (network down, server gone). */
export const NETWORK_ERROR = 0;

export interface UploadHandle {
  /** The file's entry in the server's answer. */
  done: Promise<UploadedCv>;
  abort: () => void;
}

/** What to say when the server's answer carries no `detail`. */
function fallbackMessage(status: number): string {
  switch (status) {
    case 401:
      return "You are signed out: sign in again to add CVs.";
    case 403:
      return "Only admins can add CVs.";
    case 413:
      return "This file is larger than 20 MB.";
    case 415:
      return "This is not a PDF or DOCX file.";
    case 422:
      return "This file could not be read (encrypted, empty or damaged).";
    default:
      return `The upload failed (${status}).`;
  }
}

function parse(text: string): unknown {
  if (!text) return null;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

function firstCv(body: unknown): UploadedCv | null {
  if (body && typeof body === "object" && "cvs" in body && Array.isArray(body.cvs)) {
    const [cv] = body.cvs as unknown[];
    if (cv && typeof cv === "object" && "cv_id" in cv) {
      const duplicate = "duplicate" in cv && cv.duplicate === true;
      return { ...(cv as UploadedCv), duplicate };
    }
  }
  return null;
}

export function uploadCv(file: File, onProgress: (loaded: number, total: number) => void): UploadHandle {
  const xhr = new XMLHttpRequest();
  const done = new Promise<UploadedCv>((resolve, reject) => {
    xhr.open("POST", "/api/cvs");
    xhr.setRequestHeader("Accept", "application/json");
    xhr.upload.onprogress = (event) => {
      onProgress(event.loaded, event.lengthComputable ? event.total : file.size);
    };
    xhr.onload = () => {
      const body = parse(xhr.responseText);
      if (xhr.status >= 200 && xhr.status < 300) {
        const cv = firstCv(body);
        if (cv) resolve(cv);
        else reject(new ApiError(xhr.status, "The server's answer named no CV.", body));
        return;
      }
      if (xhr.status === 401) notifyUnauthorized();
      reject(new ApiError(xhr.status, detailOf(body, fallbackMessage(xhr.status)), body));
    };
    xhr.onerror = () => {
      reject(new ApiError(NETWORK_ERROR, "The server could not be reached.", null));
    };
    xhr.onabort = () => {
      reject(new DOMException("The upload was canceled.", "AbortError"));
    };
    const form = new FormData();
    form.append("file", file, file.name);
    xhr.send(form);
  });
  return {
    done,
    abort: () => {
      xhr.abort();
    },
  };
}
