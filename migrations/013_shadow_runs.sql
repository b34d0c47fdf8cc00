-- Shadow runs, their comparisons, and skill state changes made on that evidence (issue 14).

-- What a model call was for: a run's own work (`run`), the model re-running a skill's run beside it
-- (`shadow`), or a judge scoring how well two outputs agree (`judge`). Every kind counts against the
-- caps; /budget shows shadow and judge spend apart. A shadow or judge call names its comparison.
ALTER TABLE invocation_log ADD COLUMN kind TEXT NOT NULL DEFAULT 'run' CHECK (kind IN ('run', 'shadow', 'judge'));
ALTER TABLE invocation_log ADD COLUMN comparison_id INTEGER; -- no foreign key: a comparison outlives nothing it names
CREATE INDEX invocation_log_comparison ON invocation_log (comparison_id) WHERE comparison_id IS NOT NULL;

-- The mean agreement the skill had when it was last promoted: demotion compares against it.
ALTER TABLE skill ADD COLUMN promoted_agreement REAL;
-- The first skill_comparison id that counts as evidence for the skill's current state: each change
-- of state starts the evidence afresh (ids, not times: many things happen in one millisecond).
ALTER TABLE skill ADD COLUMN evidence_from INTEGER NOT NULL DEFAULT 0;

-- One comparison per run at most (the UNIQUE index): the other path run beside the real one.
-- direction: `skill_beside_model` (a sandbox skill run beside a model run) or `model_beside_skill`
-- (the model re-running a sample of a primary skill's runs). Written `pending` before the shadow
-- work starts, so a crash leaves a row that start-up closes as `interrupted` (never run again).
-- status: scored (score holds the agreement 0..1), skill_failed / model_failed (the shadow path
-- failed: recorded, not raised), skipped_budget (a shadow or judge call would have gone past a cap),
-- skipped_busy (no slot in the lane came free in time), malformed (the judge's answer was not
-- {"score", "reason"}: not counted), interrupted. Outputs are kept (each cut like a run's output)
-- with a SHA-256 digest of their canonical JSON.
CREATE TABLE skill_comparison (
  id              INTEGER PRIMARY KEY,
  capability      TEXT NOT NULL REFERENCES capability(name),
  skill_version   TEXT NOT NULL,
  run_id          INTEGER NOT NULL, -- no foreign key: run retention deletes runs, comparisons stay as evidence
  automation_id   INTEGER NOT NULL,
  direction       TEXT NOT NULL CHECK (direction IN ('skill_beside_model', 'model_beside_skill')),
  status          TEXT NOT NULL CHECK (status IN ('pending', 'scored', 'skill_failed', 'model_failed', 'skipped_budget', 'skipped_busy', 'malformed', 'interrupted')),
  primary_digest  TEXT,
  shadow_digest   TEXT,
  primary_output  TEXT,
  shadow_output   TEXT,
  score           REAL CHECK (score IS NULL OR (score >= 0 AND score <= 1)),
  judge           TEXT,             -- 'fields', 'similarity' or 'model:<model id>'
  reason          TEXT,             -- the judge's reason, the skipped cap, or the shadow path's error
  shadow_cost_usd REAL NOT NULL DEFAULT 0,
  judge_cost_usd  REAL NOT NULL DEFAULT 0,
  created_at      INTEGER NOT NULL,
  finished_at     INTEGER
);
CREATE UNIQUE INDEX skill_comparison_run ON skill_comparison (run_id);
CREATE INDEX skill_comparison_capability ON skill_comparison (capability, id);
CREATE INDEX skill_comparison_pending ON skill_comparison (status) WHERE status = 'pending';
-- Run retention clears the outputs of comparisons older than RUN_RETENTION_DAYS (digests and scores stay).
CREATE INDEX skill_comparison_with_outputs ON skill_comparison (id) WHERE primary_output IS NOT NULL OR shadow_output IS NOT NULL;

-- Every change of a skill's state, with who or what made it and the evidence it was made on.
-- by_kind: `auto` (a gate passed, or agreement fell), `person` (by_user pressed Promote, or typed
-- /capability promote|demote). evidence is JSON: runs, clean, comparisons, agreement, interval.
CREATE TABLE skill_state_change (
  id          INTEGER PRIMARY KEY,
  capability  TEXT NOT NULL REFERENCES capability(name),
  from_state  TEXT NOT NULL,
  to_state    TEXT NOT NULL,
  by_kind     TEXT NOT NULL CHECK (by_kind IN ('auto', 'person')),
  by_user     TEXT,
  reason      TEXT NOT NULL,
  evidence    TEXT NOT NULL,
  at          INTEGER NOT NULL
);
CREATE INDEX skill_state_change_capability ON skill_state_change (capability, id);

-- A gate passed under SKILL_PROMOTION_APPROVAL=manual: a manager is asked (Promote / Keep) instead.
-- At most one open question per capability. `kept` questions remember how much evidence they saw,
-- so the same question is not asked again before as much new evidence came in.
CREATE TABLE skill_proposal (
  id            INTEGER PRIMARY KEY,
  capability    TEXT NOT NULL REFERENCES capability(name),
  from_state    TEXT NOT NULL,
  to_state      TEXT NOT NULL,
  evidence      TEXT NOT NULL,
  evidence_size INTEGER NOT NULL,
  status        TEXT NOT NULL CHECK (status IN ('open', 'promoted', 'kept', 'stale')),
  decided_by    TEXT,
  created_at    INTEGER NOT NULL,
  decided_at    INTEGER
);
CREATE UNIQUE INDEX skill_proposal_open ON skill_proposal (capability) WHERE status = 'open';

-- The outbox's 'skill' notices (a skill's change of state, or a question to a manager about one)
-- are allowed by the type CHECK that migration 012 rebuilt the table with.
