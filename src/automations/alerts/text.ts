/**
 * The text form of alert conditions, as people type it:
 *
 *   expr    := and ( ("or" | "||") and )*
 *   and     := primary ( ("and" | "&&") primary )*
 *   primary := "(" expr ")" | "exists" path | path op value
 *   op      := == | = | != | < | <= | > | >= | contains
 *   value   := number | "text" | 'text' | true | false | null
 *
 * Keywords are case-insensitive. Chains of one connective become one all_of / any_of, a single
 * leaf stays bare, and redundant parentheses vanish.
 */
import { parseAmount } from '../drafting/money.js';
import { AlertSyntaxError } from '../../errors.js';
import { FIELD_SEGMENT_SOURCE, type Condition, type Leaf, type Op, type Scalar } from './condition.js';
import { cutText } from '../../util/text.js';

const MAX_DEPTH = 64;
const SEGMENT = new RegExp(FIELD_SEGMENT_SOURCE, 'uy');
const NUMBER = /-?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?/y;
/** An amount as people write it in a condition: a currency sign (`$100`, `€ 19.99`) or thousands separators (`1,299.99`). */
const MONEY_VALUE = /[$€£¥₹]\s?\d{1,3}(?:,\d{3})+(?:\.\d+)?(?![\d,])|[$€£¥₹]\s?(?:\d+(?:\.\d+)?|\.\d+)(?![\d.])|\d{1,3}(?:,\d{3})+(?:\.\d+)?(?![\d,.])/y;
const SYMBOL_OPS: Record<string, Exclude<Op, 'exists'>> = {
  '==': '==', '=': '==', '!=': '!=', '<': '<', '<=': '<=', '>': '>', '>=': '>=',
};
const ESCAPES: Record<string, string> = { n: '\n', t: '\t', r: '\r', b: '\b', f: '\f', '0': '\0', '\\': '\\', '"': '"', "'": "'", '/': '/' };

/** What the parser expected at an error: long form for the message, short form for `expected`. */
const EXPECT = {
  value: ['a value (number, "text", true, false or null)', 'a value'],
  operator: ['an operator (==, !=, <, <=, >, >=, contains)', 'an operator'],
  condition: ['a condition (a field path, exists or "(")', 'a condition'],
  path: ['a field path', 'a field path'],
  segment: ['a field name after "."', 'a field name'],
  connective: ['"and", "or" or end of text', '"and", "or" or end of text'],
  connectiveInGroup: ['"and", "or" or ")"', '"and", "or" or ")"'],
  close: ['")"', '")"'],
  quote: ['a closing quote', 'a closing quote'],
  escape: ['an escape (\\\\ \\" \\\' \\n \\t \\r or \\uXXXX)', 'an escape'],
  finite: ['a number of reasonable size', 'a finite number'],
  shallower: ['fewer nested parentheses', 'fewer nested parentheses'],
} as const;
type Expectation = keyof typeof EXPECT;

class Parser {
  private pos = 0;
  private depth = 0;
  constructor(private readonly text: string) {}

  parse(): Condition {
    const condition = this.expr();
    this.skipSpace();
    if (!this.atEnd()) this.fail('connective', this.peek() === ')' ? ' (no "(" opens it)' : '');
    return condition;
  }

  private expr(): Condition {
    const items = [this.and()];
    while (this.connective('or')) items.push(this.and());
    return combine('any_of', items);
  }

  private and(): Condition {
    const items = [this.primary()];
    while (this.connective('and')) items.push(this.primary());
    return combine('all_of', items);
  }

  private primary(): Condition {
    this.skipSpace();
    if (this.peek() === '(') {
      const open = this.pos;
      if (++this.depth > MAX_DEPTH) this.fail('shallower');
      this.pos++;
      const inner = this.expr();
      this.skipSpace();
      if (this.peek() !== ')') this.fail(this.atEnd() ? 'close' : 'connectiveInGroup', ` (to close the "(" at column ${open + 1})`);
      this.pos++;
      this.depth--;
      return inner;
    }
    if (!this.startsPath()) this.fail('condition');
    const path = this.path();
    this.skipSpace();
    if (path.toLowerCase() === 'exists' && (this.atEnd() || this.peek() === ')')) this.fail('path');
    if (path.toLowerCase() === 'exists' && this.startsPath()) {
      const afterKeyword = this.pos;
      const field = this.path();
      this.skipSpace();
      // `exists contains "x"` is the field "exists" containing "x", not `exists contains` + junk.
      if (field.toLowerCase() !== 'contains' || !this.startsValue()) return { field, op: 'exists' };
      this.pos = afterKeyword;
    }
    return this.leaf(path);
  }

  private leaf(field: string): Leaf {
    const op = this.operator(field);
    this.skipSpace();
    return { field, op, value: this.value() };
  }

  private operator(field: string): Exclude<Op, 'exists'> {
    const symbols = this.match(/[=!<>]+/y);
    if (symbols !== null) {
      const op = SYMBOL_OPS[symbols];
      if (op) return op;
      this.pos -= symbols.length;
    } else {
      const word = this.match(SEGMENT);
      if (word?.toLowerCase() === 'contains') return 'contains';
      if (word !== null) this.pos -= word.length;
      if (word?.toLowerCase() === 'exists') this.fail('operator', ` (to test that a field is there, write "exists ${field}")`);
    }
    return this.fail('operator');
  }

  private value(): Scalar {
    const c = this.peek();
    if (c === '"' || c === "'") return this.string(c);
    const money = this.match(MONEY_VALUE);
    if (money !== null) return parseAmount(money.replace(/^[$€£¥₹]\s?/, ''));
    const number = this.match(NUMBER);
    if (number !== null) {
      const n = Number(number);
      if (!Number.isFinite(n)) {
        this.pos -= number.length;
        this.fail('finite');
      }
      return n;
    }
    const word = this.match(SEGMENT);
    const keyword = word?.toLowerCase();
    if (keyword === 'true') return true;
    if (keyword === 'false') return false;
    if (keyword === 'null') return null;
    if (word !== null) this.pos -= word.length;
    return this.fail('value', word !== null && /^\p{L}/u.test(word) ? ` (put text in quotes: "${word}")` : '');
  }

  private string(quote: string): string {
    const open = this.pos++;
    let out = '';
    for (;;) {
      const c = this.text[this.pos];
      if (c === undefined) {
        throw new AlertSyntaxError(
          `alert: expected a closing ${quote} for the text starting at column ${open + 1}, found end of text`,
          open + 1,
          EXPECT.quote[1],
        );
      }
      this.pos++;
      if (c === quote) return out;
      if (c !== '\\') {
        out += c;
        continue;
      }
      const e = this.text[this.pos] ?? '';
      const escaped = ESCAPES[e];
      const hex = /^[0-9a-fA-F]{4}$/.exec(this.text.slice(this.pos + 1, this.pos + 5));
      if (e === 'u' && hex) {
        out += String.fromCharCode(parseInt(hex[0], 16));
        this.pos += 5;
      } else if (escaped !== undefined) {
        out += escaped;
        this.pos++;
      } else {
        this.pos--;
        this.fail('escape', ' (write \\\\ for a backslash)', this.text.slice(this.pos, this.pos + 2));
      }
    }
  }

  /** A dotted path; the caller has checked that one starts here. */
  private path(): string {
    let path = this.match(SEGMENT) ?? '';
    while (this.peek() === '.') {
      this.pos++;
      const segment = this.match(SEGMENT);
      if (segment === null) this.fail('segment');
      path += `.${segment}`;
    }
    return path;
  }

  /** Consumes the connective `kind` (word or symbol form) if it comes next. */
  private connective(kind: 'and' | 'or'): boolean {
    this.skipSpace();
    const symbol = kind === 'and' ? '&&' : '||';
    if (this.text.startsWith(symbol, this.pos)) {
      this.pos += 2;
      return true;
    }
    SEGMENT.lastIndex = this.pos;
    const word = SEGMENT.exec(this.text)?.[0];
    if (word?.toLowerCase() !== kind) return false;
    this.pos += word.length;
    return true;
  }

  private startsPath(): boolean {
    SEGMENT.lastIndex = this.pos;
    return SEGMENT.test(this.text);
  }

  private startsValue(): boolean {
    NUMBER.lastIndex = this.pos;
    if (this.peek() === '"' || this.peek() === "'" || NUMBER.test(this.text)) return true;
    SEGMENT.lastIndex = this.pos;
    return ['true', 'false', 'null'].includes(SEGMENT.exec(this.text)?.[0].toLowerCase() ?? '');
  }

  /** Matches a sticky regex at the current position, consuming it. */
  private match(re: RegExp): string | null {
    re.lastIndex = this.pos;
    const m = re.exec(this.text);
    if (!m) return null;
    this.pos += m[0].length;
    return m[0];
  }

  private peek(): string | undefined {
    return this.text[this.pos];
  }

  private atEnd(): boolean {
    return this.pos >= this.text.length;
  }

  private skipSpace(): void {
    while (/\s/.test(this.peek() ?? '')) this.pos++;
  }

  /** Describes what stands at the current position, for an error message. */
  private found(given?: string): string {
    if (given !== undefined) return `"${given}"`;
    if (this.atEnd()) return 'end of text';
    const c = this.peek();
    if (c === '"' || c === "'") return 'quoted text';
    const run = /[\p{L}\p{M}\p{Nd}_-][\p{L}\p{M}\p{Nd}_.-]*|[=!<>&|]+/uy;
    run.lastIndex = this.pos;
    const token = run.exec(this.text)?.[0] ?? String.fromCodePoint(this.text.codePointAt(this.pos) ?? 0);
    return `"${cutText(token, 21)}"`;
  }

  private fail(what: Expectation, hint = '', given?: string): never {
    const [long, short] = EXPECT[what];
    const column = this.pos + 1;
    throw new AlertSyntaxError(`alert: expected ${long} at column ${column}, found ${this.found(given)}${hint}`, column, short);
  }
}

/** Joins operands of one connective, splicing in operands that are already the same compound. */
function combine(key: 'all_of' | 'any_of', items: Condition[]): Condition {
  if (items.length === 1) return items[0] as Condition;
  const flat = items.flatMap((c): Condition[] => (key === 'all_of' && 'all_of' in c ? c.all_of : key === 'any_of' && 'any_of' in c ? c.any_of : [c]));
  return key === 'all_of' ? { all_of: flat } : { any_of: flat };
}

/**
 * Parses alert text to the JSON form. Empty or whitespace-only text → null (never fires).
 * Throws AlertSyntaxError with a 1-based column, what was expected and what was found.
 * The result always satisfies `conditionSchema`.
 */
export function parseAlertText(text: string): Condition | null {
  if (text.trim() === '') return null;
  return new Parser(text).parse();
}

const WRITE_ESCAPES: Record<string, string> = { '\n': '\\n', '\r': '\\r', '\t': '\\t' };

function formatValue(value: Scalar): string {
  if (typeof value === 'string') {
    return `"${value.replace(/[\\"\n\r\t]/g, (c) => WRITE_ESCAPES[c] ?? `\\${c}`)}"`;
  }
  if (typeof value === 'number' && Object.is(value, -0)) return '-0';
  return String(value);
}

function formatNode(c: Condition, parent: 'all_of' | 'any_of' | null): string {
  if ('all_of' in c) return c.all_of.length === 0 ? '()' : c.all_of.map((x) => formatNode(x, 'all_of')).join(' and ');
  if ('any_of' in c) {
    const text = c.any_of.length === 0 ? '()' : c.any_of.map((x) => formatNode(x, 'any_of')).join(' or ');
    return parent === 'all_of' && c.any_of.length > 0 ? `(${text})` : text;
  }
  return c.op === 'exists' ? `exists ${c.field}` : `${c.field} ${c.op} ${formatValue(c.value)}`;
}

/**
 * Formats a condition as text (`price <= 100 and in_stock == true`); null → ''. Strings are
 * double-quoted with `\`, `"`, newline, CR and tab escaped; an any_of inside an all_of is
 * parenthesised. parseAlertText(formatCondition(c)) deep-equals c for any c that parseAlertText
 * produced. A hand-written c may come back flattened: nested same-type compounds merge into their
 * parent and single-child compounds become their child. Empty compounds (rejected by
 * conditionSchema) have no text form and are written as `()`, which does not parse.
 */
export function formatCondition(condition: Condition | null): string {
  return condition === null ? '' : formatNode(condition, null);
}
