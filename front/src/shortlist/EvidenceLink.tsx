/**
 * A piece of evidence that opens where it is written: the evidence viewer at the page (the
 * snippet highlighted), or, with no viewer mounted, the CV's PDF at that page in a new tab.
 */
import type { ReactNode } from "react";
import { useEvidenceViewer } from "../viewer/evidence";
import { factUrl } from "./compare";

interface Props {
  cvId: string;
  /** The candidate's name, for the viewer's title. */
  name: string;
  page: number;
  snippet: string;
  /** The server's PDF link for the evidence, when it gave one. */
  url?: string | null;
  /** The accessible name; it starts with the visible words ("Kubernetes p. 2, Ana Gómez's CV"). */
  label: string;
  className?: string;
  children: ReactNode;
  onOpen?: () => void;
}

export function EvidenceLink({ cvId, name, page, snippet, url, label, className, children, onOpen }: Props) {
  const open = useEvidenceViewer();
  if (open) {
    return (
      <button
        type="button"
        aria-label={label}
        className={className}
        onClick={() => {
          onOpen?.();
          open({ cvId, name, page, snippet });
        }}
      >
        {children}
      </button>
    );
  }
  return (
    <a
      href={url ?? factUrl(cvId, page)}
      target="_blank"
      rel="noopener noreferrer"
      aria-label={`${label} (opens the CV PDF)`}
      className={className}
      onClick={onOpen}
    >
      {children}
    </a>
  );
}
