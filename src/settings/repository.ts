import type { Db } from '../db/database.js';
import type { QuietHours } from './quiet-hours.js';

/** Every SQL statement about people's settings and the bot's own small state. */
export class SettingsRepository {
  constructor(private readonly db: Db) {}

  /** The person's default time zone, or null when they never set one. */
  userTimezone(userId: string): string | null {
    return this.db.prepare<[string], { timezone: string | null }>('SELECT timezone FROM user_setting WHERE user_id = ?').get(userId)?.timezone ?? null;
  }

  setUserTimezone(userId: string, timezone: string, now: Date): void {
    this.db
      .prepare(
        `INSERT INTO user_setting (user_id, timezone, updated_at) VALUES (?, ?, ?)
         ON CONFLICT (user_id) DO UPDATE SET timezone = excluded.timezone, updated_at = excluded.updated_at`,
      )
      .run(userId, timezone, now.getTime());
  }

  /** The person's quiet hours, or null when they have none. */
  quietHours(userId: string): QuietHours | null {
    const row = this.db
      .prepare<[string], { quiet_from: number | null; quiet_to: number | null; quiet_urgent: number }>('SELECT quiet_from, quiet_to, quiet_urgent FROM user_setting WHERE user_id = ?')
      .get(userId);
    return row && row.quiet_from !== null && row.quiet_to !== null ? { from: row.quiet_from, to: row.quiet_to, urgent: row.quiet_urgent !== 0 } : null;
  }

  /** Sets the person's quiet hours, or with null turns them off. */
  setQuietHours(userId: string, quiet: QuietHours | null, now: Date): void {
    this.db
      .prepare(
        `INSERT INTO user_setting (user_id, quiet_from, quiet_to, quiet_urgent, updated_at) VALUES (?, ?, ?, ?, ?)
         ON CONFLICT (user_id) DO UPDATE SET quiet_from = excluded.quiet_from, quiet_to = excluded.quiet_to, quiet_urgent = excluded.quiet_urgent, updated_at = excluded.updated_at`,
      )
      .run(userId, quiet?.from ?? null, quiet?.to ?? null, quiet?.urgent ? 1 : 0, now.getTime());
  }

  botState(key: string): string | null {
    return this.db.prepare<[string], { value: string }>('SELECT value FROM bot_state WHERE key = ?').get(key)?.value ?? null;
  }

  setBotState(key: string, value: string, now: Date): void {
    this.db
      .prepare(
        `INSERT INTO bot_state (key, value, updated_at) VALUES (?, ?, ?)
         ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at`,
      )
      .run(key, value, now.getTime());
  }
}
