-- A person's own settings (the time zone of what they create and of times shown to them).
CREATE TABLE user_setting (
  user_id    TEXT PRIMARY KEY,
  timezone   TEXT,
  updated_at INTEGER NOT NULL
);

-- Small facts the bot keeps between starts (the hash of the slash commands last registered).
CREATE TABLE bot_state (
  key        TEXT PRIMARY KEY,
  value      TEXT NOT NULL,
  updated_at INTEGER NOT NULL
);
