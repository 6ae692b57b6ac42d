/**
 * Markdown for answers: no raw HTML (react-markdown's default), citations as links to sources.
 * A citation opens its source in the evidence viewer when one is mounted (the cited words
 * highlighted at their page); otherwise, and for a CV deleted since, it goes to the source card.
 */
import ReactMarkdown, { type Components } from "react-markdown";
import type { Source } from "../api/types";
import { CITATION_PREFIX, sourceAnchor } from "../lib/citations";
import { useEvidenceViewer } from "../viewer/evidence";

interface Props {
  text: string;
  runKey: string;
  /** The cards the citations number (`[n]` is `sources[n - 1]`). */
  sources?: readonly Source[];
}

export function Markdown({ text, runKey, sources = [] }: Props) {
  const openEvidence = useEvidenceViewer();
  const components: Components = {
    a({ href, children }) {
      if (href?.startsWith(CITATION_PREFIX)) {
        const n = Number(href.slice(CITATION_PREFIX.length));
        return (
          <a
            href={`#${sourceAnchor(runKey, n)}`}
            className="citation"
            aria-label={`Source ${n}`}
            onClick={(event) => {
              event.preventDefault();
              const source = sources[n - 1];
              if (openEvidence && source && !source.removed) {
                openEvidence({ cvId: source.cv_id, name: source.name, page: source.page, snippet: source.snippet });
                return;
              }
              const card = document.getElementById(sourceAnchor(runKey, n));
              card?.scrollIntoView({ behavior: "smooth", block: "nearest" });
              card?.focus({ preventScroll: true });
            }}
          >
            {n}
          </a>
        );
      }
      return (
        <a href={href} target="_blank" rel="noopener noreferrer">
          {children}
        </a>
      );
    },
  };
  return (
    <div className="markdown">
      <ReactMarkdown components={components}>{text}</ReactMarkdown>
    </div>
  );
}
