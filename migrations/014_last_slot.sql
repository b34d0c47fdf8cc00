-- What min_interval_seconds measures from: the slot the last counted run ran for (a scheduled
-- run), or when it started (a catch-up run, a run now). last_run_at stays when it started. Without
-- it, a scheduled run that started late because its lane was full (a burst of every-minute checks
-- starting over a few seconds) made the next minute's run, on time, look too soon and be skipped.
-- Null (automations that have not run since): the check falls back to last_run_at.
ALTER TABLE automation ADD COLUMN last_slot_at INTEGER;
