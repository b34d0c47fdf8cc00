-- Steward's first schema. Timestamps are integer milliseconds since the Unix epoch (UTC).
-- JSON columns hold text that the repositories parse with zod on the way out.

CREATE TABLE capability (
  name         TEXT PRIMARY KEY,
  description  TEXT NOT NULL,
  input_schema TEXT NOT NULL,            -- JSON Schema of the inputs (for display)
  example      TEXT NOT NULL DEFAULT '', -- an example `create` line
  created_at   INTEGER NOT NULL
);

-- A local implementation of a capability and its lifecycle state. Only `shadow_primary` and
-- `trusted` skills are used to run; anything else sends the capability down the claude_native path.
CREATE TABLE skill (
  capability       TEXT PRIMARY KEY REFERENCES capability(name),
  name             TEXT NOT NULL,
  description      TEXT NOT NULL DEFAULT '',
  state            TEXT NOT NULL CHECK (state IN ('sandbox', 'shadow', 'shadow_primary', 'trusted', 'retired')),
  state_changed_at INTEGER NOT NULL,
  state_changed_by TEXT NOT NULL
);

CREATE TABLE automation (
  id                          INTEGER PRIMARY KEY,
  user_id                     TEXT NOT NULL,
  guild_id                    TEXT,
  name                        TEXT NOT NULL,
  description                 TEXT NOT NULL DEFAULT '',
  capability                  TEXT NOT NULL REFERENCES capability(name),
  inputs                      TEXT NOT NULL DEFAULT '{}',
  trigger_type                TEXT NOT NULL CHECK (trigger_type IN ('on_schedule', 'on_manual')),
  schedule                    TEXT,          -- cron expression, NULL for on_manual
  timezone                    TEXT NOT NULL,
  catch_up                    TEXT NOT NULL DEFAULT 'once' CHECK (catch_up IN ('once', 'skip')),
  alert_conditions            TEXT,          -- JSON condition, NULL = never fires
  alert_mode                  TEXT NOT NULL DEFAULT 'change' CHECK (alert_mode IN ('change', 'every')),
  alert_repeat_after_seconds  INTEGER,
  alert_to                    TEXT NOT NULL DEFAULT 'tasks' CHECK (alert_to IN ('tasks', 'dm')),
  alert_last_result           INTEGER,       -- last evaluation (0/1), so `change` survives restarts
  alert_last_fired_at         INTEGER,
  max_cost_per_run_usd        REAL,
  min_interval_seconds        INTEGER NOT NULL,
  status                      TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'paused', 'deleted')),
  paused_reason               TEXT CHECK (paused_reason IN ('user', 'failures')),
  last_run_at                 INTEGER,
  next_run_at                 INTEGER,
  run_count                   INTEGER NOT NULL DEFAULT 0,
  failure_count               INTEGER NOT NULL DEFAULT 0,
  state                       TEXT NOT NULL DEFAULT '{}', -- JSON blob carried between runs
  created_at                  INTEGER NOT NULL,
  updated_at                  INTEGER NOT NULL,
  created_via                 TEXT NOT NULL DEFAULT 'service'
);
-- Names are unique per owner (case-insensitively) among automations that are not deleted.
CREATE UNIQUE INDEX automation_owner_name ON automation (user_id, name COLLATE NOCASE) WHERE status <> 'deleted';
-- The scheduler's question: the earliest due active automation.
CREATE INDEX automation_due ON automation (next_run_at) WHERE status = 'active' AND next_run_at IS NOT NULL;
CREATE INDEX automation_guild ON automation (guild_id, status);

CREATE TABLE automation_run (
  id            INTEGER PRIMARY KEY,
  automation_id INTEGER NOT NULL REFERENCES automation(id),
  trigger       TEXT NOT NULL CHECK (trigger IN ('schedule', 'manual', 'catch_up')),
  status        TEXT NOT NULL CHECK (status IN ('running', 'succeeded', 'failed', 'skipped_budget', 'skipped_condition', 'interrupted')),
  path          TEXT CHECK (path IN ('skill', 'claude_native')),
  started_at    INTEGER NOT NULL,
  finished_at   INTEGER,
  skill_run_id  TEXT,
  ledger_id     INTEGER,  -- the run's last invocation_log row
  output        TEXT,     -- JSON object
  alert_sent    INTEGER NOT NULL DEFAULT 0,
  alert_content TEXT,
  error         TEXT,
  cost_usd      REAL NOT NULL DEFAULT 0
);
CREATE INDEX automation_run_by_automation ON automation_run (automation_id, id);
CREATE INDEX automation_run_running ON automation_run (status) WHERE status = 'running';

-- Every model call, successful or not.
CREATE TABLE invocation_log (
  id                INTEGER PRIMARY KEY,
  at                INTEGER NOT NULL,
  provider          TEXT NOT NULL,
  model             TEXT NOT NULL,
  input_tokens      INTEGER NOT NULL DEFAULT 0,
  output_tokens     INTEGER NOT NULL DEFAULT 0,
  cost_usd          REAL NOT NULL DEFAULT 0,
  latency_ms        INTEGER NOT NULL DEFAULT 0,
  ok                INTEGER NOT NULL,
  error             TEXT,
  user_id           TEXT,
  automation_run_id INTEGER REFERENCES automation_run(id)
);
CREATE INDEX invocation_log_at ON invocation_log (at);
CREATE INDEX invocation_log_run ON invocation_log (automation_run_id);

-- The outbox: every notification is written here before it is sent, and retried until delivered.
CREATE TABLE notification (
  id              INTEGER PRIMARY KEY,
  type            TEXT NOT NULL CHECK (type IN ('alert', 'pause', 'budget_paused', 'budget_warning')),
  channel         TEXT NOT NULL,  -- 'tasks' or 'dm:<user id>'
  priority        INTEGER NOT NULL,
  content         TEXT NOT NULL,
  embed           TEXT,           -- JSON
  dedupe_key      TEXT UNIQUE,    -- at most one notification per key (budget notices per period)
  automation_id   INTEGER REFERENCES automation(id),
  run_id          INTEGER REFERENCES automation_run(id),
  created_at      INTEGER NOT NULL,
  attempts        INTEGER NOT NULL DEFAULT 0,
  next_attempt_at INTEGER NOT NULL,
  delivered_at    INTEGER,
  failed_at       INTEGER,        -- given up: the sink called the error permanent
  last_error      TEXT
);
CREATE INDEX notification_pending ON notification (channel, id) WHERE delivered_at IS NULL AND failed_at IS NULL;
