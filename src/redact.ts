/**
 * Redaction of secrets from text a person or a log will see: start-up and config messages today,
 * run errors and notices next. URLs keep their scheme, host, port and path (what is needed to
 * tell which one is meant) and lose user info, query string and fragment (where credentials and
 * tokens ride along).
 */

/** What stands in for a removed secret (the same censor the logger uses). */
export const REDACTED = '[redacted]';

/** Values shorter than this are not searched for: they would blot out ordinary words. */
const MIN_SECRET_LENGTH = 6;

/**
 * `scheme://…` up to whitespace, a quote or an angle bracket; trailing sentence punctuation stays
 * outside, except a `[redacted]` already there (so redacting twice changes nothing).
 */
const URL_IN_TEXT = /\b[a-z][a-z0-9+.-]*:\/\/[^\s"'`<>]*(?:[^\s"'`<>.,;:!?)\]}]|(?<=\[redacted)\])/gi;

/** Names of variables whose values are secrets: …TOKEN, …KEY, …SECRET, …PASSWORD (and …PASS, …CREDENTIALS). */
const SECRET_NAME = /(TOKEN|KEY|SECRET|PASSWORD|PASSWD|PASS|CREDENTIALS?)$/i;

/**
 * `url` with its user info, query string and fragment each replaced by `[redacted]`
 * (`https://[redacted]@host/v1?[redacted]`); everything else is left exactly as written. Works on
 * text that does not parse as a URL (a bad port, no scheme), since that is what config errors show.
 */
export function redactUrl(url: string): string {
  const scheme = /^[a-z][a-z0-9+.-]*:\/\//i.exec(url)?.[0] ?? '';
  let rest = url.slice(scheme.length);
  const authorityEnd = rest.search(/[/?#]/);
  const authority = authorityEnd === -1 ? rest : rest.slice(0, authorityEnd);
  const at = authority.lastIndexOf('@');
  if (at !== -1) rest = `${REDACTED}${rest.slice(at)}`;
  return scheme + rest.replace(/\?[^#]+/, `?${REDACTED}`).replace(/#.+$/, `#${REDACTED}`);
}

/**
 * `text` with every `scheme://` URL in it passed through {@link redactUrl}, and every occurrence
 * of each of `secrets` (tokens, API keys: values known to be secret) replaced by `[redacted]`.
 * Empty, missing and very short (under 6 characters) secrets are ignored.
 */
export function redactSecrets(text: string, secrets: readonly (string | null | undefined)[] = []): string {
  let redacted = text;
  const known = secrets.filter((s): s is string => typeof s === 'string' && s.length >= MIN_SECRET_LENGTH).sort((a, b) => b.length - a.length);
  for (const secret of known) redacted = redacted.split(secret).join(REDACTED);
  return redacted.replace(URL_IN_TEXT, (url) => redactUrl(url));
}

/** Whether an environment variable's name says its value is a secret (DISCORD_TOKEN, ANTHROPIC_API_KEY, …_SECRET, …_PASSWORD). */
export function isSecretName(name: string): boolean {
  return SECRET_NAME.test(name);
}

/** The values of `env`'s secret variables (see {@link isSecretName}), to hand to {@link redactSecrets}. */
export function secretValues(env: Readonly<Record<string, string | undefined>>): string[] {
  return Object.entries(env).flatMap(([name, value]) => (isSecretName(name) && value?.trim() ? [value.trim()] : []));
}

/** Input names whose values are secrets (an API key, a token, a password). */
const SECRET_INPUT = /(token|secret|password|passwd|api[_-]?key|auth|credential|cookie)/i;

/**
 * Inputs as they may be shown after create: values of secret-looking names masked, URLs (anywhere
 * in text values) without user info or query. The inputs themselves are not changed.
 */
export function maskInputs(inputs: Readonly<Record<string, unknown>>): Record<string, unknown> {
  const mask = (name: string, value: unknown): unknown => {
    if (SECRET_INPUT.test(name) && value !== null && value !== undefined && value !== '') return REDACTED;
    if (typeof value === 'string') return redactSecrets(value);
    if (Array.isArray(value)) return value.map((v) => mask(name, v));
    if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, mask(k, v)]));
    return value;
  };
  return Object.fromEntries(Object.entries(inputs).map(([k, v]) => [k, mask(k, v)]));
}
