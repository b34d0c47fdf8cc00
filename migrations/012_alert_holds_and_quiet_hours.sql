-- Alert holds and quiet hours.

-- Per automation, what holds its alerts now: a snooze (until alert_hold_until) or a mute until its
-- incident resolves; who asked for it, and when. Kept in the run's finishing transaction: a snooze
-- that has ended, or a mute whose condition turned false, is cleared by the run that sees it.
ALTER TABLE automation ADD COLUMN alert_hold TEXT CHECK (alert_hold IN ('snoozed', 'muted'));
ALTER TABLE automation ADD COLUMN alert_hold_until INTEGER;
ALTER TABLE automation ADD COLUMN alert_hold_by TEXT;
ALTER TABLE automation ADD COLUMN alert_hold_at INTEGER;

-- Per run: the alert (or Resolved notice) a snooze or mute held back, and whether the run resolved
-- an incident (`/automation runs` says "held: snoozed", "resolved").
ALTER TABLE automation_run ADD COLUMN alert_held TEXT CHECK (alert_held IN ('snoozed', 'muted'));
ALTER TABLE automation_run ADD COLUMN resolved_incident INTEGER NOT NULL DEFAULT 0;

-- A person's quiet hours, in minutes after midnight in their time zone (from may be after to: the
-- window then spans midnight); quiet_urgent: pause notices are not held.
ALTER TABLE user_setting ADD COLUMN quiet_from INTEGER CHECK (quiet_from BETWEEN 0 AND 1439);
ALTER TABLE user_setting ADD COLUMN quiet_to INTEGER CHECK (quiet_to BETWEEN 0 AND 1439);
ALTER TABLE user_setting ADD COLUMN quiet_urgent INTEGER NOT NULL DEFAULT 0;

-- The outbox holds a person's notices during their quiet hours: held_until is when their window
-- ends, held_for whose window it is. When it ends, the held rows of one person and channel are
-- folded (superseded_by) into one 'digest' row. The CHECK on type changes, so the table is rebuilt;
-- it also learns 'skill' (migration 013: a skill's change of state, or a question to a manager).
CREATE TABLE notification_new (
  id              INTEGER PRIMARY KEY,
  type            TEXT NOT NULL CHECK (type IN ('alert', 'pause', 'budget_paused', 'budget_warning', 'resolved', 'edit', 'digest', 'skill')),
  channel         TEXT NOT NULL,
  priority        INTEGER NOT NULL,
  content         TEXT NOT NULL,
  embed           TEXT,
  dedupe_key      TEXT UNIQUE,
  automation_id   INTEGER REFERENCES automation(id),
  run_id          INTEGER REFERENCES automation_run(id),
  created_at      INTEGER NOT NULL,
  attempts        INTEGER NOT NULL DEFAULT 0,
  next_attempt_at INTEGER NOT NULL,
  delivered_at    INTEGER,
  failed_at       INTEGER,
  last_error      TEXT,
  coalesced       INTEGER NOT NULL DEFAULT 0,
  dropped         INTEGER NOT NULL DEFAULT 0,
  superseded_by   INTEGER,
  plain_text      INTEGER NOT NULL DEFAULT 0,
  message_id      TEXT,
  edit_of         INTEGER,
  held_until      INTEGER,
  held_for        TEXT
);
INSERT INTO notification_new (id, type, channel, priority, content, embed, dedupe_key, automation_id, run_id, created_at, attempts,
                              next_attempt_at, delivered_at, failed_at, last_error, coalesced, dropped, superseded_by, plain_text,
                              message_id, edit_of)
  SELECT id, type, channel, priority, content, embed, dedupe_key, automation_id, run_id, created_at, attempts,
         next_attempt_at, delivered_at, failed_at, last_error, coalesced, dropped, superseded_by, plain_text, message_id, edit_of
    FROM notification;
DROP TABLE notification;
ALTER TABLE notification_new RENAME TO notification;

CREATE INDEX notification_pending ON notification (channel, priority DESC, id)
  WHERE delivered_at IS NULL AND failed_at IS NULL AND superseded_by IS NULL;
CREATE INDEX notification_pending_automation ON notification (automation_id)
  WHERE delivered_at IS NULL AND failed_at IS NULL AND superseded_by IS NULL;
CREATE INDEX notification_dead_letter ON notification (automation_id) WHERE failed_at IS NOT NULL;
CREATE INDEX notification_run ON notification (run_id) WHERE run_id IS NOT NULL;
-- Held rows, by when they are released.
CREATE INDEX notification_held ON notification (held_until)
  WHERE held_until IS NOT NULL AND delivered_at IS NULL AND failed_at IS NULL AND superseded_by IS NULL;
-- The row of a delivered message a button was pressed on.
CREATE INDEX notification_message ON notification (message_id) WHERE message_id IS NOT NULL;
