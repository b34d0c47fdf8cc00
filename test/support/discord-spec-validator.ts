/**
 * What Discord accepts in a REST request, checked the way Discord checks it, from the two files in
 * `./discord-spec/` (Discord's OpenAPI description, request side, and the documented limits):
 *
 *   1. route → operation (404 / 405 when Discord has none), and `Authorization: Bot …` where only a bot token will do;
 *   2. the operation's request schema (ajv, JSON Schema 2020-12) for the JSON body or a multipart `payload_json`,
 *      and its path and query parameters;
 *   3. every entry of limits.json for the kind of body (message, command, commands, callback, autocomplete, modal);
 *   4. well-formed strings: no lone UTF-16 surrogate anywhere.
 *
 * `checkRequest` gives the verdict; `discordError` the answer Discord gives a refused body (400, code 50035
 * "Invalid Form Body" with its `errors` tree; 50006 for an empty message). Validators compile once per process.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import ajv2020 from 'ajv/dist/2020.js';
import ajvFormats from 'ajv-formats';
import type { ErrorObject, ValidateFunction } from 'ajv';

export type Json = Record<string, unknown>;

/** One problem in a request, at a dotted path of the body (`data.embeds.0.title`; `_root` for the body itself). */
export interface FormError {
  path: string;
  code: string;
  message: string;
  /** Which check found it: `schema`, `params`, `auth`, `route` or a limits.json entry id (`embed.title`). */
  rule?: string;
}

export interface DiscordErrorBody {
  message: string;
  code: number;
  errors?: Json;
}

/** A REST request as the bot sent it. */
export interface SpecRequest {
  method: string;
  /** Without `/api/v10` and the query, URL-decoded. */
  path: string;
  query?: Record<string, string>;
  /** The parsed JSON body (for multipart: `payload_json` parsed); null without one. */
  body: unknown;
  /** The body came as multipart/form-data. */
  multipart?: boolean;
  /** The request carried files (they count against an empty message). */
  hasFiles?: boolean;
  /** The Authorization header; undefined means "not checked". */
  authorization?: string | null;
  /** For an interaction callback: the type of the interaction answered (2 command, 3 component, 4 autocomplete, 5 modal submit). */
  interactionType?: number;
  /** For a callback to a modal submit: the modal was opened from a component (then 6 and 7 are allowed). */
  modalFromComponent?: boolean;
  /** For execute_webhook: the token is an interaction token (a follow-up, which may be ephemeral). */
  interactionToken?: boolean;
}

export interface SpecVerdict {
  /** The operation the request maps to; null when Discord has no such route or method. */
  operationId: string | null;
  /** 200 when Discord would accept it; 400, 401, 404 or 405 as Discord would answer. */
  status: 200 | 400 | 401 | 404 | 405;
  /** What makes Discord refuse it (empty when accepted). */
  problems: FormError[];
  /** Deprecated or ineffective fields (limits.json `severity: warning`): not refusals. */
  warnings: FormError[];
}

// ---------------------------------------------------------------------------------------------
// The spec files

interface Parameter {
  name: string;
  in: 'path' | 'query' | 'header';
  schema?: unknown;
  required?: boolean;
}
interface Operation {
  operationId: string;
  parameters?: Parameter[];
  requestBody?: { content: Record<string, { schema: unknown }>; required?: boolean };
  security?: Record<string, string[]>[];
}
interface OpenApi {
  paths: Record<string, Record<string, Operation | unknown>>;
  components: { schemas: Record<string, unknown> };
}

/** One documented limit (limits.json `limits[]`). */
export interface LimitEntry {
  id: string;
  body: 'any' | 'message' | 'command' | 'commands' | 'callback' | 'autocomplete' | 'modal';
  path: string;
  severity?: 'warning';
  rule?: string;
  when?: string;
  applies_to?: string[];
  max_length?: number;
  min_length?: number;
  max_items?: number;
  min_items?: number;
  max_total?: number;
  sum_of?: string[];
  trim?: boolean;
  required?: boolean;
  allowed?: (string | number)[];
  allowed_flags?: string[];
  pattern?: string;
  pattern_flags?: string;
  pattern_means?: string;
  lowercase?: boolean;
  integer?: boolean;
  min?: number;
  max?: number;
  item_type?: number;
  select_types?: number[];
  for_types?: number[];
  by_style?: Record<string, { requires: string[]; forbids: string[] }>;
  max_per_type?: Record<string, number>;
  allowed_by_interaction_type?: Record<string, number[]>;
  value_types?: Record<string, string>;
}
interface LimitsFile {
  limits: LimitEntry[];
  message_flags: { bits: Record<string, number> };
}

const SPEC_DIR = fileURLToPath(new URL('./discord-spec/', import.meta.url));
const readJson = (name: string): unknown => JSON.parse(readFileSync(`${SPEC_DIR}${name}`, 'utf8'));
const spec = readJson('discord-openapi.requests.json') as OpenApi;
const limitsFile = readJson('limits.json') as LimitsFile;

/** Every documented limit, as in limits.json. */
export const LIMIT_ENTRIES: readonly LimitEntry[] = limitsFile.limits;
const FLAG_BITS = limitsFile.message_flags.bits;
const IS_COMPONENTS_V2 = FLAG_BITS.IS_COMPONENTS_V2 ?? 1 << 15;

// ---------------------------------------------------------------------------------------------
// Helpers

const isRecord = (value: unknown): value is Json => typeof value === 'object' && value !== null && !Array.isArray(value);
const records = (value: unknown): Json[] => (Array.isArray(value) ? value.filter(isRecord) : []);
const join = (prefix: string, key: string | number): string => (prefix ? `${prefix}.${key}` : String(key));

/** What Discord counts: Unicode code points (a lone surrogate counts as one). */
export const codePointLength = (text: string): number => [...text].length;

function entry(id: string): LimitEntry {
  const found = LIMIT_ENTRIES.find((e) => e.id === id);
  if (!found) throw new Error(`limits.json has no entry ${id}`);
  return found;
}

const regexCache = new Map<string, RegExp>();
function regexOf(e: LimitEntry): RegExp {
  const key = `${e.pattern}/${e.pattern_flags ?? ''}`;
  let re = regexCache.get(key);
  if (!re) regexCache.set(key, (re = new RegExp(e.pattern ?? '', e.pattern_flags ?? '')));
  return re;
}

// ---------------------------------------------------------------------------------------------
// 1. Route → operation

interface RouteTemplate {
  template: string;
  segments: string[];
  literals: number;
  item: Record<string, unknown>;
}
const ROUTES: RouteTemplate[] = Object.entries(spec.paths).map(([template, item]) => {
  const segments = template.split('/').slice(1);
  return { template, segments, literals: segments.filter((s) => !s.startsWith('{')).length, item };
});

/** The operation for a method and path (without /api/v10), the path's parameters, or why there is none. */
export function operationFor(method: string, path: string): { operation: Operation; params: Record<string, string> } | { status: 404 | 405 } {
  const segments = path.split('?')[0]!.split('/').slice(1);
  const hits = ROUTES.filter((r) => r.segments.length === segments.length && r.segments.every((s, i) => s.startsWith('{') || s === segments[i]));
  const best = hits.sort((a, b) => b.literals - a.literals)[0];
  if (!best) return { status: 404 };
  const operation = best.item[method.toLowerCase()];
  if (!isRecord(operation) || typeof operation.operationId !== 'string') return { status: 405 };
  const params: Record<string, string> = {};
  best.segments.forEach((s, i) => {
    if (s.startsWith('{')) params[s.slice(1, -1)] = segments[i] ?? '';
  });
  return { operation: operation as unknown as Operation, params };
}

// ---------------------------------------------------------------------------------------------
// 2. Schemas (compiled once per process, each on first use)

// CommonJS modules: the default import is module.exports, whose `default` is the class (and the plugin).
const Ajv = ajv2020.default;
const addFormats = ajvFormats.default;
const ajv = new Ajv({ strict: false, allErrors: true, unicodeRegExp: true });
addFormats(ajv, ['uri', 'date-time']);
ajv.addFormat('int32', { type: 'number', validate: (n: number) => Number.isInteger(n) && n >= -(2 ** 31) && n < 2 ** 31 });
ajv.addFormat('int64', { type: 'number', validate: (n: number) => Number.isInteger(n) });
ajv.addFormat('double', { type: 'number', validate: (n: number) => Number.isFinite(n) });
ajv.addFormat('snowflake', true);
ajv.addFormat('nonce', true);
ajv.addSchema({ $id: 'discord', components: spec.components });
const rebase = (schema: unknown): Json => JSON.parse(JSON.stringify(schema).replaceAll('"$ref":"#/', '"$ref":"discord#/')) as Json;

const compiled = new Map<string, ValidateFunction>();
function validatorFor(key: string, schema: unknown): ValidateFunction {
  const cached = compiled.get(key);
  if (cached) return cached;
  const validate = ajv.compile(rebase(schema));
  compiled.set(key, validate);
  return validate;
}

/** The schema a `$ref` (or the schema itself) stands for, to see its type. */
function resolve(schema: unknown): Json {
  if (!isRecord(schema)) return {};
  const ref = schema.$ref;
  if (typeof ref === 'string' && ref.startsWith('#/components/schemas/')) return resolve(spec.components.schemas[ref.slice('#/components/schemas/'.length)]);
  return schema;
}

const AJV_CODES: Record<string, string> = {
  maxLength: 'BASE_TYPE_MAX_LENGTH',
  minLength: 'BASE_TYPE_MIN_LENGTH',
  maxItems: 'BASE_TYPE_MAX_LENGTH',
  minItems: 'BASE_TYPE_MIN_LENGTH',
  required: 'BASE_TYPE_REQUIRED',
  enum: 'BASE_TYPE_CHOICES',
  const: 'BASE_TYPE_CHOICES',
  type: 'BASE_TYPE_INVALID',
  pattern: 'STRING_TYPE_REGEX',
  format: 'STRING_TYPE_FORMAT',
  maximum: 'NUMBER_TYPE_MAX',
  minimum: 'NUMBER_TYPE_MIN',
};

/**
 * ajv's errors as Discord-style problems. A failed union reports every branch; the deepest errors
 * (the branch that got furthest) say best what is wrong, so only those are kept.
 */
function schemaProblems(errors: ErrorObject[], prefix: string, rule: string): FormError[] {
  const useful = errors.filter((e) => !['anyOf', 'oneOf', 'allOf', 'if', 'not'].includes(e.keyword));
  const list = useful.length ? useful : errors;
  const pathOf = (e: ErrorObject): string => {
    const parts = e.instancePath.split('/').slice(1).map((p) => p.replaceAll('~1', '/').replaceAll('~0', '~'));
    if (e.keyword === 'required' && typeof e.params.missingProperty === 'string') parts.push(e.params.missingProperty);
    return parts.join('.');
  };
  const depth = Math.max(...list.map((e) => pathOf(e).split('.').length));
  const seen = new Set<string>();
  const problems: FormError[] = [];
  for (const e of list) {
    const path = pathOf(e);
    if (path.split('.').length < depth) continue;
    const message = `${e.message ?? 'is invalid'}${e.keyword === 'enum' && Array.isArray(e.params.allowedValues) ? `: ${e.params.allowedValues.join(', ')}` : ''}`;
    const key = `${path} ${message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    problems.push({ path: join(prefix, path) || '_root', code: AJV_CODES[e.keyword] ?? 'SCHEMA_INVALID', message: `Must match Discord's schema: ${message}`, rule });
  }
  return problems.slice(0, 20);
}

function paramProblems(op: Operation, params: Record<string, string>, query: Record<string, string>): FormError[] {
  const problems: FormError[] = [];
  for (const p of op.parameters ?? []) {
    if (p.in !== 'path' && p.in !== 'query') continue;
    const raw = p.in === 'path' ? params[p.name] : query[p.name];
    if (raw === undefined) {
      if (p.required) problems.push({ path: p.name, code: 'BASE_TYPE_REQUIRED', message: `${p.in} parameter ${p.name} is required`, rule: 'params' });
      continue;
    }
    const type = resolve(p.schema).type;
    const types = Array.isArray(type) ? type : [type];
    let value: unknown = raw;
    if (types.includes('boolean') && (raw === 'true' || raw === 'false')) value = raw === 'true';
    else if ((types.includes('integer') || types.includes('number')) && raw.trim() !== '' && Number.isFinite(Number(raw))) value = Number(raw);
    const validate = validatorFor(`${op.operationId} ${p.in} ${p.name}`, p.schema ?? {});
    if (!validate(value)) problems.push(...schemaProblems(validate.errors ?? [], p.name, 'params').map((e) => ({ ...e, message: `${p.in} parameter ${p.name}: ${e.message}` })));
  }
  return problems;
}

// ---------------------------------------------------------------------------------------------
// 3. The documented limits

/** Where a set of message rules is applied, which decides the entries with `applies_to`. */
type MessageOp =
  | 'create_message'
  | 'update_message'
  | 'execute_webhook'
  | 'followup'
  | 'update_webhook_message'
  | 'update_original_webhook_message'
  | 'callback 4'
  | 'callback 7';

interface Scope {
  /** The body the entry's paths start from (for callbacks: the whole callback body). */
  node: unknown;
  /** Prefix of problem paths (`data.` rules in a callback are written from the callback body). */
  prefix: string;
  request: SpecRequest;
  operationId: string;
  messageOp?: MessageOp;
  /** A partial command update (a missing description is fine). */
  partial?: boolean;
}

type Issue = (path: string, code: string, message: string) => void;
type Handler = (e: LimitEntry, scope: Scope, issue: Issue) => void;

interface Selected {
  value: unknown;
  present: boolean;
  path: string;
}

/** The values at a plain limits.json path (`embeds[].fields[].name`) from a node; one per parent, present or not. */
function select(node: unknown, path: string, prefix = ''): Selected[] {
  let current: Selected[] = [{ value: node, present: true, path: prefix }];
  const tokens = path.split('.');
  tokens.forEach((token, index) => {
    const last = index === tokens.length - 1;
    const many = token.endsWith('[]');
    const key = many ? token.slice(0, -2) : token;
    const next: Selected[] = [];
    for (const c of current) {
      const parent = c.value;
      if (key === '' && many) {
        if (Array.isArray(parent)) parent.forEach((v, i) => next.push({ value: v, present: true, path: join(c.path, i) }));
        continue;
      }
      if (!isRecord(parent)) continue;
      const value = parent[key];
      const at = join(c.path, key);
      if (many) {
        if (Array.isArray(value)) value.forEach((v, i) => next.push({ value: v, present: true, path: join(at, i) }));
      } else if (last || isRecord(value) || Array.isArray(value)) {
        next.push({ value, present: key in parent && value !== undefined, path: at });
      }
    }
    current = next;
  });
  return current;
}

const PLAIN_PATH = /^[a-z_]+(\[\])?(\.[a-z_]+(\[\])?)*$/;

/** A string, number or array checked against an entry's numbers, allowed values and pattern. */
function checkValue(e: LimitEntry, s: Selected, issue: Issue): void {
  const { value, present, path } = s;
  if (!present || value === null || value === undefined) {
    if (e.required) issue(path, 'BASE_TYPE_REQUIRED', 'This field is required');
    return;
  }
  if (Array.isArray(value)) {
    if (e.max_items !== undefined && value.length > e.max_items) issue(path, 'BASE_TYPE_MAX_LENGTH', `Must be ${e.max_items} or fewer in length.`);
    if (e.min_items !== undefined && value.length < e.min_items) issue(path, 'BASE_TYPE_MIN_LENGTH', `Must be ${e.min_items} or more in length.`);
    return;
  }
  if (e.allowed && (typeof value === 'string' || typeof value === 'number') && !e.allowed.includes(value)) {
    issue(path, 'BASE_TYPE_CHOICES', `Value must be one of ${e.allowed.map((a) => JSON.stringify(a)).join(', ')}.`);
  }
  if (typeof value === 'number') {
    if (e.integer && !Number.isInteger(value)) issue(path, 'NUMBER_TYPE_COERCE', `Value "${value}" is not int.`);
    if (e.min !== undefined && value < e.min) issue(path, 'NUMBER_TYPE_MIN', `Must be greater than or equal to ${e.min}.`);
    if (e.max !== undefined && value > e.max) issue(path, 'NUMBER_TYPE_MAX', `Must be less than or equal to ${e.max}.`);
    return;
  }
  if (typeof value !== 'string') return;
  const length = codePointLength(e.trim ? value.trim() : value);
  if (e.max_length !== undefined && length > e.max_length) issue(path, 'BASE_TYPE_MAX_LENGTH', `Must be ${e.max_length} or fewer in length.`);
  if (e.min_length !== undefined && length < e.min_length) issue(path, 'BASE_TYPE_MIN_LENGTH', `Must be ${e.min_length} or more in length.`);
  if (e.pattern !== undefined) {
    const hit = regexOf(e).test(value);
    const mustMatch = (e.pattern_means ?? '').includes('must match');
    if (mustMatch ? !hit : hit) issue(path, 'STRING_TYPE_REGEX', mustMatch ? `String value did not match validation regex.` : `String value is not well-formed.`);
  }
  if (e.lowercase && value !== value.toLowerCase()) issue(path, 'STRING_TYPE_REGEX', 'Must be lowercase.');
}

/** The checks of an entry with a plain path and only numbers, values or patterns. */
const generic: Handler = (e, scope, issue) => {
  if (e.max_total !== undefined && e.sum_of) {
    const total = e.sum_of.reduce((sum, p) => sum + select(scope.node, p).reduce((n, s) => n + (typeof s.value === 'string' ? codePointLength(e.trim ? s.value.trim() : s.value) : 0), 0), 0);
    if (total > e.max_total) issue(join(scope.prefix, e.path), 'MAX_EMBED_SIZE_EXCEEDED', `Embed size exceeds maximum size of ${e.max_total}`);
    return;
  }
  for (const s of select(scope.node, e.path, scope.prefix)) checkValue(e, s, issue);
};

const isGeneric = (e: LimitEntry): boolean =>
  PLAIN_PATH.test(e.path) && !e.rule && !e.when && !e.applies_to && !e.for_types && (e.max_total === undefined || (e.sum_of ?? []).every((p) => PLAIN_PATH.test(p)));

function flagMask(names: string[]): number {
  return names.reduce((mask, name) => {
    const bit = FLAG_BITS[name];
    if (bit === undefined) throw new Error(`limits.json names an unknown message flag ${name}`);
    return mask | bit;
  }, 0);
}

/** `flags` must only carry the entry's allowed flags (where the entry applies). */
function flagsHandler(appliesTo: (scope: Scope) => boolean): Handler {
  return (e, scope, issue) => {
    if (!appliesTo(scope)) return;
    // A callback's message rules are written from the callback body (`data.flags`); the scope is its data already.
    const path = scope.messageOp && e.path.startsWith('data.') ? e.path.slice('data.'.length) : e.path;
    for (const s of select(scope.node, path, scope.prefix)) {
      if (typeof s.value !== 'number') continue;
      const extra = s.value & ~flagMask(e.allowed_flags ?? []);
      if (extra !== 0) issue(s.path, 'MESSAGE_FLAGS_INVALID', `Flags ${extra} are not allowed here (allowed: ${(e.allowed_flags ?? []).join(', ')}).`);
    }
  };
}

/** The message a scope's message rules read (the `data` of a callback). */
const messageOf = (scope: Scope): Json => (isRecord(scope.node) ? scope.node : {});
const at = (scope: Scope, path: string): string => join(scope.prefix, path);
const isV2 = (scope: Scope): boolean => {
  const flags = messageOf(scope).flags;
  return typeof flags === 'number' && (flags & IS_COMPONENTS_V2) !== 0;
};

/** Every custom_id inside `components` / `component` / `accessory`, at any depth, with its path. */
function customIdsIn(value: unknown, path: string): { id: string; path: string }[] {
  const found: { id: string; path: string }[] = [];
  const walk = (v: unknown, p: string): void => {
    if (Array.isArray(v)) return v.forEach((x, i) => walk(x, join(p, i)));
    if (!isRecord(v)) return;
    if (typeof v.custom_id === 'string') found.push({ id: v.custom_id, path: join(p, 'custom_id') });
    for (const key of ['components', 'component', 'accessory']) if (key in v) walk(v[key], join(p, key));
  };
  walk(value, path);
  return found;
}

function uniqueCustomIds(value: unknown, path: string, issue: Issue): void {
  const seen = new Set<string>();
  for (const { id, path: p } of customIdsIn(value, path)) {
    if (seen.has(id)) issue(p, 'COMPONENT_CUSTOM_ID_DUPLICATED', `Component custom id "${id}" cannot be duplicated`);
    seen.add(id);
  }
}

/** The buttons (type 2) of a legacy message: components[].components[]. */
function buttonsOf(scope: Scope): Selected[] {
  return select(scope.node, 'components[].components[]', scope.prefix).filter((s) => isRecord(s.value) && s.value.type === 2);
}

const commandType = (c: Json): number => (typeof c.type === 'number' ? c.type : 1);
const SUBCOMMANDS = new Set([1, 2]);

/** Every options array of a command, with its depth (0: the command's own) and the type of its owner. */
function optionArrays(command: Json, prefix: string): { options: Json[]; raw: unknown; path: string; depth: number; ownerType: number | null }[] {
  const arrays: { options: Json[]; raw: unknown; path: string; depth: number; ownerType: number | null }[] = [];
  const walk = (raw: unknown, path: string, depth: number, ownerType: number | null): void => {
    if (!Array.isArray(raw)) return;
    arrays.push({ options: records(raw), raw, path, depth, ownerType });
    raw.forEach((o, i) => {
      if (isRecord(o)) walk(o.options, join(join(path, i), 'options'), depth + 1, typeof o.type === 'number' ? o.type : null);
    });
  };
  walk(command.options, join(prefix, 'options'), 0, null);
  return arrays;
}

/** Every option of a command at every level, with its path. */
function allOptions(scope: Scope): { option: Json; path: string; depth: number }[] {
  const command = isRecord(scope.node) ? scope.node : {};
  return optionArrays(command, scope.prefix).flatMap((a) => a.options.map((option) => ({ option, path: join(a.path, a.options.indexOf(option)), depth: a.depth })));
}

const optionType = (o: Json): number => (typeof o.type === 'number' ? o.type : 0);

/** The longest of a field and its localizations, as Discord counts a command's size. */
function longest(o: Json, key: string): number {
  const own = typeof o[key] === 'string' ? codePointLength(o[key] as string) : typeof o[key] === 'number' ? String(o[key]).length : 0;
  const localized = o[`${key}_localizations`];
  const others = isRecord(localized) ? Object.values(localized).map((v) => (typeof v === 'string' ? codePointLength(v) : 0)) : [];
  return Math.max(own, ...others);
}

/** The text inputs of a modal: in an action row (`components[]`) or a Label (`component`). */
function textInputs(scope: Scope): { input: Json; path: string; inLabel: boolean }[] {
  const data = isRecord(scope.node) && isRecord(scope.node.data) ? scope.node.data : {};
  const rows = Array.isArray(data.components) ? data.components : [];
  const found: { input: Json; path: string; inLabel: boolean }[] = [];
  rows.forEach((row, i) => {
    if (!isRecord(row)) return;
    const inner = Array.isArray(row.components) ? row.components : [];
    inner.forEach((c, j) => {
      if (isRecord(c) && c.type === 4) found.push({ input: c, path: `data.components.${i}.components.${j}`, inLabel: false });
    });
    if (isRecord(row.component) && row.component.type === 4) found.push({ input: row.component, path: `data.components.${i}.component`, inLabel: true });
  });
  return found;
}

function onTextInputs(key: string, extra?: (e: LimitEntry, t: { input: Json; path: string; inLabel: boolean }, issue: Issue) => void): Handler {
  return (e, scope, issue) => {
    for (const t of textInputs(scope)) {
      checkValue({ ...e, required: e.required === true }, { value: t.input[key], present: key in t.input, path: join(t.path, key) }, issue);
      extra?.(e, t, issue);
    }
  };
}

function onLabels(key: string): Handler {
  return (e, scope, issue) => {
    const data = isRecord(scope.node) && isRecord(scope.node.data) ? scope.node.data : {};
    const rows = Array.isArray(data.components) ? data.components : [];
    rows.forEach((row, i) => {
      if (isRecord(row) && row.type === 18) checkValue(e, { value: row[key], present: key in row, path: `data.components.${i}.${key}` }, issue);
    });
  };
}

const HANDLERS: Record<string, Handler> = {
  'strings.well_formed': (e, scope, issue) => {
    const lone = regexOf(e);
    const walk = (v: unknown, p: string): void => {
      if (typeof v === 'string') {
        if (lone.test(v)) issue(p || '_root', 'STRING_TYPE_INVALID_UNICODE', 'String contains a lone UTF-16 surrogate (not well-formed Unicode).');
      } else if (Array.isArray(v)) v.forEach((x, i) => walk(x, join(p, i)));
      else if (isRecord(v)) {
        for (const [k, x] of Object.entries(v)) {
          if (lone.test(k)) issue(join(p, k), 'STRING_TYPE_INVALID_UNICODE', 'Key contains a lone UTF-16 surrogate.');
          walk(x, join(p, k));
        }
      }
    };
    walk(scope.node, '');
  },

  // --- message ---
  'components.legacy': (e, scope, issue) => {
    if (isV2(scope)) return;
    const components = messageOf(scope).components;
    if (!Array.isArray(components)) return;
    if (e.max_items !== undefined && components.length > e.max_items) issue(at(scope, 'components'), 'BASE_TYPE_MAX_LENGTH', `Must be ${e.max_items} or fewer in length.`);
    components.forEach((c, i) => {
      if (!isRecord(c) || c.type !== e.item_type) issue(at(scope, `components.${i}.type`), 'COMPONENT_LAYOUT_INVALID', 'Top-level components must be action rows without the IS_COMPONENTS_V2 flag.');
    });
  },
  'action_row.components': (e, scope, issue) => {
    if (isV2(scope)) return;
    const components = messageOf(scope).components;
    if (!Array.isArray(components)) return;
    components.forEach((row, i) => {
      if (!isRecord(row) || row.type !== 1) return;
      const children = Array.isArray(row.components) ? row.components : [];
      const path = at(scope, `components.${i}.components`);
      if ((e.min_items !== undefined && children.length < e.min_items) || (e.max_items !== undefined && children.length > e.max_items)) {
        issue(path, 'BASE_TYPE_BAD_LENGTH', `Must be between ${e.min_items} and ${e.max_items} in length.`);
      }
      const selects = children.filter((c) => isRecord(c) && typeof c.type === 'number' && (e.select_types ?? []).includes(c.type)).length;
      if (selects > 0 && children.length > 1) issue(path, 'COMPONENT_LAYOUT_WIDTH_EXCEEDED', 'An action row holds one select menu, alone.');
    });
  },
  'button.fields': (e, scope, issue) => {
    for (const b of buttonsOf(scope)) {
      const button = b.value as Json;
      const style = String(button.style);
      const rules = e.by_style?.[style] ?? e.by_style?.other;
      if (!rules) continue;
      for (const need of rules.requires) {
        const options = need.split(' or ');
        if (!options.some((k) => button[k] !== undefined && button[k] !== null && button[k] !== '')) issue(join(b.path, options[0]!), 'BASE_TYPE_REQUIRED', `A style ${style} button needs ${need}.`);
      }
      for (const banned of rules.forbids) if (button[banned] !== undefined && button[banned] !== null) issue(join(b.path, banned), 'COMPONENT_INVALID', `A style ${style} button cannot have ${banned}.`);
    }
  },
  'button.custom_id': (e, scope, issue) => {
    for (const b of buttonsOf(scope)) {
      const button = b.value as Json;
      if ('custom_id' in button) checkValue(e, { value: button.custom_id, present: true, path: join(b.path, 'custom_id') }, issue);
    }
  },
  'button.label': (e, scope, issue) => {
    for (const b of buttonsOf(scope)) checkValue(e, { value: (b.value as Json).label, present: 'label' in (b.value as Json), path: join(b.path, 'label') }, issue);
  },
  'custom_id.unique': (_e, scope, issue) => uniqueCustomIds(messageOf(scope).components, at(scope, 'components'), issue),
  'allowed_mentions.exclusive': (_e, scope, issue) => {
    const am = messageOf(scope).allowed_mentions;
    if (!isRecord(am) || !Array.isArray(am.parse)) return;
    for (const kind of ['users', 'roles'] as const) {
      const list = am[kind];
      if (am.parse.includes(kind) && Array.isArray(list) && list.length > 0) issue(at(scope, `allowed_mentions.${kind}`), 'MESSAGE_ALLOWED_MENTIONS_PARSE_EXCLUSIVE', `parse: ["${kind}"] and a ${kind} list are mutually exclusive.`);
    }
  },
  'allowed_mentions.ids': (e, scope, issue) => {
    for (const path of ['allowed_mentions.users', 'allowed_mentions.roles']) for (const s of select(scope.node, path, scope.prefix)) checkValue(e, s, issue);
  },
  'message.enforce_nonce': (_e, scope, issue) => {
    const m = messageOf(scope);
    if (m.enforce_nonce === true && (m.nonce === undefined || m.nonce === null)) issue(at(scope, 'enforce_nonce'), 'ENFORCE_NONCE_WITHOUT_NONCE', 'enforce_nonce without a nonce does nothing.');
  },
  'message.not_empty': (_e, scope, issue) => {
    if (!['create_message', 'execute_webhook', 'followup', 'callback 4'].includes(scope.messageOp ?? '')) return;
    const m = messageOf(scope);
    const nonEmpty = (v: unknown): boolean => Array.isArray(v) && v.length > 0;
    const has = (typeof m.content === 'string' && m.content.length > 0) || nonEmpty(m.embeds) || nonEmpty(m.components) || nonEmpty(m.sticker_ids) || isRecord(m.poll) || nonEmpty(m.attachments) || scope.request.hasFiles === true;
    if (!has) issue(scope.prefix || '_root', 'EMPTY_MESSAGE', 'Cannot send an empty message');
  },
  'message.components_v2': (_e, scope, issue) => {
    if (!isV2(scope)) return;
    const m = messageOf(scope);
    for (const key of ['content', 'embeds', 'sticker_ids', 'poll']) {
      const v = m[key];
      const empty = v === undefined || v === null || v === '' || (Array.isArray(v) && v.length === 0);
      if (!empty) issue(at(scope, key), 'MESSAGE_CANNOT_USE_LEGACY_FIELDS_WITH_COMPONENTS_V2', `With IS_COMPONENTS_V2, ${key} must be empty.`);
    }
  },
  'flags.create_message': flagsHandler((s) => s.messageOp === 'create_message'),
  'flags.update_message': flagsHandler((s) => s.messageOp === 'update_message'),
  'flags.execute_webhook': flagsHandler((s) => s.messageOp === 'execute_webhook'),
  'flags.followup': flagsHandler((s) => s.messageOp === 'followup'),
  'flags.update_webhook_message': flagsHandler((s) => s.messageOp === 'update_webhook_message' || s.messageOp === 'update_original_webhook_message'),
  'flags.callback_message': flagsHandler((s) => s.messageOp === 'callback 4' || s.messageOp === 'callback 7'),

  // --- callback ---
  'flags.callback_deferred': flagsHandler((s) => isRecord(s.node) && s.node.type === 5),
  'callback.type': (e, scope, issue) => {
    const interaction = scope.request.interactionType;
    const type = isRecord(scope.node) ? scope.node.type : undefined;
    if (interaction === undefined || typeof type !== 'number') return;
    const allowed = e.allowed_by_interaction_type?.[String(interaction)] ?? [];
    const fromComponentOnly = interaction === 5 && (type === 6 || type === 7) && scope.request.modalFromComponent !== true;
    if (!allowed.includes(type) || fromComponentOnly) issue('type', 'INTERACTION_RESPONSE_TYPE_INVALID', `Callback type ${type} is not valid for an interaction of type ${interaction}.`);
  },

  // --- command ---
  'command.name': (e, scope, issue) => {
    const c = isRecord(scope.node) ? scope.node : {};
    if (commandType(c) === 1 && (!scope.partial || 'name' in c)) checkValue(e, { value: c.name, present: 'name' in c, path: at(scope, 'name') }, issue);
  },
  'command.name.other': (e, scope, issue) => {
    const c = isRecord(scope.node) ? scope.node : {};
    if (commandType(c) !== 1 && 'name' in c) checkValue(e, { value: c.name, present: true, path: at(scope, 'name') }, issue);
  },
  'command.description': (e, scope, issue) => {
    const c = isRecord(scope.node) ? scope.node : {};
    if (commandType(c) !== 1 || (scope.partial && !('description' in c))) return;
    checkValue(e, { value: c.description, present: 'description' in c, path: at(scope, 'description') }, issue);
  },
  'command.description.other': (_e, scope, issue) => {
    const c = isRecord(scope.node) ? scope.node : {};
    if (commandType(c) !== 1 && typeof c.description === 'string' && c.description !== '') issue(at(scope, 'description'), 'APPLICATION_COMMAND_DESCRIPTION_INVALID', 'User and message commands have no description.');
  },
  'command.options.chat_input': (_e, scope, issue) => {
    const c = isRecord(scope.node) ? scope.node : {};
    if (commandType(c) !== 1 && Array.isArray(c.options) && c.options.length > 0) issue(at(scope, 'options'), 'APPLICATION_COMMAND_OPTIONS_INVALID', 'Only chat input commands take options.');
  },
  'command.deprecated': (_e, scope, issue) => {
    const c = isRecord(scope.node) ? scope.node : {};
    for (const key of ['dm_permission', 'default_permission']) if (key in c && c[key] !== null) issue(at(scope, key), 'DEPRECATED', `${key} is deprecated.`);
  },
  'command.size': (e, scope, issue) => {
    const c = isRecord(scope.node) ? scope.node : {};
    if (commandType(c) !== 1) return;
    let total = longest(c, 'name') + longest(c, 'description');
    for (const { option } of allOptions(scope)) {
      total += longest(option, 'name') + longest(option, 'description');
      for (const choice of records(option.choices)) total += longest(choice, 'name') + longest(choice, 'value');
    }
    if (e.max_total !== undefined && total > e.max_total) issue(scope.prefix || '_root', 'APPLICATION_COMMAND_TOO_LARGE', `Command exceeds maximum size (${e.max_total}).`);
  },
  'option.count': (e, scope, issue) => {
    const c = isRecord(scope.node) ? scope.node : {};
    for (const a of optionArrays(c, scope.prefix)) checkValue(e, { value: a.raw, present: true, path: a.path }, issue);
  },
  'option.name': (e, scope, issue) => {
    for (const { option, path } of allOptions(scope)) checkValue({ ...e, required: true }, { value: option.name, present: 'name' in option, path: join(path, 'name') }, issue);
  },
  'option.name.unique': (_e, scope, issue) => {
    const c = isRecord(scope.node) ? scope.node : {};
    for (const a of optionArrays(c, scope.prefix)) {
      const seen = new Set<unknown>();
      a.options.forEach((o, i) => {
        if (seen.has(o.name)) issue(join(join(a.path, i), 'name'), 'APPLICATION_COMMAND_OPTION_NAME_ALREADY_EXISTS', 'Option names must be unique');
        seen.add(o.name);
      });
    }
  },
  'option.description': (e, scope, issue) => {
    for (const { option, path } of allOptions(scope)) checkValue(e, { value: option.description, present: 'description' in option, path: join(path, 'description') }, issue);
  },
  'option.not_mixed': (_e, scope, issue) => {
    const c = isRecord(scope.node) ? scope.node : {};
    for (const a of optionArrays(c, scope.prefix)) {
      const subs = a.options.filter((o) => SUBCOMMANDS.has(optionType(o))).length;
      if (subs > 0 && subs < a.options.length) issue(a.path, 'APPLICATION_COMMAND_OPTIONS_TYPE_INVALID', 'Subcommands and groups cannot sit beside other options.');
    }
  },
  'option.nesting': (_e, scope, issue) => {
    const c = isRecord(scope.node) ? scope.node : {};
    for (const a of optionArrays(c, scope.prefix)) {
      a.options.forEach((o, i) => {
        const type = optionType(o);
        const path = join(join(a.path, i), 'type');
        if (type === 2 && a.depth !== 0) issue(path, 'APPLICATION_COMMAND_OPTION_TYPE_INVALID', 'A subcommand group sits only at the top level.');
        if (type === 1 && !(a.depth === 0 || a.ownerType === 2)) issue(path, 'APPLICATION_COMMAND_OPTION_TYPE_INVALID', 'A subcommand sits at the top level or in a group.');
        if (a.ownerType === 2 && type !== 1) issue(path, 'APPLICATION_COMMAND_OPTION_TYPE_INVALID', 'A group holds only subcommands.');
      });
    }
  },
  'option.required_on_subcommand': (_e, scope, issue) => {
    for (const { option, path } of allOptions(scope)) if (SUBCOMMANDS.has(optionType(option)) && 'required' in option) issue(join(path, 'required'), 'DEPRECATED', '`required` has no effect on subcommands and groups.');
  },
  'option.required_first': (_e, scope, issue) => {
    const c = isRecord(scope.node) ? scope.node : {};
    for (const a of optionArrays(c, scope.prefix)) {
      let optionalSeen = false;
      a.options.forEach((o, i) => {
        if (SUBCOMMANDS.has(optionType(o))) return;
        if (o.required === true && optionalSeen) issue(join(a.path, i), 'APPLICATION_COMMAND_OPTIONS_REQUIRED_INVALID', 'Required options must be placed before non-required options');
        if (o.required !== true) optionalSeen = true;
      });
    }
  },
  'option.options': (_e, scope, issue) => {
    for (const { option, path } of allOptions(scope)) {
      if (!SUBCOMMANDS.has(optionType(option)) && Array.isArray(option.options) && option.options.length > 0) issue(join(path, 'options'), 'APPLICATION_COMMAND_OPTIONS_INVALID', 'Only subcommands and groups have options.');
    }
  },
  'option.choices': (e, scope, issue) => {
    for (const { option, path } of allOptions(scope)) {
      if (!Array.isArray(option.choices)) continue;
      if (option.choices.length > 0 && !(e.for_types ?? []).includes(optionType(option))) issue(join(path, 'choices'), 'APPLICATION_COMMAND_OPTION_CHOICES_INVALID', 'Only string, integer and number options have choices.');
      checkValue(e, { value: option.choices, present: true, path: join(path, 'choices') }, issue);
    }
  },
  'option.autocomplete': (e, scope, issue) => {
    for (const { option, path } of allOptions(scope)) {
      if (option.autocomplete !== true) continue;
      if (!(e.for_types ?? []).includes(optionType(option))) issue(join(path, 'autocomplete'), 'APPLICATION_COMMAND_AUTOCOMPLETE_INVALID', 'Only string, integer and number options autocomplete.');
      if (Array.isArray(option.choices) && option.choices.length > 0) issue(join(path, 'autocomplete'), 'APPLICATION_COMMAND_AUTOCOMPLETE_INVALID', 'Autocomplete cannot be set with choices');
    }
  },
  'choice.name': (e, scope, issue) => {
    for (const { option, path } of allOptions(scope)) records(option.choices).forEach((choice, j) => checkValue(e, { value: choice.name, present: 'name' in choice, path: join(path, `choices.${j}.name`) }, issue));
  },
  'choice.value': (e, scope, issue) => {
    for (const { option, path } of allOptions(scope)) {
      const expected = e.value_types?.[String(optionType(option))];
      records(option.choices).forEach((choice, j) => {
        const p = join(path, `choices.${j}.value`);
        checkValue(e, { value: choice.value, present: 'value' in choice, path: p }, issue);
        const v = choice.value;
        const right = expected === undefined || (expected === 'string' ? typeof v === 'string' : expected === 'integer' ? Number.isInteger(v) : typeof v === 'number');
        if (!right) issue(p, 'APPLICATION_COMMAND_OPTION_CHOICE_VALUE_INVALID', `A choice of this option must be a ${expected}.`);
      });
    }
  },
  'option.length': (e, scope, issue) => rangeOn(e, scope, issue, 'min_length', 'max_length'),
  'option.value': (e, scope, issue) => rangeOn(e, scope, issue, 'min_value', 'max_value'),
  'option.value.integer': (e, scope, issue) => {
    for (const { option, path } of allOptions(scope)) {
      if (optionType(option) !== 4) continue;
      for (const key of ['min_value', 'max_value']) if (typeof option[key] === 'number') checkValue(e, { value: option[key], present: true, path: join(path, key) }, issue);
    }
  },
  'option.channel_types': (e, scope, issue) => {
    for (const { option, path } of allOptions(scope)) {
      if ('channel_types' in option && option.channel_types !== null && !(e.for_types ?? []).includes(optionType(option))) issue(join(path, 'channel_types'), 'APPLICATION_COMMAND_OPTION_INVALID', 'Only channel options have channel_types.');
    }
  },

  // --- commands (bulk) ---
  'commands.unique': (_e, scope, issue) => {
    const seen = new Set<string>();
    records(scope.node).forEach((c, i) => {
      const key = `${commandType(c)}:${String(c.name)}`;
      if (seen.has(key)) issue(`${i}.name`, 'APPLICATION_COMMANDS_DUPLICATE_NAME', 'Application command names must be unique');
      seen.add(key);
    });
  },
  'commands.count': (e, scope, issue) => {
    const counts = new Map<number, number>();
    for (const c of records(scope.node)) counts.set(commandType(c), (counts.get(commandType(c)) ?? 0) + 1);
    for (const [type, n] of counts) {
      const max = e.max_per_type?.[String(type)];
      if (max !== undefined && n > max) issue('_root', 'APPLICATION_COMMANDS_TOO_MANY', `At most ${max} commands of type ${type}.`);
    }
  },

  // --- autocomplete ---
  'autocomplete.choices': (e, scope, issue) => {
    const data = isRecord(scope.node) && isRecord(scope.node.data) ? scope.node.data : {};
    checkValue(e, { value: data.choices, present: 'choices' in data, path: 'data.choices' }, issue);
    if (data.choices !== undefined && data.choices !== null && !Array.isArray(data.choices)) issue('data.choices', 'BASE_TYPE_ARRAY', 'Must be an array.');
    const kinds = new Set(records(data.choices).map((c) => typeof c.value));
    if (kinds.size > 1) issue('data.choices', 'APPLICATION_COMMAND_AUTOCOMPLETE_CHOICES_MIXED', 'All choice values must be of one type.');
  },

  // --- modal ---
  'modal.action_row': (_e, scope, issue) => {
    const data = isRecord(scope.node) && isRecord(scope.node.data) ? scope.node.data : {};
    records(data.components).forEach((row, i) => {
      if (row.type === 1) issue(`data.components.${i}`, 'DEPRECATED', 'Text inputs in action rows are deprecated in modals; use a Label.');
    });
  },
  'modal.custom_id.unique': (_e, scope, issue) => {
    const data = isRecord(scope.node) && isRecord(scope.node.data) ? scope.node.data : {};
    uniqueCustomIds(data.components, 'data.components', issue);
  },
  'text_input.custom_id': onTextInputs('custom_id'),
  'text_input.style': onTextInputs('style'),
  'text_input.label': onTextInputs('label', (_e, t, issue) => {
    const has = t.input.label !== undefined && t.input.label !== null;
    if (!t.inLabel && !has) issue(join(t.path, 'label'), 'BASE_TYPE_REQUIRED', 'This field is required');
    if (t.inLabel && has) issue(join(t.path, 'label'), 'COMPONENT_INVALID', 'A text input inside a Label takes no label of its own.');
  }),
  'text_input.placeholder': onTextInputs('placeholder'),
  'text_input.value': onTextInputs('value', (_e, t, issue) => {
    if (typeof t.input.value === 'string' && typeof t.input.max_length === 'number' && codePointLength(t.input.value) > t.input.max_length) {
      issue(join(t.path, 'value'), 'BASE_TYPE_MAX_LENGTH', `Must be ${t.input.max_length} or fewer in length.`);
    }
  }),
  'text_input.min_length': onTextInputs('min_length'),
  'text_input.max_length': onTextInputs('max_length', (_e, t, issue) => {
    const { min_length: min, max_length: max } = t.input;
    if (typeof min === 'number' && typeof max === 'number' && min > max) issue(join(t.path, 'min_length'), 'BASE_TYPE_BAD_LENGTH', 'min_length must not exceed max_length.');
  }),
  'label.label': onLabels('label'),
  'label.description': onLabels('description'),
};

function rangeOn(e: LimitEntry, scope: Scope, issue: Issue, minKey: string, maxKey: string): void {
  for (const { option, path } of allOptions(scope)) {
    const hasMin = option[minKey] !== undefined && option[minKey] !== null;
    const hasMax = option[maxKey] !== undefined && option[maxKey] !== null;
    if (!hasMin && !hasMax) continue;
    if (!(e.for_types ?? []).includes(optionType(option))) issue(join(path, hasMin ? minKey : maxKey), 'APPLICATION_COMMAND_OPTION_INVALID', `${minKey}/${maxKey} are not valid on this option type.`);
    if (typeof option[minKey] === 'number' && typeof option[maxKey] === 'number' && (option[minKey] as number) > (option[maxKey] as number)) issue(join(path, minKey), 'APPLICATION_COMMAND_OPTION_INVALID', `${minKey} must not exceed ${maxKey}.`);
  }
}

const handlerOf = (e: LimitEntry): Handler | null => HANDLERS[e.id] ?? (isGeneric(e) ? generic : null);

/** The limits.json entries this validator cannot apply (none: the module refuses to load otherwise). */
export const UNCOVERED_LIMITS: readonly string[] = LIMIT_ENTRIES.filter((e) => handlerOf(e) === null).map((e) => e.id);
if (UNCOVERED_LIMITS.length) throw new Error(`discord-spec-validator: no check for limits.json entries ${UNCOVERED_LIMITS.join(', ')}`);

const byKind = (kind: LimitEntry['body']): LimitEntry[] => LIMIT_ENTRIES.filter((e) => e.body === kind);
const KINDS = {
  any: byKind('any'),
  message: byKind('message'),
  command: byKind('command'),
  commands: byKind('commands'),
  callback: byKind('callback'),
  autocomplete: byKind('autocomplete'),
  modal: byKind('modal'),
};

const MESSAGE_OPS: Record<string, MessageOp> = {
  create_message: 'create_message',
  update_message: 'update_message',
  execute_webhook: 'execute_webhook',
  update_webhook_message: 'update_webhook_message',
  update_original_webhook_message: 'update_original_webhook_message',
};
const COMMAND_OPS: Record<string, boolean> = {
  create_application_command: false,
  create_guild_application_command: false,
  update_application_command: true,
  update_guild_application_command: true,
};

function applyLimits(request: SpecRequest, operationId: string, body: unknown): { problems: FormError[]; warnings: FormError[] } {
  const problems: FormError[] = [];
  const warnings: FormError[] = [];
  const run = (entries: LimitEntry[], scope: Scope): void => {
    for (const e of entries) {
      const issue: Issue = (path, code, message) => (e.severity === 'warning' ? warnings : problems).push({ path: path || '_root', code, message, rule: e.id });
      handlerOf(e)!(e, scope, issue);
    }
  };
  const base = { request, operationId };
  run(KINDS.any, { ...base, node: body, prefix: '' });
  const messageOp = MESSAGE_OPS[operationId];
  if (messageOp) {
    const op = messageOp === 'execute_webhook' && request.interactionToken ? 'followup' : messageOp;
    run(KINDS.message, { ...base, node: body, prefix: '', messageOp: op });
  }
  if (operationId in COMMAND_OPS) run(KINDS.command, { ...base, node: body, prefix: '', partial: COMMAND_OPS[operationId] === true });
  if (operationId === 'bulk_set_application_commands' || operationId === 'bulk_set_guild_application_commands') {
    run(KINDS.commands, { ...base, node: body, prefix: '' });
    (Array.isArray(body) ? body : []).forEach((c, i) => run(KINDS.command, { ...base, node: c, prefix: String(i) }));
  }
  if (operationId === 'create_interaction_response' && isRecord(body)) {
    run(KINDS.callback, { ...base, node: body, prefix: '' });
    if (body.type === 4 || body.type === 7) run(KINDS.message, { ...base, node: isRecord(body.data) ? body.data : {}, prefix: 'data', messageOp: body.type === 4 ? 'callback 4' : 'callback 7' });
    if (body.type === 8) run(KINDS.autocomplete, { ...base, node: body, prefix: '' });
    if (body.type === 9) run(KINDS.modal, { ...base, node: body, prefix: '' });
  }
  return { problems, warnings };
}

// ---------------------------------------------------------------------------------------------
// The verdict

/**
 * Whether Discord would accept the request, and if not, why: route and method, the Bot token where
 * only a bot may call, the operation's schema and parameters, the documented limits, well-formed strings.
 * Never throws for a bad body; throws only if the spec files themselves are unusable.
 */
export function checkRequest(request: SpecRequest): SpecVerdict {
  const found = operationFor(request.method, request.path);
  if ('status' in found) return { operationId: null, status: found.status, problems: [{ path: '_root', code: String(found.status), message: `Discord has no ${request.method} ${request.path}`, rule: 'route' }], warnings: [] };
  const { operation: op, params } = found;
  const operationId = op.operationId;
  if (request.authorization !== undefined && op.security && !op.security.some((s) => Object.keys(s).length === 0)) {
    const onlyBot = op.security.every((s) => Object.keys(s).every((k) => k === 'BotToken'));
    const auth = request.authorization ?? '';
    if (onlyBot ? !auth.startsWith('Bot ') : !/^(Bot|Bearer) /.test(auth)) {
      return { operationId, status: 401, problems: [{ path: '_root', code: '401', message: `${operationId} needs Authorization: Bot <token>`, rule: 'auth' }], warnings: [] };
    }
  }
  let problems = paramProblems(op, params, request.query ?? {});
  const warnings: FormError[] = [];
  const content = op.requestBody?.content;
  const hasBody = request.body !== null && request.body !== undefined;
  if (content && (hasBody || op.requestBody?.required)) {
    const media = request.multipart && content['multipart/form-data'] ? 'multipart/form-data' : 'application/json';
    const schema = content[media]?.schema;
    if (schema !== undefined) {
      const validate = validatorFor(`${operationId} ${media}`, schema);
      if (!validate(request.body)) problems.push(...schemaProblems(validate.errors ?? [], '', 'schema'));
    }
    const limits = applyLimits(request, operationId, request.body);
    // Where the schema and a documented limit say the same (a length, a count), Discord's wording wins.
    const said = new Set(limits.problems.map((p) => `${p.path} ${p.code}`));
    problems = [...problems.filter((p) => p.rule !== 'schema' || !said.has(`${p.path} ${p.code}`)), ...limits.problems];
    warnings.push(...limits.warnings);
  }
  return { operationId, status: problems.length ? 400 : 200, problems, warnings };
}

/** Discord's 400 "Invalid Form Body" (code 50035) with its nested `_errors` tree. */
export function invalidFormBody(problems: FormError[]): DiscordErrorBody {
  const errors: Json = {};
  for (const problem of problems) {
    let node = errors;
    for (const key of problem.path.split('.')) {
      const next = node[key];
      node = isRecord(next) ? next : ((node[key] = {}) as Json);
    }
    const list = Array.isArray(node._errors) ? node._errors : (node._errors = []);
    list.push({ code: problem.code, message: problem.message });
  }
  return { message: 'Invalid Form Body', code: 50035, errors };
}

/** What Discord answers a refused request: status and body (50006 when the only problem is an empty message). */
export function discordError(verdict: SpecVerdict): { status: number; body: DiscordErrorBody } {
  if (verdict.status === 404) return { status: 404, body: { message: '404: Not Found', code: 0 } };
  if (verdict.status === 405) return { status: 405, body: { message: '405: Method Not Allowed', code: 0 } };
  if (verdict.status === 401) return { status: 401, body: { message: '401: Unauthorized', code: 0 } };
  if (verdict.problems.length > 0 && verdict.problems.every((p) => p.rule === 'message.not_empty')) return { status: 400, body: { message: 'Cannot send an empty message', code: 50006 } };
  return { status: 400, body: invalidFormBody(verdict.problems) };
}

/** One line per problem (`data.embeds.0.title BASE_TYPE_MAX_LENGTH Must be 256 or fewer in length. [embed.title]`), for failure messages. */
export function describeProblems(problems: FormError[]): string {
  return problems.map((p) => `${p.path} ${p.code} ${p.message}${p.rule ? ` [${p.rule}]` : ''}`).join('; ');
}
