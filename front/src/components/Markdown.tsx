/** Markdown for answers: no raw HTML (react-markdown's default), citations as links to sources. */
import ReactMarkdown, { type Components } from "react-markdown";
import { CITATION_PREFIX, sourceAnchor } from "../lib/citations";

interface Props {
  text: string;
  runKey: string;
}

export function Markdown({ text, runKey }: Props) {
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
