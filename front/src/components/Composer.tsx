/** The message box: Enter sends, Shift+Enter breaks the line; Stop replaces Send during a run. */
import { useEffect, useRef, useState, type KeyboardEvent, type SubmitEvent } from "react";

export const MAX_MESSAGE_CHARS = 100_000;

interface Props {
  running: boolean;
  /** Resolves true when the message was accepted (the box is then cleared). */
  onSend: (content: string) => Promise<boolean>;
  onStop: () => void;
  autoFocus?: boolean;
}

export function Composer({ running, onSend, onStop, autoFocus = false }: Props) {
  const [value, setValue] = useState("");
  const [sending, setSending] = useState(false);
  const box = useRef<HTMLTextAreaElement>(null);

  // The Stop button vanishes when the run ends; give keyboard focus back to the message box.
  useEffect(() => {
    // (A removed element may still be reported as active until the browser's focus fixup.)
    const active = document.activeElement;
    if (!running && (!active || active === document.body || !active.isConnected)) box.current?.focus();
  }, [running]);
  const trimmed = value.trim();
  const tooLong = value.length > MAX_MESSAGE_CHARS;
  const canSend = trimmed !== "" && !tooLong && !running && !sending;

  async function submit(): Promise<void> {
    if (!canSend) return;
    setSending(true);
    try {
      if (await onSend(trimmed)) setValue("");
    } finally {
      setSending(false);
    }
  }

  function onKeyDown(event: KeyboardEvent<HTMLTextAreaElement>): void {
    if (event.key === "Enter" && !event.shiftKey && !event.nativeEvent.isComposing) {
      event.preventDefault();
      void submit();
    }
  }

  function onSubmit(event: SubmitEvent<HTMLFormElement>): void {
    event.preventDefault();
    void submit();
  }

  return (
    <form onSubmit={onSubmit} className="border-t border-slate-200 bg-white/90 px-3 py-3 backdrop-blur sm:px-6">
      <div className="mx-auto flex max-w-3xl items-end gap-2">
        <label htmlFor="composer" className="sr-only">
          Ask about the CVs
        </label>
        <textarea
          id="composer"
          ref={box}
          rows={1}
          value={value}
          autoFocus={autoFocus}
          onChange={(event) => {
            setValue(event.target.value);
          }}
          onKeyDown={onKeyDown}
          placeholder={running ? "Wait for the answer, or stop it…" : "Ask about the CVs…"}
          aria-describedby="composer-hint"
          aria-invalid={tooLong}
          className="field-sizing-content max-h-48 min-h-11 flex-1 resize-none rounded-xl border border-slate-300 bg-white px-4 py-2.5 text-base shadow-sm placeholder:text-slate-400 focus:border-indigo-500 focus:ring-2 focus:ring-indigo-200 focus:outline-none"
        />
        {running ? (
          <button
            key="stop"
            type="button"
            onClick={onStop}
            aria-label="Stop generating"
            className="inline-flex h-11 shrink-0 items-center gap-2 rounded-xl bg-slate-800 px-4 font-semibold text-white hover:bg-slate-900 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-slate-800"
          >
            <span aria-hidden="true" className="h-3 w-3 rounded-sm bg-white" />
            Stop
          </button>
        ) : (
          <button
            key="send"
            type="submit"
            disabled={!canSend}
            aria-label="Send"
            className="inline-flex h-11 shrink-0 items-center rounded-xl bg-indigo-600 px-4 font-semibold text-white hover:bg-indigo-700 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-indigo-600 disabled:cursor-not-allowed disabled:bg-indigo-300"
          >
            Send
          </button>
        )}
      </div>
      <p id="composer-hint" className={`mx-auto mt-1 max-w-3xl text-xs ${tooLong ? "text-red-700" : "text-slate-500"}`}>
        {tooLong
          ? `Too long: ${value.length.toLocaleString("en")} of ${MAX_MESSAGE_CHARS.toLocaleString("en")} characters.`
          : "Enter to send, Shift+Enter for a new line."}
      </p>
    </form>
  );
}
