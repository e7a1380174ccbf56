/**
 * A value the data guarantees (an answer every intent has, a dialog the loader checked): returned
 * as is, or an error naming what was missing — instead of a non-null assertion that would fail later
 * with "cannot read properties of undefined".
 */
export function must<T>(value: T | null | undefined, what: string): T {
  if (value === undefined || value === null) throw new Error(`internal: ${what} is missing`);
  return value;
}
