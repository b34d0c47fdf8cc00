/**
 * The drafter without a model, on what people say: each sentence must give the capability, the
 * inputs, the schedule (compared by its next slots) and the condition (compared by what it says
 * on sample outputs) in the table.
 */
import { describe, expect, it } from 'vitest';
import { draftSentence } from '../src/automations/drafting/drafter.js';
import { slots, TABLE, verdicts } from './support/sentences.js';

describe('the drafter on what people say', () => {
  it('has a table of at least 60 sentences', () => {
    expect(TABLE.length).toBeGreaterThanOrEqual(60);
  });

  it.each(TABLE)('“%s”', (sentence, capability, inputs, cron, alert) => {
    const d = draftSentence(sentence);
    expect(d.missing).toEqual([]);
    expect(d.capability).toBe(capability);
    expect(d.inputs).toEqual(inputs);
    expect(slots(d.schedule!)).toEqual(slots(cron));
    expect(verdicts(d.alert, capability)).toEqual(verdicts(alert, capability));
  });

  it.each([
    ['hello there', ['what']],
    ['tell me when the price drops', ['url']],
    ['check it every 5 minutes', ['what']],
  ])('“%s” says what is missing', (sentence, missing) => {
    expect(draftSentence(sentence).missing).toEqual(missing);
  });

  it('says which defaults it took and what it assumed', () => {
    const d = draftSentence('tell me when shop.example/kettle drops under $100');
    expect(d.scheduleDefault).toBe(true);
    expect(d.notes).toEqual(['read shop.example/kettle as https://shop.example/kettle']);
    expect(d.name).toBe('shop.example kettle');
  });
});
