/**
 * JSON-LD as shops publish it: wrapped in HTML comments or `/*<![CDATA[*\/ … /*]]>*\/`, with `//`
 * and block comments, trailing commas, raw control characters in strings, and schema.org keys in
 * any case ("Offers", "PriceCurrency").
 */

/**
 * Parses a JSON-LD block leniently; throws SyntaxError when even the repaired text is not JSON.
 * Keys are given schema.org's spelling: the first letter lowered ("Offers" → "offers"), `@` keys
 * kept. Never evaluates anything: the repairs are textual.
 */
export function parseLenientJson(source: string): unknown {
  const text = source
    .trim()
    .replace(/^(?:<!--|\/\*\s*<!\[CDATA\[\s*\*\/|<!\[CDATA\[|\/\/\s*<!\[CDATA\[)/, '')
    .replace(/(?:-->|\/\*\s*\]\]>\s*\*\/|\]\]>|\/\/\s*\]\]>)$/, '')
    .trim();
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    value = JSON.parse(repair(text));
  }
  return normaliseKeys(value, 0);
}

/** Drops comments and trailing commas outside strings, and escapes control characters inside them. */
function repair(text: string): string {
  let out = '';
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (inString) {
      if (ch === '\\') {
        out += ch + (text[i + 1] ?? '');
        i++;
      } else if (ch === '"') {
        inString = false;
        out += ch;
      } else if (ch === '\n' || ch === '\r' || ch === '\t') {
        out += ch === '\n' ? '\\n' : ch === '\r' ? '\\r' : '\\t';
      } else out += ch;
      continue;
    }
    if (ch === '"') {
      inString = true;
      out += ch;
    } else if (ch === '/' && text[i + 1] === '/') {
      while (i < text.length && text[i] !== '\n') i++;
    } else if (ch === '/' && text[i + 1] === '*') {
      const end = text.indexOf('*/', i + 2);
      i = end === -1 ? text.length : end + 1;
    } else if (ch === ',') {
      const rest = /^\s*([\]}])/.exec(text.slice(i + 1, i + 200));
      if (!rest) out += ch;
    } else out += ch;
  }
  return out.replace(/;\s*$/, '');
}

function normaliseKeys(value: unknown, depth: number): unknown {
  if (depth > 40) return value;
  if (Array.isArray(value)) return value.map((v) => normaliseKeys(v, depth + 1));
  if (typeof value !== 'object' || value === null) return value;
  const out: Record<string, unknown> = {};
  for (const [key, child] of Object.entries(value)) {
    const name = key.startsWith('@') ? key : key.charAt(0).toLowerCase() + key.slice(1);
    if (!(name in out)) out[name] = normaliseKeys(child, depth + 1);
  }
  return out;
}
