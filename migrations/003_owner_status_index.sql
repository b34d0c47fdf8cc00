-- `/automation list` filters by owner and status; without this index it scanned the table.
CREATE INDEX automation_owner_status ON automation (user_id, status);
