import { supportedTimeZones } from '../util/timezone.js';
import { LIMITS } from './limits.js';

/** Every IANA zone the runtime knows, plus UTC (which Node 20 leaves out of the list). */
const ZONES: string[] = supportedTimeZones(); // by their current names (Asia/Kolkata, not Asia/Calcutta)

/** Up to 25 zones matching what the person typed (anywhere in the name, case-insensitive); those starting with it first. */
export function timezoneChoices(typed: string): { name: string; value: string }[] {
  const text = typed.trim().toLowerCase().replace(/\s+/g, '_');
  const matches = text ? ZONES.filter((z) => z.toLowerCase().includes(text)) : ZONES;
  const ranked = [...matches.filter((z) => z.toLowerCase().startsWith(text)), ...matches.filter((z) => !z.toLowerCase().startsWith(text))];
  return ranked.slice(0, LIMITS.choices).map((z) => ({ name: z, value: z }));
}
