/**
 * The filters of an exact answer as chips. × removes one, a click on its label edits it in
 * place (a text, a level, a degree or a number); either asks again: `onApply` gets the new
 * query and posts it as a new message of the thread. Escape cancels an edit and gives focus
 * back to the chip.
 */
import { useEffect, useId, useRef, useState, type SyntheticEvent } from "react";
import type { CandidateQuery } from "../api/types";
import {
  chipsOf,
  DEGREE_CHOICES,
  editChip,
  editorKind,
  editorLabel,
  editorValue,
  LEVEL_CHOICES,
  removeChip,
  replaceChip,
  type Chip,
} from "./query";

interface Props {
  query: CandidateQuery;
  /** Asks the changed query; absent: the chips are read-only (no thread to ask in). */
  onApply?: (query: CandidateQuery) => void;
  /** An answer is on its way: wait for it before asking again. */
  disabled?: boolean;
}

const CHIP = "inline-flex items-stretch overflow-hidden rounded-full border border-indigo-200 bg-indigo-50 text-sm text-indigo-900";
const FIELD =
  "rounded-md border border-slate-300 bg-white px-2 py-1 text-sm text-slate-900 focus-visible:outline-2 focus-visible:outline-indigo-500";

export function FilterChips({ query, onApply, disabled = false }: Props) {
  const chips = chipsOf(query);
  const [editing, setEditing] = useState<string | null>(null);
  const chipButtons = useRef(new Map<string, HTMLButtonElement>());
  const refocus = useRef<string | null>(null);

  useEffect(() => {
    if (editing !== null || refocus.current === null) return;
    chipButtons.current.get(refocus.current)?.focus();
    refocus.current = null;
  }, [editing]);

  if (chips.length === 0) return null;
  const readOnly = !onApply;
  return (
    <div data-testid="filter-chips" className="mb-3">
      <ul aria-label="Filters of this answer" className="flex flex-wrap items-center gap-2">
        {chips.map((chip) =>
          editing === chip.id && onApply ? (
            <li key={chip.id}>
              <ChipEditor
                chip={chip}
                onCancel={() => {
                  refocus.current = chip.id;
                  setEditing(null);
                }}
                onSave={(next) => {
                  setEditing(null);
                  onApply(replaceChip(query, chip.id, next));
                }}
              />
            </li>
          ) : (
            <li key={chip.id} className={CHIP} data-testid="filter-chip" data-chip={chip.id}>
              {readOnly ? (
                <span className="px-3 py-1">{chip.label}</span>
              ) : (
                <>
                  <button
                    ref={(el) => {
                      if (el) chipButtons.current.set(chip.id, el);
                      else chipButtons.current.delete(chip.id);
                    }}
                    type="button"
                    disabled={disabled}
                    aria-label={`Edit ${chip.label}`}
                    title="Edit this filter"
                    onClick={() => {
                      setEditing(chip.id);
                    }}
                    className="py-1 pr-1 pl-3 hover:bg-indigo-100 focus-visible:outline-2 focus-visible:-outline-offset-2 focus-visible:outline-indigo-600 disabled:cursor-not-allowed"
                  >
                    {chip.label}
                  </button>
                  <button
                    type="button"
                    disabled={disabled}
                    aria-label={`Remove ${chip.label}`}
                    title="Remove this filter and ask again"
                    onClick={() => {
                      onApply(removeChip(query, chip.id));
                    }}
                    className="px-2 text-indigo-700 hover:bg-indigo-200 hover:text-indigo-950 focus-visible:outline-2 focus-visible:-outline-offset-2 focus-visible:outline-indigo-600 disabled:cursor-not-allowed"
                  >
                    <span aria-hidden="true">×</span>
                  </button>
                </>
              )}
            </li>
          ),
        )}
      </ul>
      {!readOnly && disabled && <p className="mt-1 text-xs text-slate-600">Filters can be changed once the answer is complete.</p>}
    </div>
  );
}

function ChipEditor({ chip, onSave, onCancel }: { chip: Chip; onSave: (chip: Chip) => void; onCancel: () => void }) {
  const [value, setValue] = useState(() => editorValue(chip));
  const [error, setError] = useState<string | null>(null);
  const fieldId = useId();
  const errorId = useId();
  const kind = editorKind(chip);
  const label = editorLabel(chip);

  const submit = (event: SyntheticEvent): void => {
    event.preventDefault();
    const next = editChip(chip, value);
    if ("error" in next) {
      setError(next.error);
      return;
    }
    onSave(next);
  };

  const common = {
    id: fieldId,
    autoFocus: true,
    "aria-invalid": error !== null,
    "aria-describedby": error ? errorId : undefined,
    className: FIELD,
  };
  return (
    <form
      noValidate
      onSubmit={submit}
      onKeyDown={(event) => {
        if (event.key === "Escape") {
          event.preventDefault();
          event.stopPropagation();
          onCancel();
        }
      }}
      aria-label={`Edit ${chip.label}`}
      data-testid="chip-editor"
      className="flex flex-wrap items-center gap-2 rounded-lg border border-indigo-300 bg-white p-2 shadow-sm"
    >
      <label htmlFor={fieldId} className="text-xs font-medium text-slate-700">
        {label}
      </label>
      {kind === "level" && (
        <select
          {...common}
          value={value}
          onChange={(event) => {
            setValue(event.target.value);
          }}
        >
          {LEVEL_CHOICES.map((choice) => (
            <option key={choice.value} value={choice.value}>
              {choice.label}
            </option>
          ))}
        </select>
      )}
      {kind === "degree" && (
        <select
          {...common}
          value={value}
          onChange={(event) => {
            setValue(event.target.value);
          }}
        >
          {DEGREE_CHOICES.map((choice) => (
            <option key={choice.value} value={choice.value}>
              {choice.label}
            </option>
          ))}
        </select>
      )}
      {(kind === "text" || kind === "number") && (
        <input
          {...common}
          type={kind === "number" ? "number" : "text"}
          inputMode={kind === "number" ? "decimal" : undefined}
          min={kind === "number" ? 0 : undefined}
          max={kind === "number" ? 80 : undefined}
          step={kind === "number" ? "any" : undefined}
          value={value}
          onChange={(event) => {
            setValue(event.target.value);
            setError(null);
          }}
          className={`${FIELD} ${kind === "number" ? "w-20" : "w-44"}`}
        />
      )}
      <button
        type="submit"
        className="rounded-md bg-indigo-600 px-3 py-1 text-xs font-semibold text-white hover:bg-indigo-700 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-indigo-600"
      >
        Apply
      </button>
      <button
        type="button"
        onClick={onCancel}
        className="rounded-md px-2 py-1 text-xs font-medium text-slate-700 hover:bg-slate-100 focus-visible:outline-2 focus-visible:outline-indigo-500"
      >
        Cancel
      </button>
      {error && (
        <p id={errorId} role="alert" className="w-full text-xs text-red-700">
          {error}
        </p>
      )}
    </form>
  );
}
