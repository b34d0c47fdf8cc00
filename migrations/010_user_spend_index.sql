-- USER_DAILY_BUDGET_USD: a person's model spend today is summed before each of their model calls;
-- without this index it read every call of the day (everyone's) through invocation_log_at.
CREATE INDEX invocation_log_user_at ON invocation_log (user_id, at);
