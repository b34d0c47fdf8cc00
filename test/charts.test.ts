/**
 * What a chart shows and what happens when one cannot be drawn, through the real engine (real
 * SQLite runs of the real page_watch and http_check skills against a local site, the real content
 * worker drawing): the numbers, the alert's threshold, the time zone and the units a person reads
 * on the picture, and an alert that still arrives when its chart fails.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ContentWorkers } from '../src/capabilities/content/pool.js';
import type { ContentTaskName, ContentTasks } from '../src/capabilities/content/protocol.js';
import { harnessPerTest, type Harness } from './support/harness.js';
import { serve } from './support/http-fixture.js';
import { pngSize } from './support/png.js';

const page = { price: '104.99', currency: 'EUR', up: true };
let site: Awaited<ReturnType<typeof serve>>;
beforeAll(async () => {
  site = await serve({
    '/kettle': (_, res) =>
      void res
        .writeHead(200, { 'content-type': 'text/html' })
        .end(`<script type="application/ld+json">{"@type":"Product","name":"Steel Kettle","offers":{"@type":"Offer","price":"${page.price}","priceCurrency":"${page.currency}"}}</script>`),
    '/status': (_, res) => void res.writeHead(page.up ? 200 : 503).end(),
  });
});
afterAll(() => site.close());

const harness = harnessPerTest();

describe('the chart of an automation', () => {
  it('page_watch: prices in the latest currency, the alert threshold as a line, times in the reader’s zone (else the automation’s)', async () => {
    const h = harness();
    const a = h.engine.service.create(h.alice, { name: 'kettle', capability: 'page_watch', schedule: 'manual', timezone: 'Asia/Tokyo', inputs: { url: site.url('/kettle') }, alert: 'price <= 100 and in_stock == true' });
    const prices: [string, string][] = [['99', 'USD'], ['104.99', 'EUR'], ['101.50', 'EUR'], ['98', 'EUR']];
    for (const [price, currency] of prices) {
      Object.assign(page, { price, currency });
      await h.clock.advance(3_600_000);
      await h.engine.service.runNow(h.alice, a.id);
    }
    const plan = h.engine.service.chartPlan(h.alice, a.id);
    expect(plan.spec).toMatchObject({
      kind: 'line',
      title: 'Price of Steel Kettle, last 3 runs', // the run in dollars is not on the euro axis
      valueTitle: 'Price (EUR)',
      valueFormat: { style: 'currency', currency: 'EUR' },
      timeZone: 'Asia/Tokyo',
      threshold: { value: 100, label: 'Alert when price <= 100,00\u00a0€' },
      width: 800,
      height: 400,
    });
    expect(plan.spec!.points.map((p) => p.value)).toEqual([104.99, 101.5, 98]);
    // A person who set their own time zone reads the times in it.
    h.store.settings.setUserTimezone(h.alice.userId, 'America/New_York', h.clock.now());
    expect(h.engine.service.chartPlan(h.alice, a.id).spec!.timeZone).toBe('America/New_York');
    const chart = await h.engine.service.drawChart(plan);
    expect(chart.note).toBeNull();
    expect(chart.image!.filename).toBe('price-chart.png');
    expect(pngSize(chart.image!.png)).toEqual({ width: 800, height: 400 });
  });

  it('http_check: latency in ms, the checks that found the site down flagged', async () => {
    const h = harness();
    const a = h.engine.service.create(h.alice, { name: 'site', capability: 'http_check', schedule: 'manual', inputs: { url: site.url('/status') }, alert: 'latency_ms > 500' });
    for (const up of [true, false, true]) {
      page.up = up;
      await h.clock.advance(300_000);
      await h.engine.service.runNow(h.alice, a.id);
    }
    const { spec } = h.engine.service.chartPlan(h.alice, a.id);
    expect(spec).toMatchObject({ valueTitle: 'Latency (ms)', flaggedLabel: 'Down', threshold: { value: 500, label: 'Alert when latency > 500 ms' }, timeZone: 'UTC' });
    expect(spec!.points.map((p) => p.flagged)).toEqual([false, true, false]);
  });
});

/** Content workers whose charts always fail (a worker out of memory, say); pages are read as usual. */
class ChartlessWorkers extends ContentWorkers {
  override run<K extends ContentTaskName>(name: K, input: ContentTasks[K]['input'], signal: AbortSignal): Promise<ContentTasks[K]['output']> {
    if (name === 'chart') return Promise.reject(new Error('the worker ran out of memory'));
    return super.run(name, input, signal);
  }
}

/** A price watch whose second run finds the price under its alert's 100 (an alert is queued). */
async function priceDrop(h: Harness) {
  const a = h.engine.service.create(h.alice, { name: 'kettle', capability: 'page_watch', schedule: 'manual', inputs: { url: site.url('/kettle') }, alert: 'price < 100' });
  Object.assign(page, { price: '104.99', currency: 'EUR' });
  await h.engine.service.runNow(h.alice, a.id);
  page.price = '89.99';
  await h.clock.advance(3_600_000);
  await h.engine.service.runNow(h.alice, a.id);
  return a;
}

describe('an alert whose chart cannot be drawn', () => {
  it('is delivered without it (the outbox loses nothing for a picture)', async () => {
    const workers = new ChartlessWorkers({ size: 1 });
    try {
      const h = harness({ contentWorkers: workers });
      const a = await priceDrop(h);
      expect(await h.engine.notifications.deliverDue()).toEqual({ delivered: 1, failed: 0 });
      expect(h.sink.delivered.map((n) => n.embed?.title)).toEqual(['Steel Kettle']);
      expect(h.sink.files).toEqual([[]]);
      expect(h.store.outbox.all()[0]!.deliveredAt).not.toBeNull();

      // /automation show says so instead of failing.
      const chart = await h.engine.service.drawChart(h.engine.service.chartPlan(h.alice, a.id));
      expect(chart).toEqual({ image: null, note: 'The chart could not be drawn just now; try again in a moment.' });
    } finally {
      await workers.close();
    }
  });

  it('with its chart, the sink gets the PNG to attach', async () => {
    const h = harness();
    await priceDrop(h);
    await h.engine.notifications.deliverDue();
    const [[file]] = h.sink.files as [[{ name: string; data: Uint8Array; description: string }]];
    expect(file).toMatchObject({ name: 'price-chart.png', description: 'Price of Steel Kettle, last 2 runs' });
    expect(pngSize(file.data)).toEqual({ width: 800, height: 400 });
  });
});
