/** Sends the files added on the Corpus page, one request per file and a few at a time. */
import { useCallback, useEffect, useReducer, useRef } from "react";
import { ApiError } from "../api/client";
import { uploadCv, type UploadHandle } from "../api/upload";
import { nextToStart, refusal, uploadsReducer, type UploadsState } from "./uploads";

/** Files sent at once: enough to keep the line busy, few enough that each shows progress. */
export const PARALLEL_UPLOADS = 2;

export interface Uploads {
  uploads: UploadsState;
  add: (files: Iterable<File>) => void;
  /** Stops a file that is waiting or being sent, or drops a finished one from the list. */
  dismiss: (key: string) => void;
  /** Drops every finished file from the list. */
  clear: () => void;
}

let counter = 0;

function messageOf(error: unknown): string {
  if (error instanceof ApiError) return error.message;
  return error instanceof Error ? error.message : String(error);
}

export function useUploads(limit = PARALLEL_UPLOADS): Uploads {
  const [uploads, dispatch] = useReducer(uploadsReducer, []);
  // The File objects wait here until their turn; the requests in flight, by upload key.
  const files = useRef(new Map<string, File>());
  const handles = useRef(new Map<string, UploadHandle>());

  const add = useCallback((list: Iterable<File>) => {
    const entries = [...list].map((file) => {
      counter += 1;
      const key = `upload-${counter}`;
      if (!refusal(file.size)) files.current.set(key, file);
      return { key, name: file.name, size: file.size };
    });
    if (entries.length) dispatch({ type: "added", files: entries });
  }, []);

  useEffect(() => {
    for (const upload of nextToStart(uploads, limit)) {
      const file = files.current.get(upload.key);
      if (!file) continue;
      files.current.delete(upload.key);
      const { key } = upload;
      dispatch({ type: "started", key });
      const handle = uploadCv(file, (loaded, total) => {
        dispatch({ type: "progressed", key, loaded, total });
      });
      handles.current.set(key, handle);
      handle.done.then(
        (cv) => {
          dispatch({ type: "accepted", key, cv });
        },
        (error: unknown) => {
          // A canceled upload was dismissed already.
          if (!(error instanceof DOMException && error.name === "AbortError")) {
            dispatch({ type: "failed", key, error: messageOf(error) });
          }
        },
      ).finally(() => {
        handles.current.delete(key);
      });
    }
  }, [uploads, limit]);

  const dismiss = useCallback((key: string) => {
    files.current.delete(key);
    handles.current.get(key)?.abort();
    dispatch({ type: "dismissed", key });
  }, []);

  const clear = useCallback(() => {
    dispatch({ type: "cleared" });
  }, []);

  return { uploads, add, dismiss, clear };
}
