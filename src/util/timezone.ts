/** Zone names already checked (Intl.DateTimeFormat costs ~140 µs to build); bounded by the zones people use. */
const known = new Map<string, string | null>();

/**
 * The canonical spelling of a time zone the runtime knows (`utc` → `UTC`, `US/Eastern` →
 * `America/New_York`), or null when `tz` is not one.
 */
export function canonicalTimeZone(tz: string): string | null {
  const trimmed = tz.trim();
  if (trimmed === '') return null;
  if (known.has(trimmed)) return known.get(trimmed)!;
  let canonical: string | null;
  try {
    canonical = new Intl.DateTimeFormat('en-US', { timeZone: trimmed }).resolvedOptions().timeZone;
  } catch {
    canonical = null; // RangeError: Invalid time zone specified
  }
  if (known.size < 2_000) known.set(trimmed, canonical);
  return canonical;
}
