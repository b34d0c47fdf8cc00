-- Incidents: an alert at their start (after confirm_after runs in a row), a Resolved notice at
-- their end (unless notify_resolved = 0), and the first message edited to say so.

-- Per automation: how many runs in a row must agree before an alert (or its resolution) counts,
-- and whether a Resolved notice is sent (the original alert is edited either way).
ALTER TABLE automation ADD COLUMN confirm_after INTEGER NOT NULL DEFAULT 1 CHECK (confirm_after >= 1);
ALTER TABLE automation ADD COLUMN notify_resolved INTEGER NOT NULL DEFAULT 1;
-- The alert memory, written in the run's finishing transaction: runs in a row whose result differs
-- from the confirmed one (alert_last_result) and when that streak began; the open incident's start,
-- how many runs its condition held, and the outbox row of its first alert (the message to edit).
ALTER TABLE automation ADD COLUMN alert_streak INTEGER NOT NULL DEFAULT 0;
ALTER TABLE automation ADD COLUMN alert_streak_started_at INTEGER;
ALTER TABLE automation ADD COLUMN alert_incident_started_at INTEGER;
ALTER TABLE automation ADD COLUMN alert_incident_runs INTEGER NOT NULL DEFAULT 0;
ALTER TABLE automation ADD COLUMN alert_notification_id INTEGER; -- no foreign key: retention may delete the row

-- The outbox learns two kinds: 'resolved' (the notice at an incident's end) and 'edit' (a change
-- to a message already delivered: edit_of names the outbox row whose message it changes). A
-- delivered message keeps its id (message_id) so it can be edited. SQLite cannot change a CHECK
-- constraint in place, so the table is rebuilt.
CREATE TABLE notification_new (
  id              INTEGER PRIMARY KEY,
  type            TEXT NOT NULL CHECK (type IN ('alert', 'pause', 'budget_paused', 'budget_warning', 'resolved', 'edit')),
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
  edit_of         INTEGER -- no foreign key: retention deletes rows in any order
);
INSERT INTO notification_new (id, type, channel, priority, content, embed, dedupe_key, automation_id, run_id, created_at, attempts,
                              next_attempt_at, delivered_at, failed_at, last_error, coalesced, dropped, superseded_by, plain_text)
  SELECT id, type, channel, priority, content, embed, dedupe_key, automation_id, run_id, created_at, attempts,
         next_attempt_at, delivered_at, failed_at, last_error, coalesced, dropped, superseded_by, plain_text
    FROM notification;
DROP TABLE notification;
ALTER TABLE notification_new RENAME TO notification;

CREATE INDEX notification_pending ON notification (channel, priority DESC, id)
  WHERE delivered_at IS NULL AND failed_at IS NULL AND superseded_by IS NULL;
CREATE INDEX notification_pending_automation ON notification (automation_id)
  WHERE delivered_at IS NULL AND failed_at IS NULL AND superseded_by IS NULL;
CREATE INDEX notification_dead_letter ON notification (automation_id) WHERE failed_at IS NOT NULL;
CREATE INDEX notification_run ON notification (run_id) WHERE run_id IS NOT NULL;
