import { SUGGESTIONS } from "../lib/suggestions";

export function EmptyState({ onPick, disabled }: { onPick: (question: string) => void; disabled: boolean }) {
  return (
    <div className="mx-auto flex max-w-2xl flex-col items-center px-4 py-10 text-center sm:py-16">
      <h2 className="text-2xl font-semibold text-slate-900">Ask about the CVs</h2>
      <p className="mt-2 text-slate-600">
        cvchat searches the indexed CVs and answers with the candidates it found, citing each CV and page.
      </p>
      <ul aria-label="Example questions" className="mt-8 grid w-full gap-3 sm:grid-cols-2">
        {SUGGESTIONS.map((question) => (
          <li key={question}>
            <button
              type="button"
              disabled={disabled}
              onClick={() => {
                onPick(question);
              }}
              className="h-full w-full rounded-xl border border-slate-200 bg-white p-4 text-left text-sm text-slate-700 shadow-sm transition hover:border-indigo-400 hover:text-indigo-700 focus-visible:outline-2 focus-visible:outline-indigo-500 disabled:opacity-50"
            >
              {question}
            </button>
          </li>
        ))}
      </ul>
    </div>
  );
}
