/**
 * One condition of one candidate in the table: ✓ (with what the CV says) or ✗. Hovering or
 * focusing the ✓ shows the evidence (page and snippet) in a popover; clicking the ✓ or an
 * evidence line opens it in the evidence viewer. The popover is `position: fixed` so that the
 * table's horizontal scroll does not clip it; Escape closes it.
 */
import { useCallback, useEffect, useId, useLayoutEffect, useRef, useState } from "react";
import type { ConditionCheck } from "../api/types";
import { EvidenceLink } from "./EvidenceLink";

interface Props {
  cvId: string;
  name: string;
  check: ConditionCheck;
  /** The CV was deleted since: say what it said, link nowhere. */
  removed?: boolean;
  /** Show what the candidate has next to the ✓ (off where another column says it already). */
  showValue?: boolean;
}

const CLOSE_DELAY_MS = 150;
const SNIPPET_CHARS = 220;

function clip(text: string, chars = SNIPPET_CHARS): string {
  const flat = text.replace(/\s+/g, " ").trim();
  return flat.length > chars ? `${flat.slice(0, chars - 1)}…` : flat;
}

function usePopover() {
  const [open, setOpen] = useState(false);
  const timer = useRef<number | undefined>(undefined);
  const cancelClose = useCallback(() => {
    window.clearTimeout(timer.current);
  }, []);
  const show = useCallback(() => {
    cancelClose();
    setOpen(true);
  }, [cancelClose]);
  const hide = useCallback(() => {
    cancelClose();
    setOpen(false);
  }, [cancelClose]);
  const hideSoon = useCallback(() => {
    cancelClose();
    timer.current = window.setTimeout(() => {
      setOpen(false);
    }, CLOSE_DELAY_MS);
  }, [cancelClose]);
  useEffect(() => cancelClose, [cancelClose]);
  return { open, show, hide, hideSoon };
}

/**
 * Places the open popover under the trigger (above it when there is no room), within the
 * window, and keeps it there while the page scrolls. Written to the element's style (CSSOM,
 * which the Content-Security-Policy allows) before the browser paints it.
 */
function usePlacement(open: boolean) {
  const trigger = useRef<HTMLSpanElement>(null);
  const popover = useRef<HTMLDivElement>(null);
  useLayoutEffect(() => {
    if (!open) return;
    const place = (): void => {
      const anchor = trigger.current?.getBoundingClientRect();
      const element = popover.current;
      if (!anchor || !element) return;
      const box = element.getBoundingClientRect();
      const margin = 8;
      const below = anchor.bottom + 4;
      const top = below + box.height > window.innerHeight - margin ? Math.max(margin, anchor.top - 4 - box.height) : below;
      const left = Math.min(Math.max(margin, anchor.left), Math.max(margin, window.innerWidth - box.width - margin));
      element.style.top = `${top}px`;
      element.style.left = `${left}px`;
      element.style.visibility = "visible";
    };
    place();
    window.addEventListener("scroll", place, true);
    window.addEventListener("resize", place);
    return () => {
      window.removeEventListener("scroll", place, true);
      window.removeEventListener("resize", place);
    };
  }, [open]);
  return { trigger, popover };
}

export function EvidenceCheck({ cvId, name, check, removed = false, showValue = true }: Props) {
  const { open, show, hide, hideSoon } = usePopover();
  const wrapper = useRef<HTMLSpanElement>(null);
  const { trigger, popover } = usePlacement(open);
  const popoverId = useId();

  if (!check.met) {
    return (
      <span className="text-slate-600" data-testid="condition-missing">
        <span aria-hidden="true">✗</span>
        <span className="sr-only">{check.label}: no</span>
      </span>
    );
  }
  const value = check.value && showValue ? <span className="ml-1 text-xs text-slate-600">{check.value}</span> : null;
  const first = removed ? undefined : check.evidence[0];
  if (!first) {
    return (
      <span data-testid="condition-met">
        <span aria-hidden="true" className="font-semibold text-emerald-700">
          ✓
        </span>
        <span className="sr-only">{check.label}: yes</span>
        {value}
      </span>
    );
  }
  // Starts with what the button shows (WCAG 2.5.3: "✓ B2"), then what it stands for.
  const shown = `✓${check.value && showValue ? ` ${check.value}` : ""}`;
  const triggerLabel = `${shown} ${check.label}${check.value && !showValue ? ` (${check.value})` : ""}: page ${first.page} of ${name}'s CV`;
  return (
    <span
      ref={wrapper}
      className="relative inline-flex items-center"
      data-testid="condition-met"
      onMouseEnter={show}
      onMouseLeave={hideSoon}
      onFocus={show}
      onBlur={(event) => {
        if (!wrapper.current?.contains(event.relatedTarget)) hide();
      }}
      onKeyDown={(event) => {
        if (event.key === "Escape" && open) {
          event.stopPropagation();
          hide();
        }
      }}
    >
      <span ref={trigger} aria-describedby={open ? popoverId : undefined} className="inline-flex">
        <EvidenceLink
          cvId={cvId}
          name={name}
          page={first.page}
          snippet={first.snippet}
          url={first.url}
          label={triggerLabel}
          onOpen={hide}
          className="inline-flex items-center rounded px-1.5 py-0.5 font-semibold text-emerald-700 hover:bg-emerald-50 focus-visible:outline-2 focus-visible:outline-indigo-500"
        >
          <span aria-hidden="true">✓</span>
          {value}
        </EvidenceLink>
      </span>
      {open && (
        <div
          ref={popover}
          id={popoverId}
          role="group"
          aria-label={`Evidence for ${check.label}`}
          data-testid="evidence-popover"
          className="invisible fixed z-30 w-80 max-w-[90vw] rounded-lg border border-slate-200 bg-white p-2 text-left text-xs font-normal whitespace-normal text-slate-800 shadow-lg"
        >
          <p className="mb-1 font-semibold text-slate-900">
            {check.label}
            {check.value ? <span className="font-normal text-slate-600"> — {check.value}</span> : null}
          </p>
          <ul className="space-y-1">
            {check.evidence.slice(0, 3).map((evidence) => (
              <li key={`${evidence.page}-${evidence.snippet}`}>
                <EvidenceLink
                  cvId={cvId}
                  name={name}
                  page={evidence.page}
                  snippet={evidence.snippet}
                  url={evidence.url}
                  label={`Page ${evidence.page}: ${clip(evidence.snippet, 80)}`}
                  onOpen={hide}
                  className="block w-full rounded px-1 py-0.5 text-left hover:bg-indigo-50 focus-visible:outline-2 focus-visible:outline-indigo-500"
                >
                  <span className="font-semibold text-indigo-700">p. {evidence.page}</span>{" "}
                  <span className="text-slate-700">“{clip(evidence.snippet)}”</span>
                </EvidenceLink>
              </li>
            ))}
          </ul>
        </div>
      )}
    </span>
  );
}
