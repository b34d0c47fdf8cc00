import { nextRunAfter } from './schedule.js';
import type { Automation } from './types.js';

/**
 * The automation's next cron slot strictly after `after`; null for manual automations and for
 * schedules that no longer parse or never fire again (such an automation waits for a person).
 */
export function nextSlot(automation: Pick<Automation, 'triggerType' | 'schedule' | 'timezone'>, after: Date): Date | null {
  if (automation.triggerType !== 'on_schedule' || automation.schedule === null) return null;
  try {
    return nextRunAfter(automation.schedule, automation.timezone, after);
  } catch {
    return null;
  }
}
