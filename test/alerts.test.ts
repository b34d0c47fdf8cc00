import { describe, it, expect } from 'vitest';
import { AlertConditionError, AlertSyntaxError } from '../src/errors.js';
import {
  conditionFields,
  conditionSchema,
  evaluateCondition,
  parseCondition,
  readPath,
  type Condition,
} from '../src/automations/alerts/condition.js';
import { formatCondition, parseAlertText } from '../src/automations/alerts/text.js';
import { conditionInWords } from '../src/automations/alerts/words.js';
import { alertWhen } from '../src/capabilities/reading.js';
import { pageWatchReader } from '../src/capabilities/skills/page-watch-reading.js';
import { decideAlert, judgeAlert, NO_INCIDENT, type AlertMemory, type IncidentMemory } from '../src/automations/alerts/mode.js';

const output = {
  price: 80,
  title: 'Big SALE today',
  in_stock: true,
  gone: null,
  zero: 0,
  offer: { price: 99.5, currency: 'EUR' },
  items: [{ title: 'first' }, { title: 'second' }],
  tags: ['red', 'blue', 3],
  nan: Number.NaN,
  inf: Number.POSITIVE_INFINITY,
};

const holds = (text: string, out: Record<string, unknown> = output): boolean => evaluateCondition(parseAlertText(text), out);

function syntaxError(text: string): AlertSyntaxError {
  try {
    parseAlertText(text);
  } catch (error) {
    if (error instanceof AlertSyntaxError) return error;
    throw error;
  }
  throw new Error(`expected a syntax error for ${text}`);
}

describe('evaluateCondition: operators', () => {
  it.each([
    ['price == 80', true], ['price == 81', false],
    ['price != 81', true], ['price != 80', false],
    ['price < 81', true], ['price < 80', false],
    ['price <= 80', true], ['price <= 79', false],
    ['price > 79', true], ['price > 80', false],
    ['price >= 80', true], ['price >= 81', false],
    ['title contains "sale"', true], ['title contains "SALE TO"', true], ['title contains "cheap"', false],
    ['tags contains "red"', true], ['tags contains "RED"', false], ['tags contains 3', true], ['tags contains "3"', false],
    ['price contains 8', false],
    ['exists price', true], ['exists nope', false], ['exists gone', false], ['exists zero', true],
    ['title == "Big SALE today"', true], ['title == "big sale today"', false],
    ['title < "C"', true], ['title > "a"', false],
    ['in_stock == true', true], ['in_stock != false', true], ['in_stock != true', false],
    ['gone == null', true], ['gone != null', false],
  ])('%s → %s', (text, expected) => {
    expect(holds(text)).toBe(expected);
  });
});

describe('evaluateCondition: paths, missing fields, types', () => {
  it('reads dotted and array-index paths', () => {
    expect(holds('offer.price < 100')).toBe(true);
    expect(holds('offer.currency == "EUR"')).toBe(true);
    expect(holds('items.1.title == "second"')).toBe(true);
    expect(holds('items.2.title == "third"')).toBe(false);
    expect(readPath(output, 'items.0.title')).toEqual({ found: true, value: 'first' });
    expect(readPath(output, 'items.x')).toEqual({ found: false, value: undefined });
    expect(readPath(output, 'gone')).toEqual({ found: true, value: null });
    expect(readPath(output, 'title.length')).toEqual({ found: false, value: undefined });
    expect(readPath({}, 'constructor')).toEqual({ found: false, value: undefined });
  });

  it('a missing field is false for every op except exists', () => {
    for (const op of ['==', '!=', '<', '<=', '>', '>=', 'contains']) {
      expect(holds(`missing ${op} 1`)).toBe(false);
      expect(holds(`missing.deep ${op} null`)).toBe(false);
    }
    expect(holds('exists missing')).toBe(false);
    expect(holds('exists offer.price')).toBe(true);
  });

  it('incomparable types are false for every op, != included', () => {
    for (const op of ['==', '!=', '<', '<=', '>', '>=']) {
      expect(holds(`price ${op} "80"`)).toBe(false);
      expect(holds(`title ${op} 1`)).toBe(false);
      expect(holds(`in_stock ${op} 1`)).toBe(false);
      expect(holds(`gone ${op} 0`)).toBe(false);
      expect(holds(`offer ${op} null`)).toBe(false);
    }
    expect(holds('in_stock < true')).toBe(false);
    expect(holds('gone <= null')).toBe(false);
  });

  it('NaN and Infinity never satisfy anything', () => {
    for (const op of ['==', '!=', '<', '<=', '>', '>=']) {
      expect(holds(`nan ${op} 1`)).toBe(false);
      expect(holds(`inf ${op} 1`)).toBe(false);
    }
    expect(evaluateCondition({ field: 'price', op: '!=', value: Number.NaN }, output)).toBe(false);
    expect(evaluateCondition({ field: 'tags', op: 'contains', value: Number.NaN }, { tags: [Number.NaN] })).toBe(false);
  });

  it('compounds, empty compounds and the null condition', () => {
    expect(holds('price < 100 and in_stock == true')).toBe(true);
    expect(holds('price > 100 and in_stock == true')).toBe(false);
    expect(holds('price > 100 or in_stock == true')).toBe(true);
    expect(evaluateCondition({ all_of: [] }, output)).toBe(false);
    expect(evaluateCondition({ any_of: [] }, output)).toBe(false);
    expect(evaluateCondition(null, output)).toBe(false);
    expect(evaluateCondition(parseCondition(null), output)).toBe(false);
    expect(evaluateCondition(parseAlertText('   '), output)).toBe(false);
  });

  it('never throws on odd output values', () => {
    const odd = { a: { b: [1, [2]] }, f: () => 1, s: Symbol('x'), big: 10n, u: undefined };
    for (const text of ['a.b.1.0 == 2', 'f == 1', 'exists s', 's contains "x"', 'big > 1', 'exists u', 'a.b contains 1', 'a contains "b"']) {
      expect(() => holds(text, odd)).not.toThrow();
    }
    expect(holds('a.b.1.0 == 2', odd)).toBe(true);
    expect(holds('exists u', odd)).toBe(false);
    expect(holds('big > 1', odd)).toBe(false);
  });
});

describe('parseCondition and unvalidated conditions', () => {
  it('accepts valid JSON and returns null for null/undefined', () => {
    const c = { any_of: [{ field: 'a', op: 'exists' }, { all_of: [{ field: 'b.0', op: '<', value: 2 }] }] };
    expect(parseCondition(c)).toEqual(c);
    expect(parseCondition(null)).toBeNull();
    expect(parseCondition(undefined)).toBeNull();
  });

  it.each([
    [{ field: 'a', op: '~=', value: 1 }, /unknown op "~="/],
    [{ foo: 1 }, /unknown shape/],
    [{ field: 'a', op: '==', value: { x: 1 } }, /value at condition must be/],
    [{ field: 'a..b', op: '==', value: 1 }, /invalid field "a\.\.b"/],
    [{ field: 'a', op: 'exists', value: 1 }, /unknown key value/],
    [{ all_of: [{ field: 'a', op: '==', value: 1 }, { field: 'b', op: 'like', value: 1 }] }, /unknown op "like" at condition\.all_of\[1\]/],
    [{ all_of: [] }, /at least one/],
    [{ all_of: [], any_of: [] }, /unknown shape/],
    ['price < 3', /must be an object/],
  ])('rejects %j', (json, message) => {
    expect(() => parseCondition(json)).toThrow(AlertConditionError);
    expect(() => parseCondition(json)).toThrow(message);
  });

  it('evaluateCondition throws AlertConditionError only for unknown op or shape', () => {
    expect(() => evaluateCondition({ field: 'a', op: '~=' } as unknown as Condition, output)).toThrow(AlertConditionError);
    expect(() => evaluateCondition({ foo: 1 } as unknown as Condition, output)).toThrow(AlertConditionError);
    expect(() => evaluateCondition({ all_of: [{ nope: true }] } as unknown as Condition, output)).toThrow(/unknown shape/);
  });

  it('conditionFields lists fields in order, once', () => {
    expect(conditionFields(parseAlertText('price < 3 and (title contains "x" or price > 1) and exists offer.price'))).toEqual([
      'price',
      'title',
      'offer.price',
    ]);
    expect(conditionFields(null)).toEqual([]);
  });
});

describe('parseAlertText', () => {
  it('parses the examples', () => {
    expect(parseAlertText('price <= 100 and in_stock == true')).toEqual({
      all_of: [
        { field: 'price', op: '<=', value: 100 },
        { field: 'in_stock', op: '==', value: true },
      ],
    });
    expect(parseAlertText('title contains "sale"')).toEqual({ field: 'title', op: 'contains', value: 'sale' });
    expect(parseAlertText('exists offer.price')).toEqual({ field: 'offer.price', op: 'exists' });
    expect(parseAlertText('(a > 1 or b < 2) and c == "x"')).toEqual({
      all_of: [{ any_of: [{ field: 'a', op: '>', value: 1 }, { field: 'b', op: '<', value: 2 }] }, { field: 'c', op: '==', value: 'x' }],
    });
  });

  it('empty text is no condition', () => {
    expect(parseAlertText('')).toBeNull();
    expect(parseAlertText(' \n\t ')).toBeNull();
  });

  it('or binds looser than and; chains flatten; parentheses vanish', () => {
    const [a, b, c] = [1, 2, 3].map((n) => ({ field: `f${n}`, op: '==' as const, value: n }));
    expect(parseAlertText('f1 == 1 or f2 == 2 and f3 == 3')).toEqual({ any_of: [a, { all_of: [b, c] }] });
    expect(parseAlertText('f1 == 1 and f2 == 2 or f3 == 3')).toEqual({ any_of: [{ all_of: [a, b] }, c] });
    expect(parseAlertText('f1 == 1 and f2 == 2 and f3 == 3')).toEqual({ all_of: [a, b, c] });
    expect(parseAlertText('(f1 == 1 and f2 == 2) and f3 == 3')).toEqual({ all_of: [a, b, c] });
    expect(parseAlertText('f1 == 1 or (f2 == 2 or f3 == 3)')).toEqual({ any_of: [a, b, c] });
    expect(parseAlertText('((f1 == 1))')).toEqual(a);
  });

  it('keywords are case-insensitive; && || and = are accepted', () => {
    expect(parseAlertText('A == TRUE AND b == False Or EXISTS c || d = NULL && e contains "x"')).toEqual({
      any_of: [
        { all_of: [{ field: 'A', op: '==', value: true }, { field: 'b', op: '==', value: false }] },
        { field: 'c', op: 'exists' },
        { all_of: [{ field: 'd', op: '==', value: null }, { field: 'e', op: 'contains', value: 'x' }] },
      ],
    });
    expect(parseAlertText('t CONTAINS "x"')).toEqual({ field: 't', op: 'contains', value: 'x' });
    expect(parseAlertText('a=1&&b!=2')).toEqual({ all_of: [{ field: 'a', op: '==', value: 1 }, { field: 'b', op: '!=', value: 2 }] });
  });

  it('parses numbers and strings', () => {
    const value = (text: string): unknown => {
      const c = parseAlertText(`x == ${text}`);
      return c && 'value' in c ? c.value : undefined;
    };
    expect(value('-12')).toBe(-12);
    expect(value('3.25')).toBe(3.25);
    expect(value('1e3')).toBe(1000);
    expect(value('-2.5E-2')).toBe(-0.025);
    expect(value('.5')).toBe(0.5);
    expect(value(`'it\\'s'`)).toBe("it's");
    expect(value(`"say \\"hi\\"\\n\\\\ \\u00e9"`)).toBe('say "hi"\n\\ é');
    expect(value(`"a 'b'"`)).toBe("a 'b'");
  });

  it('treats keywords as field names where a field is expected', () => {
    expect(parseAlertText('exists exists')).toEqual({ field: 'exists', op: 'exists' });
    expect(parseAlertText('exists == 1')).toEqual({ field: 'exists', op: '==', value: 1 });
    expect(parseAlertText('exists contains "x"')).toEqual({ field: 'exists', op: 'contains', value: 'x' });
    expect(parseAlertText('exists contains')).toEqual({ field: 'contains', op: 'exists' });
    expect(parseAlertText('and == 1 or or == 2')).toEqual({ any_of: [{ field: 'and', op: '==', value: 1 }, { field: 'or', op: '==', value: 2 }] });
  });

  it.each([
    ['price <=', 9, 'a value', 'alert: expected a value (number, "text", true, false or null) at column 9, found end of text'],
    ['price 100', 7, 'an operator', 'alert: expected an operator (==, !=, <, <=, >, >=, contains) at column 7, found "100"'],
    ['(a == 1', 8, '")"', 'alert: expected ")" at column 8, found end of text (to close the "(" at column 1)'],
    ['a == 1)', 7, '"and", "or" or end of text', 'alert: expected "and", "or" or end of text at column 7, found ")" (no "(" opens it)'],
    ['(a == 1 b == 2)', 9, '"and", "or" or ")"', 'alert: expected "and", "or" or ")" at column 9, found "b" (to close the "(" at column 1)'],
    ['a == "abc', 6, 'a closing quote', 'alert: expected a closing " for the text starting at column 6, found end of text'],
    ["a == 'abc", 6, 'a closing quote', "alert: expected a closing ' for the text starting at column 6, found end of text"],
    ['a == 1 $', 8, '"and", "or" or end of text', 'alert: expected "and", "or" or end of text at column 8, found "$"'],
    ['a $ 1', 3, 'an operator', 'alert: expected an operator (==, !=, <, <=, >, >=, contains) at column 3, found "$"'],
    ['  $a == 1', 3, 'a condition', 'alert: expected a condition (a field path, exists or "(") at column 3, found "$"'],
    ['()', 2, 'a condition', 'alert: expected a condition (a field path, exists or "(") at column 2, found ")"'],
    ['a == 1 and', 11, 'a condition', 'alert: expected a condition (a field path, exists or "(") at column 11, found end of text'],
    ['exists', 7, 'a field path', 'alert: expected a field path at column 7, found end of text'],
    ['a..b == 1', 3, 'a field name', 'alert: expected a field name after "." at column 3, found "."'],
    ['a === 1', 3, 'an operator', 'alert: expected an operator (==, !=, <, <=, >, >=, contains) at column 3, found "==="'],
    ['title contains sale', 16, 'a value', 'alert: expected a value (number, "text", true, false or null) at column 16, found "sale" (put text in quotes: "sale")'],
    ['a exists', 3, 'an operator', 'alert: expected an operator (==, !=, <, <=, >, >=, contains) at column 3, found "exists" (to test that a field is there, write "exists a")'],
    ['a == 1e999', 6, 'a finite number', 'alert: expected a number of reasonable size at column 6, found "1e999"'],
    ['a == "x\\q"', 8, 'an escape', 'alert: expected an escape (\\\\ \\" \\\' \\n \\t \\r or \\uXXXX) at column 8, found "\\q" (write \\\\ for a backslash)'],
    ['a == 1 b == 2', 8, '"and", "or" or end of text', 'alert: expected "and", "or" or end of text at column 8, found "b"'],
  ])('%s → column %i', (text, column, expected, message) => {
    const error = syntaxError(text);
    expect(error.column).toBe(column);
    expect(error.expected).toBe(expected);
    expect(error.message).toBe(message);
    expect(error.field).toBe('alert');
  });

  it('refuses absurd nesting with a syntax error, not a crash', () => {
    const error = syntaxError(`${'('.repeat(1000)}a == 1${')'.repeat(1000)}`);
    expect(error.column).toBe(65);
  });
});

describe('formatCondition', () => {
  it('writes the text form', () => {
    expect(formatCondition(null)).toBe('');
    expect(formatCondition(parseAlertText('PRICE<=100 AND in_stock=TRUE'))).toBe('PRICE <= 100 and in_stock == true');
    expect(formatCondition({ field: 'offer.price', op: 'exists' })).toBe('exists offer.price');
    expect(formatCondition({ field: 't', op: 'contains', value: 'say "hi" \\ o/' })).toBe('t contains "say \\"hi\\" \\\\ o/"');
    expect(formatCondition(parseAlertText("(a > 1 || b < 2) && c = 'x'"))).toBe('(a > 1 or b < 2) and c == "x"');
    expect(formatCondition(parseAlertText('a > 1 or b < 2 and c == null'))).toBe('a > 1 or b < 2 and c == null');
  });

  it('flattens hand-written nested or single-child compounds', () => {
    const leaf = (n: number): Condition => ({ field: `f${n}`, op: '==', value: n });
    const nested: Condition = { all_of: [{ all_of: [leaf(1), leaf(2)] }, { any_of: [leaf(3)] }] };
    expect(formatCondition(nested)).toBe('f1 == 1 and f2 == 2 and (f3 == 3)');
    expect(parseAlertText(formatCondition(nested))).toEqual({ all_of: [leaf(1), leaf(2), leaf(3)] });
  });

  const roundTrip = [
    'price <= 100 and in_stock == true',
    'title contains "sale"',
    'exists offer.price',
    '(a > 1 or b < 2) and c == "x"',
    'a == 1',
    'a != -1.5',
    'a < 1e21',
    'a >= 1.5e-7',
    'a == -0',
    'a == 0',
    'a == null or b != null',
    'a == true and b == false',
    'items.0.title contains "x"',
    'a-b.c_d == "y"',
    'prix.é == "ç"',
    't == "quote \\" backslash \\\\ newline \\n tab \\t"',
    "t == 'single'",
    't == ""',
    'a == 1 or b == 2 or c == 3',
    'a == 1 and b == 2 and c == 3 and d == 4',
    '(a == 1 or b == 2) and (c == 3 or d == 4)',
    'a == 1 and (b == 2 or c == 3 and (d == 4 or e == 5))',
    '((a == 1 or b == 2)) or c == 3',
    'exists a and exists b or exists c',
    'exists exists or exists == 1 or exists contains "z"',
    'and == 1 and or == 2',
    'contains contains "contains"',
    'true == true',
    'a == 1 && B == 2 || C = "x"',
    'x < "b" and x > "a"',
    '0 == 1',
    'tags contains 3 or tags contains "3"',
  ];
  it.each(roundTrip)('round-trips %s', (text) => {
    const parsed = parseAlertText(text);
    expect(parsed).not.toBeNull();
    expect(conditionSchema.safeParse(parsed).success).toBe(true);
    expect(parseAlertText(formatCondition(parsed))).toEqual(parsed);
    expect(formatCondition(parseAlertText(formatCondition(parsed)))).toBe(formatCondition(parsed));
  });
});

describe('decideAlert', () => {
  const t0 = new Date('2025-01-01T08:00:00Z');
  const at = (seconds: number): Date => new Date(t0.getTime() + seconds * 1000);
  const fresh: AlertMemory = { lastResult: null, lastFiredAt: null };

  it('change: first true sends, staying true does not, false then true sends again', () => {
    const first = decideAlert('change', null, fresh, true, t0);
    expect(first).toEqual({ send: true, memory: { lastResult: true, lastFiredAt: t0 } });
    const stays = decideAlert('change', null, first.memory, true, at(86_400));
    expect(stays).toEqual({ send: false, memory: { lastResult: true, lastFiredAt: t0 } });
    const drops = decideAlert('change', null, stays.memory, false, at(90_000));
    expect(drops).toEqual({ send: false, memory: { lastResult: false, lastFiredAt: t0 } });
    const again = decideAlert('change', null, drops.memory, true, at(100_000));
    expect(again).toEqual({ send: true, memory: { lastResult: true, lastFiredAt: at(100_000) } });
  });

  it('change: false first does not send', () => {
    expect(decideAlert('change', 60, fresh, false, t0)).toEqual({ send: false, memory: { lastResult: false, lastFiredAt: null } });
  });

  it('change: repeat_after sends a reminder once it has elapsed', () => {
    const memory: AlertMemory = { lastResult: true, lastFiredAt: t0 };
    expect(decideAlert('change', 3600, memory, true, at(3599)).send).toBe(false);
    const reminder = decideAlert('change', 3600, memory, true, at(3600));
    expect(reminder).toEqual({ send: true, memory: { lastResult: true, lastFiredAt: at(3600) } });
    expect(decideAlert('change', 3600, reminder.memory, true, at(5000)).send).toBe(false);
  });

  it('every: sends whenever true', () => {
    const first = decideAlert('every', null, fresh, true, t0);
    expect(first.send).toBe(true);
    const second = decideAlert('every', null, first.memory, true, at(1));
    expect(second).toEqual({ send: true, memory: { lastResult: true, lastFiredAt: at(1) } });
    expect(decideAlert('every', null, second.memory, false, at(2))).toEqual({
      send: false,
      memory: { lastResult: false, lastFiredAt: at(1) },
    });
  });
});

describe('amounts as people write them in a condition', () => {
  it.each([
    ['price < $100', 100],
    ['price < $1,299.99', 1299.99],
    ['price <= € 19.99', 19.99],
    ['price < 1,299.99', 1299.99],
    ['price < £30', 30],
  ])('%s compares with %d', (text, value) => {
    expect(parseAlertText(text)).toMatchObject({ field: 'price', value });
  });

  it('a stray comma is still refused with its column', () => {
    expect(() => parseAlertText('x == 1,2')).toThrow('alert: expected "and", "or" or end of text at column 7, found ","');
  });
});

describe('judgeAlert: incidents and confirm_after', () => {
  const t0 = new Date('2025-01-01T08:00:00Z');
  const at = (minutes: number): Date => new Date(t0.getTime() + minutes * 60_000);
  const fresh: IncidentMemory = { lastResult: null, lastFiredAt: null, ...NO_INCIDENT };
  /** Judges `results`, one run every 5 minutes; returns what each run did. */
  const play = (confirmAfter: number, results: boolean[]) => {
    let memory = fresh;
    return results.map((result, i) => {
      const judged = judgeAlert({ mode: 'change', repeatAfterSeconds: null, confirmAfter }, memory, result, at(i * 5));
      memory = { ...judged.memory, notificationId: judged.opens ? 100 + i : judged.memory.notificationId };
      return judged.send ? 'alert' : judged.resolved ? `resolved after ${(judged.resolved.endedAt.getTime() - judged.resolved.startedAt.getTime()) / 60_000} min, ${judged.resolved.runs} runs, #${judged.resolved.notificationId}` : '-';
    });
  };

  it('with confirm_after 1: one alert when it turns true, one resolution when it turns false', () => {
    expect(play(1, [false, true, true, true, false, false])).toEqual(['-', 'alert', '-', '-', 'resolved after 15 min, 3 runs, #101', '-']);
  });

  it('with confirm_after 3: flapping says nothing; three in a row alert, three in a row resolve', () => {
    expect(play(3, [true, true, false, true, true, true, false, false, true, false, false, false])).toEqual([
      '-', '-', '-', '-', '-', 'alert', '-', '-', '-', '-', '-', 'resolved after 30 min, 4 runs, #105',
    ]);
  });

  it('mode every with confirm_after 2: alerts on every run after two in a row, never resolves', () => {
    let memory = fresh;
    const sent = [true, true, true, false, true].map((result, i) => {
      const judged = judgeAlert({ mode: 'every', repeatAfterSeconds: null, confirmAfter: 2 }, memory, result, at(i));
      memory = judged.memory;
      expect(judged.resolved).toBeNull();
      return judged.send;
    });
    expect(sent).toEqual([false, true, true, false, false]);
  });
});

describe('conditionInWords: a condition as a person reads it', () => {
  const words = {
    price: { name: 'the price', value: (v: unknown) => `${String(v)} €` },
    in_stock: { truth: { true: 'it is in stock', false: 'it is out of stock' } },
  };
  it.each([
    ['price < 100', 'the price is under 100 €'],
    ['price <= 100 and in_stock == true', 'the price is at most 100 € and it is in stock'],
    ['in_stock != true', 'it is out of stock'],
    ['in_stock == false or price >= 5', 'it is out of stock or the price is at least 5 €'],
    ['price > 1 and (in_stock == true or title contains "Kettle")', 'the price is over 1 € and (it is in stock or title contains “Kettle”)'],
    ['exists sale', 'sale is there'],
    ['status == null', 'status is empty'],
  ])('%s → %s', (text, expected) => {
    expect(conditionInWords(parseAlertText(text)!, words)).toBe(expected);
  });

  it('an alert shows the words and the text to edit; a condition it cannot read stays as written', () => {
    const context = { name: 'kettle', inputs: {}, previous: null, since: null, now: new Date(0), alert: true };
    expect(alertWhen({ ...context, condition: 'price < 100 and in_stock == true' }, words)).toBe('the price is under 100 € and it is in stock (`price < 100 and in_stock == true`)');
    expect(alertWhen({ ...context, condition: 'price <' }, words)).toBe('`price <`');
    expect(alertWhen({ ...context, condition: '' }, words)).toBeNull();
    const reading = pageWatchReader.read({ title: 'Kettle', price: 89.99, currency: 'EUR', in_stock: true }, { ...context, condition: 'price <= 90' });
    expect(reading.fields).toEqual([{ name: 'Alert when', value: 'the price is at most 90,00\u00a0€ (`price <= 90`)' }]);
  });
});
