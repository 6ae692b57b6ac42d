export function UserMessage({ content }: { content: string }) {
  return (
    <article aria-label="Your question" data-testid="user-message" className="flex justify-end">
      <p className="max-w-[85%] rounded-2xl rounded-br-sm bg-indigo-600 px-4 py-2 whitespace-pre-wrap break-words text-white shadow-sm">
        {content}
      </p>
    </article>
  );
}
