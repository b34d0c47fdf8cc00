/**
 * The canonical spelling of a time zone the runtime knows (`utc` → `UTC`, `US/Eastern` →
 * `America/New_York`), or null when `tz` is not one.
 */
export function canonicalTimeZone(tz: string): string | null {
  const trimmed = tz.trim();
  if (trimmed === '') return null;
  try {
    return new Intl.DateTimeFormat('en-US', { timeZone: trimmed }).resolvedOptions().timeZone;
  } catch {
    return null; // RangeError: Invalid time zone specified
  }
}
