/**
 * A CV's file as the viewer needs it: `GET /api/cvs/{cv_id}/pdf` (same origin, the session
 * cookie), read as bytes when it is a PDF; a DOCX upload (served by the same route, as an
 * attachment) is only offered for download; a 404 is a CV that is gone.
 */
import { notifyUnauthorized } from "../api/client";

export type CvFile =
  | { kind: "pdf"; data: ArrayBuffer }
  /** Not a PDF (a DOCX upload): the browser cannot show it, the person may download it. */
  | { kind: "download"; url: string }
  | { kind: "missing" }
  | { kind: "error"; message: string };

export function cvFileUrl(cvId: string): string {
  return `/api/cvs/${encodeURIComponent(cvId)}/pdf`;
}

export async function fetchCvFile(cvId: string, signal?: AbortSignal): Promise<CvFile> {
  const url = cvFileUrl(cvId);
  let response: Response;
  try {
    response = await fetch(url, { credentials: "same-origin", signal: signal ?? null });
  } catch (error) {
    if (signal?.aborted) throw error;
    return { kind: "error", message: "The CV could not be loaded: the server did not answer." };
  }
  if (response.status === 404 || response.status === 410) return { kind: "missing" };
  if (response.status === 401) {
    notifyUnauthorized();
    return { kind: "error", message: "Your session has ended: sign in again to see the CV." };
  }
  if (!response.ok) return { kind: "error", message: `The CV could not be loaded (${response.status}).` };
  const type = (response.headers.get("Content-Type") ?? "").toLowerCase();
  if (!type.startsWith("application/pdf")) {
    // Do not read a file the viewer cannot show; the link downloads it.
    void response.body?.cancel().catch(() => undefined);
    return { kind: "download", url };
  }
  return { kind: "pdf", data: await response.arrayBuffer() };
}
