-- The built-in uptime check: a trusted local skill, so it runs without a model and costs nothing.
-- input_schema is z.toJSONSchema of the skill's zod input schema (a test keeps them equal).
INSERT INTO capability (name, description, input_schema, example, created_at) VALUES (
  'http_check',
  'Checks that a URL answers (optionally with a given status) and how fast: uptime monitoring.',
  '{"$schema":"https://json-schema.org/draft/2020-12/schema","type":"object","properties":{"url":{"type":"string","format":"uri"},"expected_status":{"type":"integer","minimum":100,"maximum":599},"timeout_seconds":{"type":"integer","minimum":1,"maximum":60}},"required":["url"],"additionalProperties":false}',
  '/automation create name:site-up capability:http_check schedule:*/5 * * * * inputs:url=https://example.com alert:ok == false',
  0
);
INSERT INTO skill (capability, name, description, state, state_changed_at, state_changed_by) VALUES (
  'http_check', 'http_check', 'GET with a timeout; {ok, status, latency_ms, bytes}', 'trusted', 0, 'migration'
);
