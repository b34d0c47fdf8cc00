/** The comparison functions and the interval the lifecycle acts on (src/capabilities/agreement.ts). */
import { describe, expect, it } from 'vitest';
import { canonicalJson, fieldAgreement, outputDigest, textSimilarity, wilsonInterval } from '../src/capabilities/agreement.js';
import { agreementText } from '../src/util/text.js';

describe('agreement', () => {
  it('field by field: numbers within 1%, text normalised, timings left out', () => {
    const model = { title: 'Steel Kettle 1.7 L', price: 89.99, in_stock: true, latency_ms: 120 };
    expect(fieldAgreement(model, { title: 'steel kettle, 1.7 l', price: 90.5, in_stock: true, latency_ms: 15 })).toBe(1);
    expect(fieldAgreement(model, { title: 'Steel Kettle 1.7 L', price: 92, in_stock: false })).toBeCloseTo(1 / 3, 10);
    expect(fieldAgreement(model, { price: 89.99 }, { fields: ['price'] })).toBe(1);
    expect(fieldAgreement({}, {})).toBe(1);
  });

  it('free text by word overlap (F1): 1 for the same words in any order, 0 for none in common', () => {
    expect(textSimilarity('Adds offline sync; fixes login.', 'fixes login, adds offline sync')).toBe(1);
    expect(textSimilarity('offline sync', 'price drop')).toBe(0);
    expect(textSimilarity('adds offline sync', 'adds sync')).toBeCloseTo(0.8, 10);
  });

  it('the digest is of the output, whatever its key order', () => {
    expect(canonicalJson({ b: 1, a: [{ d: 2, c: 3 }] })).toBe('{"a":[{"c":3,"d":2}],"b":1}');
    expect(outputDigest({ a: 1, b: 2 })).toBe(outputDigest({ b: 2, a: 1 }));
    expect(outputDigest({ a: 1 })).not.toBe(outputDigest({ a: 2 }));
  });

  it('the 95% Wilson interval matches its textbook values, and reads as people see it', () => {
    const half = wilsonInterval(0.5, 10);
    expect(half.low).toBeCloseTo(0.2366, 4);
    expect(half.high).toBeCloseTo(0.7634, 4);
    const all = wilsonInterval(1, 3);
    expect(all.low).toBeCloseTo(0.4385, 4);
    expect(all.high).toBe(1);
    expect(wilsonInterval(0.87, 0)).toEqual({ low: 0, high: 1 });
    expect(agreementText({ mean: 0.87, ...wilsonInterval(0.87, 42), n: 42 })).toBe('agreement 87% (95% CI 74–94%) over 42 comparisons');
  });
});
