-- What a person typed into a form that is still open (the create form's settings, then what they
-- typed in it when a submit was refused), so it survives a restart, belongs to them, and expires.
CREATE TABLE pending_form (
  id         TEXT PRIMARY KEY,
  user_id    TEXT NOT NULL,
  kind       TEXT NOT NULL,
  payload    TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  expires_at INTEGER NOT NULL
);
CREATE INDEX pending_form_expires ON pending_form (expires_at);
