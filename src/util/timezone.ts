/**
 * Time zones: their current IANA names, their offsets from UTC, and when those offsets change.
 */

/**
 * Zones Node 20's ICU (CLDR) still names by an old spelling, mapped to the name IANA uses today
 * (its `backward` file lists the old names as links). Checked on Node 20.20 / ICU 78.2 / tz 2025c:
 * these are all the names `Intl.supportedValuesOf('timeZone')` gives that IANA has renamed.
 * Other old names (`Asia/Ulan_Bator`, `Europe/Uzhgorod`, `America/Fort_Wayne`…) already resolve
 * through Intl to a current name or to one of these.
 */
export const RENAMED_ZONES: Readonly<Record<string, string>> = {
  'Africa/Asmera': 'Africa/Asmara',
  'America/Buenos_Aires': 'America/Argentina/Buenos_Aires',
  'America/Catamarca': 'America/Argentina/Catamarca',
  'America/Coral_Harbour': 'America/Atikokan',
  'America/Cordoba': 'America/Argentina/Cordoba',
  'America/Godthab': 'America/Nuuk',
  'America/Indianapolis': 'America/Indiana/Indianapolis',
  'America/Jujuy': 'America/Argentina/Jujuy',
  'America/Louisville': 'America/Kentucky/Louisville',
  'America/Mendoza': 'America/Argentina/Mendoza',
  'Asia/Calcutta': 'Asia/Kolkata',
  'Asia/Katmandu': 'Asia/Kathmandu',
  'Asia/Rangoon': 'Asia/Yangon',
  'Asia/Saigon': 'Asia/Ho_Chi_Minh',
  'Atlantic/Faeroe': 'Atlantic/Faroe',
  'Europe/Kiev': 'Europe/Kyiv',
  'Pacific/Enderbury': 'Pacific/Kanton',
  'Pacific/Ponape': 'Pacific/Pohnpei',
  'Pacific/Truk': 'Pacific/Chuuk',
};

/** Zone names already checked (Intl.DateTimeFormat costs ~140 µs to build); bounded by the zones people use. */
const known = new Map<string, string | null>();

/**
 * The current IANA name of a time zone the runtime knows, however it was spelled (`utc` → `UTC`,
 * `US/Eastern` → `America/New_York`, `Asia/Calcutta` → `Asia/Kolkata`), or null when `tz` is not
 * one. The name returned is accepted by Intl (and so by croner) and maps to itself.
 */
export function canonicalTimeZone(tz: string): string | null {
  const trimmed = tz.trim();
  if (trimmed === '') return null;
  if (known.has(trimmed)) return known.get(trimmed)!;
  let canonical: string | null;
  try {
    const resolved = new Intl.DateTimeFormat('en-US', { timeZone: trimmed }).resolvedOptions().timeZone;
    canonical = RENAMED_ZONES[resolved] ?? resolved;
  } catch {
    canonical = null; // RangeError: Invalid time zone specified
  }
  if (known.size < 2_000) known.set(trimmed, canonical);
  return canonical;
}

/** Every zone the runtime knows, by its current name, sorted, with UTC first (Node 20 leaves UTC out of the list). */
export function supportedTimeZones(): string[] {
  const zones = Intl.supportedValuesOf('timeZone').map((z) => RENAMED_ZONES[z] ?? z);
  return ['UTC', ...zones.filter((z) => z !== 'UTC').sort()];
}

const offsetFormats = new Map<string, Intl.DateTimeFormat>();

/**
 * The zone's offset from UTC at an instant, in milliseconds (east of Greenwich positive). `zone`
 * must be a valid zone name (see canonicalTimeZone); throws RangeError otherwise.
 */
export function zoneOffsetMs(zone: string, at: number): number {
  let format = offsetFormats.get(zone);
  if (!format) {
    // The shortest output that carries the offset ("26, GMT+05:30"): format() is ~3× faster than formatToParts().
    format = new Intl.DateTimeFormat('en-US', { timeZone: zone, timeZoneName: 'longOffset', year: '2-digit' });
    if (offsetFormats.size < 1_000) offsetFormats.set(zone, format);
  }
  const name = format.format(at);
  const m = /GMT(?:([+-])(\d{1,2}):(\d{2})(?::(\d{2}))?)?$/.exec(name);
  if (!m) throw new RangeError(`unexpected offset "${name}" for ${zone}`);
  if (m[1] === undefined) return 0;
  const seconds = Number(m[2]) * 3600 + Number(m[3]) * 60 + Number(m[4] ?? 0);
  return (m[1] === '-' ? -seconds : seconds) * 1000;
}

/** A change of a zone's offset: at instant `at` (ms, the first millisecond of the new offset), from `before` to `after` (ms). */
export interface ZoneTransition {
  readonly at: number;
  readonly before: number;
  readonly after: number;
}

/**
 * Found by sampling offsets a week apart and bisecting to the second. A zone changing its offset
 * twice within seven days would be missed: none does between 2025 and 2029 (the closest pair is
 * Africa/Casablanca's, 35 days apart around Ramadan; every zone was scanned day by day to check).
 */
const SCAN_STEP_MS = 7 * 86_400_000;

/**
 * The offset changes of `zone` in [start, end] (instants in ms), in order. Costs ~50 + 20 per
 * change offset look-ups (~10 µs each) for a year; callers cache what they reuse.
 */
export function zoneTransitions(zone: string, start: number, end: number): ZoneTransition[] {
  const found: ZoneTransition[] = [];
  let t = Math.floor(start / 1000) * 1000;
  let offset = zoneOffsetMs(zone, t);
  while (t < end) {
    const next = Math.min(t + SCAN_STEP_MS, end);
    const nextOffset = zoneOffsetMs(zone, next);
    if (nextOffset !== offset) {
      // The change is in (t, next]: bisect on whole seconds.
      let low = t;
      let high = next;
      while (high - low > 1000) {
        const mid = low + Math.floor((high - low) / 2000) * 1000;
        if (zoneOffsetMs(zone, mid) === offset) low = mid;
        else high = mid;
      }
      found.push({ at: high, before: offset, after: zoneOffsetMs(zone, high) });
    }
    t = next;
    offset = nextOffset;
  }
  return found;
}
