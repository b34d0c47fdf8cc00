import type { Db } from '../db/database.js';

/** A form a person opened and has not submitted yet. `payload` is JSON the service wrote. */
export interface PendingForm {
  id: string;
  userId: string;
  kind: string;
  payload: string;
  expiresAt: Date;
}

interface PendingFormRow {
  id: string;
  user_id: string;
  kind: string;
  payload: string;
  expires_at: number;
}

/** Every SQL statement about open forms. */
export class PendingFormRepository {
  constructor(private readonly db: Db) {}

  /** Stores a new open form, dropping the forms that expired by `now`. */
  insert(form: PendingForm, now: Date): void {
    this.db.prepare('DELETE FROM pending_form WHERE expires_at <= ?').run(now.getTime());
    this.db
      .prepare('INSERT INTO pending_form (id, user_id, kind, payload, created_at, expires_at) VALUES (?, ?, ?, ?, ?, ?)')
      .run(form.id, form.userId, form.kind, form.payload, now.getTime(), form.expiresAt.getTime());
  }

  /** The open form `id` of `userId` and `kind`, unless it expired by `now`; null otherwise. */
  get(id: string, userId: string, kind: string, now: Date): PendingForm | null {
    const row = this.db
      .prepare<[string, string, string, number], PendingFormRow>('SELECT * FROM pending_form WHERE id = ? AND user_id = ? AND kind = ? AND expires_at > ?')
      .get(id, userId, kind, now.getTime());
    return row ? { id: row.id, userId: row.user_id, kind: row.kind, payload: row.payload, expiresAt: new Date(row.expires_at) } : null;
  }

  /** Replaces the payload of an open form (what the person typed last). */
  updatePayload(id: string, payload: string): void {
    this.db.prepare('UPDATE pending_form SET payload = ? WHERE id = ?').run(payload, id);
  }

  delete(id: string): void {
    this.db.prepare('DELETE FROM pending_form WHERE id = ?').run(id);
  }
}
