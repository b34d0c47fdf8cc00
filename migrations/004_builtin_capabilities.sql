-- The capabilities a user gets out of the box. input_schema is z.toJSONSchema of each
-- capability's zod input schema (a test keeps them equal to the code).

UPDATE capability SET
  description = 'Checks that a URL answers (optionally with a given status or text) and how fast: uptime monitoring.',
  input_schema = '{"$schema":"https://json-schema.org/draft/2020-12/schema","type":"object","properties":{"url":{"type":"string","format":"uri"},"expected_status":{"type":"integer","minimum":100,"maximum":599},"contains":{"type":"string","minLength":1,"maxLength":500},"timeout_seconds":{"type":"integer","minimum":1,"maximum":60}},"required":["url"],"additionalProperties":false}'
WHERE name = 'http_check';
UPDATE skill SET description = 'GET through the safe fetcher; {ok, status, latency_ms, bytes, contains}' WHERE capability = 'http_check';

INSERT INTO capability (name, description, input_schema, example, created_at) VALUES
(
  'page_watch',
  'Watches a product or web page: title, price, currency, stock and the text of a CSS selector, and whether they changed.',
  '{"$schema":"https://json-schema.org/draft/2020-12/schema","type":"object","properties":{"url":{"type":"string","format":"uri"},"selector":{"type":"string","minLength":1,"maxLength":200}},"required":["url"],"additionalProperties":false}',
  '/automation create name:kettle capability:page_watch schedule:0 8 * * * inputs:url=https://shop.example/kettle alert:price <= 100 and in_stock == true',
  0
),
(
  'feed_watch',
  'Watches an RSS, Atom or JSON Feed and reports the items that appeared since the last run.',
  '{"$schema":"https://json-schema.org/draft/2020-12/schema","type":"object","properties":{"url":{"type":"string","format":"uri"},"max_items":{"type":"integer","minimum":1,"maximum":50}},"required":["url"],"additionalProperties":false}',
  '/automation create name:kettle-news capability:feed_watch schedule:0 * * * * inputs:url=https://news.example/feed.xml alert:count > 0',
  0
),
(
  'ask',
  'Asks the model a question or gives it a job (a digest, a summary, a judgement) and keeps its JSON answer.',
  '{"$schema":"https://json-schema.org/draft/2020-12/schema","type":"object","properties":{"prompt":{"type":"string","minLength":1,"maxLength":4000},"fields":{"minItems":1,"maxItems":20,"type":"array","items":{"type":"string","pattern":"^[A-Za-z_][A-Za-z0-9_]{0,63}$"}}},"required":["prompt"],"additionalProperties":false}',
  '/automation create name:rust-news capability:ask schedule:0 8 * * * inputs:{"prompt": "Three headlines about Rust this week", "fields": ["headlines"]}',
  0
),
(
  'summarize_page',
  'Reads a web page and summarizes it: {summary, key_points}.',
  '{"$schema":"https://json-schema.org/draft/2020-12/schema","type":"object","properties":{"url":{"type":"string","format":"uri"},"max_points":{"type":"integer","minimum":1,"maximum":10}},"required":["url"],"additionalProperties":false}',
  '/automation create name:changelog capability:summarize_page schedule:0 9 * * 1 inputs:url=https://example.com/changelog',
  0
);

-- page_watch and feed_watch are deterministic local skills, trusted from the start. ask has no
-- skill: it always runs claude_native. summarize_page has an extractive local skill kept in
-- `sandbox` (not used) until a manager promotes it; until then it runs claude_native.
INSERT INTO skill (capability, name, description, state, state_changed_at, state_changed_by) VALUES
  ('page_watch', 'page_watch', 'JSON-LD, microdata, meta tags, then a CSS selector; changed vs the last run', 'trusted', 0, 'migration'),
  ('feed_watch', 'feed_watch', 'RSS 2.0, Atom, RDF and JSON Feed; new items vs the ids seen before', 'trusted', 0, 'migration'),
  ('summarize_page', 'summarize_page', 'extractive: description or first sentences, headings as key points', 'sandbox', 0, 'migration');
