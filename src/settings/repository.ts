import type { Db } from '../db/database.js';

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
