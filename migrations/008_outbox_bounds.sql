-- Outbox bounds. Per automation only the newest undelivered alert is kept: older ones are folded
-- into it (superseded_by names the row that stands for them, coalesced counts them); at the
-- channel's cap the oldest alerts of other automations are folded the same way (dropped counts
-- them). A message Discord refuses is tried once more as plain text (plain_text = 1), then kept
-- as a dead letter (failed_at) that `/automation show` reports.
ALTER TABLE notification ADD COLUMN coalesced INTEGER NOT NULL DEFAULT 0;
ALTER TABLE notification ADD COLUMN dropped INTEGER NOT NULL DEFAULT 0;
ALTER TABLE notification ADD COLUMN superseded_by INTEGER; -- no foreign key: retention deletes a folded row with the one it was folded into
ALTER TABLE notification ADD COLUMN plain_text INTEGER NOT NULL DEFAULT 0;

-- Pending now also means "not folded into a newer one"; the delivery order is priority, then id.
DROP INDEX notification_pending;
CREATE INDEX notification_pending ON notification (channel, priority DESC, id)
  WHERE delivered_at IS NULL AND failed_at IS NULL AND superseded_by IS NULL;
-- The undelivered alert of one automation (folded at enqueue).
CREATE INDEX notification_pending_automation ON notification (automation_id)
  WHERE delivered_at IS NULL AND failed_at IS NULL AND superseded_by IS NULL;
-- Dead letters of one automation (`/automation show`).
CREATE INDEX notification_dead_letter ON notification (automation_id) WHERE failed_at IS NOT NULL;
-- Run retention clears references to the runs it deletes.
CREATE INDEX notification_run ON notification (run_id) WHERE run_id IS NOT NULL;
