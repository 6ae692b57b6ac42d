/** The item at `index`, or a test failure that says which one was missing. */
export function nth<T>(items: readonly T[], index: number): T {
  const item = items[index];
  if (item === undefined) throw new Error(`no item ${index} (there are ${items.length})`);
  return item;
}
