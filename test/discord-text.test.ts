/**
 * Cuts and escapes of text that reaches Discord: never half a character, always within the limit
 * as Discord counts it (code points), third-party markdown shown as typed.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { keyFields } from '../src/automations/notices.js';
import { cut, fitEmbed, LIMITS, type EmbedData } from '../src/discord/limits.js';
import { md, notificationEmbed, preview } from '../src/discord/views.js';
import { codePointLength, codeSpan, cutText, wellFormed } from '../src/util/text.js';

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
const isWellFormed = (s: string): boolean => !LONE_SURROGATE.test(s);

/** Text full of what breaks naive cuts: emoji (two UTF-16 units), lone halves, combining marks, spaces, backticks. */
const trickyText = fc.oneof(
  fc.array(fc.constantFrom('a', 'é', 'e\u0301', '😀', '👍🏽', '👨‍👩‍👧', '\uD83D', '\uDE00', ' ', '`', '*', '[x](https://e.example)', '\u3164', '\n'), { maxLength: 300 }).map((parts) => parts.join('')),
  fc.string({ unit: fc.integer({ min: 0, max: 0xffff }).map((n) => String.fromCharCode(n)), maxLength: 300 }),
  fc.string({ unit: 'binary', maxLength: 300 }),
);
const SEED = 20261201;

describe('cutText (every cut of text bound for Discord)', () => {
  it('is well-formed and within the limit in code points, and keeps what fits', () => {
    fc.assert(
      fc.property(trickyText, fc.integer({ min: 0, max: 320 }), (text, max) => {
        const result = cutText(text, max);
        expect(isWellFormed(result)).toBe(true);
        expect(codePointLength(result)).toBeLessThanOrEqual(max);
        if (codePointLength(text) <= max) expect(result).toBe(wellFormed(text));
        else if (max > 0) {
          expect(result.endsWith('…')).toBe(true);
          expect(wellFormed(text).startsWith(result.slice(0, -1))).toBe(true);
          expect(codePointLength(result)).toBe(max); // as much as fits, counted as Discord counts
        }
      }),
      { seed: SEED, numRuns: 2000 },
    );
  });

  it('counted in UTF-16 units (for discord.js builders) is within the limit in both counts', () => {
    fc.assert(
      fc.property(trickyText, fc.integer({ min: 0, max: 320 }), (text, max) => {
        const result = cutText(text, max, { units: 'UTF-16 units' });
        expect(isWellFormed(result)).toBe(true);
        expect(result.length).toBeLessThanOrEqual(max);
        expect(codePointLength(result)).toBeLessThanOrEqual(max);
      }),
      { seed: SEED, numRuns: 1000 },
    );
  });

  it('cuts between characters: an emoji at the limit is kept whole or left out, never halved', () => {
    expect(cutText(`${'x'.repeat(44)}😀😀`, 45)).toBe(`${'x'.repeat(44)}…`);
    expect(cutText(`${'x'.repeat(43)}😀😀😀`, 45)).toBe(`${'x'.repeat(43)}😀…`);
    expect(cutText('😀'.repeat(2000), 2000)).toBe('😀'.repeat(2000)); // 4000 UTF-16 units, 2000 characters: fits
    expect(cutText(`${'x'.repeat(43)}😀😀😀`, 45, { units: 'UTF-16 units' })).toBe(`${'x'.repeat(43)}…`);
    expect(cutText('caf\uD83D', 10)).toBe('caf\uFFFD');
    expect(cut('abc', 0)).toBe('');
  });
});

describe('fitEmbed', () => {
  const embedArb: fc.Arbitrary<EmbedData> = fc.record(
    {
      title: trickyText.map((t) => t.repeat(2)),
      description: fc.oneof(trickyText, trickyText.map((t) => t.repeat(30))),
      fields: fc.array(fc.record({ name: trickyText, value: fc.oneof(trickyText, trickyText.map((t) => t.repeat(8))) }), { maxLength: 30 }),
      footer: fc.record({ text: trickyText.map((t) => t.repeat(10)) }),
    },
    { requiredKeys: [] },
  );

  it('gives an embed Discord accepts: every part well-formed, within its limit and the 6000 total (in code points), no blank field', () => {
    fc.assert(
      fc.property(embedArb, (embed) => {
        const fitted = fitEmbed(embed);
        const strings = [fitted.title, fitted.description, fitted.footer?.text, ...(fitted.fields ?? []).flatMap((f) => [f.name, f.value])].filter((s): s is string => s !== undefined);
        for (const s of strings) expect(isWellFormed(s), JSON.stringify(s)).toBe(true);
        expect(codePointLength(fitted.title ?? '')).toBeLessThanOrEqual(LIMITS.title);
        expect(codePointLength(fitted.description ?? '')).toBeLessThanOrEqual(LIMITS.description);
        expect(codePointLength(fitted.footer?.text ?? '')).toBeLessThanOrEqual(LIMITS.footer);
        expect(fitted.fields!.length).toBeLessThanOrEqual(LIMITS.fields);
        for (const f of fitted.fields!) {
          expect(codePointLength(f.name)).toBeLessThanOrEqual(LIMITS.fieldName);
          expect(codePointLength(f.value)).toBeLessThanOrEqual(LIMITS.fieldValue);
          expect(f.name.trim().length, 'a field name Discord sees as blank').toBeGreaterThan(0);
          expect(f.value.trim().length, 'a field value Discord sees as blank').toBeGreaterThan(0);
        }
        expect(strings.reduce((n, s) => n + codePointLength(s), 0)).toBeLessThanOrEqual(LIMITS.embedTotal);
      }),
      { seed: SEED, numRuns: 500 },
    );
  });

  it('counts the 6000 as Discord does: 4000 emoji of description are 4000 characters, not 8000', () => {
    const fitted = fitEmbed({ title: 'x', description: '😀'.repeat(4000), fields: [{ name: 'n', value: 'v'.repeat(1000) }] });
    expect(fitted.description).toBe('😀'.repeat(4000));
    expect(fitted.fields).toHaveLength(1);
  });
});

describe('alert fields (notices)', () => {
  it('show every value well-formed and within 200 characters', () => {
    fc.assert(
      fc.property(fc.dictionary(fc.string({ maxLength: 10 }), fc.oneof(trickyText, trickyText.map((t) => t.repeat(5)), fc.integer(), fc.boolean())), (output) => {
        for (const f of keyFields(null, output)) {
          expect(isWellFormed(f.value)).toBe(true);
          expect(codePointLength(f.value)).toBeLessThanOrEqual(200);
        }
      }),
      { seed: SEED, numRuns: 500 },
    );
  });
});

describe('third-party text in Discord markdown', () => {
  it('a code span holds any text as one span', () => {
    fc.assert(
      fc.property(trickyText, (text) => {
        const span = codeSpan(text);
        expect(span.startsWith('`') && span.endsWith('`')).toBe(true);
        expect(span.slice(1, -1)).not.toContain('`');
      }),
      { seed: SEED, numRuns: 500 },
    );
    expect(preview({ title: 'a `b` c' })).toBe('`{"title":"a ˋbˋ c"}`');
  });

  it('a masked link, bold and headings show as typed', () => {
    expect(md('[Verify](https://evil.example)')).toBe('\\[Verify\\](https://evil.example)');
    expect(md('see https://shop.example/a_b*c for _details_')).toBe('see https://shop.example/a_b*c for \\_details\\_'); // a bare URL still works
    expect(md('**free** `x`')).toBe('\\*\\*free\\*\\* \\`x\\`');
    expect(md('# Big')).toBe('\\# Big');
    expect(md('12.5')).toBe('12.5');
    expect(md('in stock')).toBe('in stock');
  });

  it('an alert notice escapes the output’s field names and values where the engine writes them; the sink draws the bot’s own markup as it is', () => {
    expect(keyFields(null, { '[a](https://evil.example)': '[Verify](https://evil.example)' })).toEqual([{ name: '\\[a\\](https://evil.example)', value: '\\[Verify\\](https://evil.example)' }]);
    const embed = notificationEmbed('alert', {
      title: 'Alert: prices',
      description: '`price < 100` is true',
      fields: [{ name: 'Price', value: '**$89.99**' }],
      actions: [],
      automationId: 1,
      runId: 2,
    });
    expect(embed.description).toBe('`price < 100` is true');
    expect(embed.fields).toEqual([{ name: 'Price', value: '**$89.99**', inline: true }]);
  });
});
