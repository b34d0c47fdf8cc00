-- The scheduler's question per lane: the earliest due automations of one capability (when the
-- other lane is full, its due rows are not walked through to find this lane's).
CREATE INDEX automation_due_by_capability ON automation (capability, next_run_at) WHERE status = 'active' AND next_run_at IS NOT NULL;
-- USER_DAILY_BUDGET_USD: a person's model spend today is summed before each of their model calls;
-- without this index it read every call of the day (everyone's) through invocation_log_at.
CREATE INDEX invocation_log_user_at ON invocation_log (user_id, at);
