/**
 * What people say and the draft each sentence must give: the table the drafter's tests and the
 * bot's `/automation new` tests both run. Schedules are compared by their next slots, conditions
 * by what they say on SAMPLES.
 */
import { evaluateCondition } from '../../src/automations/alerts/condition.js';
import { parseAlertText } from '../../src/automations/alerts/text.js';
import { nextRuns } from '../../src/automations/schedule.js';

export const SAMPLES: Record<string, Record<string, unknown>[]> = {
  page_watch: [
    { price: 50, in_stock: true, changed: false },
    { price: 99.99, in_stock: false, changed: true },
    { price: 100, in_stock: true, changed: true },
    { price: 150, in_stock: false, changed: false },
    { price: 1299.99, in_stock: true, changed: false },
    { price: 2000, in_stock: null, changed: false },
  ],
  http_check: [
    { ok: true, status: 200, latency_ms: 120, contains: true },
    { ok: false, status: 503, latency_ms: 5, contains: false },
    { ok: true, status: 200, latency_ms: 2500, contains: false },
    { ok: true, status: 200, latency_ms: 600, contains: null },
  ],
  feed_watch: [{ count: 0 }, { count: 3 }],
  summarize_page: [{ summary: 'x' }],
  ask: [{ answer: 'x' }],
};

export type Row = [sentence: string, capability: string, inputs: Record<string, unknown>, cron: string, alert: string];

const U = 'https://example.com';
const P = 'https://shop.example/kettle';
const F = 'https://blog.example/feed.xml';
export const TABLE: Row[] = [
  // uptime
  [`check ${U} every 5 minutes and tell me when it is down`, 'http_check', { url: U }, '*/5 * * * *', 'ok == false'],
  [`tell me when ${U} goes down`, 'http_check', { url: U }, '*/5 * * * *', 'ok == false'],
  [`ping ${U} every minute`, 'http_check', { url: U }, '* * * * *', 'ok == false'],
  [`is ${U} up? check hourly`, 'http_check', { url: U }, '0 * * * *', 'ok == false'],
  [`alert me if ${U} is offline`, 'http_check', { url: U }, '*/5 * * * *', 'ok == false'],
  [`let me know when ${U} is not responding`, 'http_check', { url: U }, '*/5 * * * *', 'ok == false'],
  [`watch ${U} every 10 minutes on weekdays`, 'http_check', { url: U }, '*/10 * * * 1-5', 'ok == false'],
  [`tell me if ${U}/api is slower than 500 ms`, 'http_check', { url: `${U}/api` }, '*/5 * * * *', 'latency_ms > 500'],
  [`tell me if ${U} takes more than 2 seconds`, 'http_check', { url: U }, '*/5 * * * *', 'latency_ms > 2000'],
  [`tell me when ${U}/status does not contain "all good"`, 'http_check', { url: `${U}/status`, contains: 'all good' }, '*/5 * * * *', 'contains == false'],
  [`check that ${U}/status says "ok" every 2 minutes`, 'http_check', { url: `${U}/status`, contains: 'ok' }, '*/2 * * * *', 'contains == true'],
  [`uptime of example.com every 15 minutes`, 'http_check', { url: U }, '*/15 * * * *', 'ok == false'],
  [`check ${U} every 2 hours`, 'http_check', { url: U }, '0 */2 * * *', 'ok == false'],
  [`check ${U} at 9am on weekdays`, 'http_check', { url: U }, '0 9 * * 1-5', 'ok == false'],
  [`monitor ${U} status twice a day`, 'http_check', { url: U }, '0 8,20 * * *', 'ok == false'],
  [`check ${U}`, 'http_check', { url: U }, '*/5 * * * *', 'ok == false'],
  [`tell me when ${U} is down or slower than 3 s`, 'http_check', { url: U }, '*/5 * * * *', 'ok == false or latency_ms > 3000'],
  // prices and stock
  [`check this product page ${P} every morning and tell me when it drops under $100`, 'page_watch', { url: P }, '0 8 * * *', 'price < 100'],
  [`tell me when ${P} drops under $1,299.99`, 'page_watch', { url: P }, '0 8 * * *', 'price < 1299.99'],
  [`tell me when ${P} is below 100`, 'page_watch', { url: P }, '0 8 * * *', 'price < 100'],
  [`let me know when ${P} costs less than €100`, 'page_watch', { url: P }, '0 8 * * *', 'price < 100'],
  [`watch ${P} for a price under 100 euros`, 'page_watch', { url: P }, '0 8 * * *', 'price < 100'],
  [`tell me when ${P} is cheaper than £100`, 'page_watch', { url: P }, '0 8 * * *', 'price < 100'],
  [`tell me when ${P} costs £100 or less`, 'page_watch', { url: P }, '0 8 * * *', 'price <= 100'],
  [`tell me when ${P} is at most 100 USD`, 'page_watch', { url: P }, '0 8 * * *', 'price <= 100'],
  [`notify me when ${P} goes above 150 USD`, 'page_watch', { url: P }, '0 8 * * *', 'price > 150'],
  [`tell me when ${P} is more than $150`, 'page_watch', { url: P }, '0 8 * * *', 'price > 150'],
  [`tell me when ${P} falls below 1.299,99 €`, 'page_watch', { url: P }, '0 8 * * *', 'price < 1299.99'],
  [`tell me when ${P} is back in stock`, 'page_watch', { url: P }, '0 8 * * *', 'in_stock == true'],
  [`let me know when ${P} is in stock again`, 'page_watch', { url: P }, '0 8 * * *', 'in_stock == true'],
  [`tell me when ${P} is available`, 'page_watch', { url: P }, '0 8 * * *', 'in_stock == true'],
  [`tell me when ${P} is out of stock`, 'page_watch', { url: P }, '0 8 * * *', 'in_stock == false'],
  [`tell me when ${P} sells out`, 'page_watch', { url: P }, '0 8 * * *', 'in_stock == false'],
  [`tell me when ${P} is in stock and under $100`, 'page_watch', { url: P }, '0 8 * * *', 'price < 100 and in_stock == true'],
  [`every evening check the price of ${P} and tell me if it is under 20 euros`, 'page_watch', { url: P }, '0 18 * * *', 'price < 20'],
  [`watch ${P} hourly for a price drop below $50`, 'page_watch', { url: P }, '0 * * * *', 'price < 50'],
  [`tell me when shop.example/kettle drops under $100`, 'page_watch', { url: P }, '0 8 * * *', 'price < 100'],
  [`watch ${U}/page for changes`, 'page_watch', { url: `${U}/page` }, '0 8 * * *', 'changed == true'],
  [`tell me when ${U}/page changes, every 30 minutes`, 'page_watch', { url: `${U}/page` }, '*/30 * * * *', 'changed == true'],
  [`check the price of ${P} on mondays at 7:30`, 'page_watch', { url: P }, '30 7 * * 1', ''],
  [`check ${P} on the 1st of every month for a sale under $100`, 'page_watch', { url: P }, '0 8 1 * *', 'price < 100'],
  [`tell me when ${P} drops to $80 or less on weekends at 10am`, 'page_watch', { url: P }, '0 10 * * 0,6', 'price <= 80'],
  // feeds
  [`new posts on ${F}`, 'feed_watch', { url: F }, '0 * * * *', 'count > 0'],
  [`tell me about new articles on ${F} every 30 minutes`, 'feed_watch', { url: F }, '*/30 * * * *', 'count > 0'],
  [`watch the RSS feed https://news.example/rss every morning`, 'feed_watch', { url: 'https://news.example/rss' }, '0 8 * * *', 'count > 0'],
  [`follow ${F} daily`, 'feed_watch', { url: F }, '0 8 * * *', 'count > 0'],
  [`new episodes of https://pod.example/feed`, 'feed_watch', { url: 'https://pod.example/feed' }, '0 * * * *', 'count > 0'],
  [`new items on https://example.com/atom.xml every 2 hours`, 'feed_watch', { url: 'https://example.com/atom.xml' }, '0 */2 * * *', 'count > 0'],
  [`blog posts from https://blog.example every evening`, 'feed_watch', { url: 'https://blog.example' }, '0 18 * * *', 'count > 0'],
  // summaries
  [`summarize https://news.example/today every evening`, 'summarize_page', { url: 'https://news.example/today' }, '0 18 * * *', ''],
  [`give me a summary of https://news.example/today at 7am`, 'summarize_page', { url: 'https://news.example/today' }, '0 7 * * *', ''],
  [`summarise ${U} weekly`, 'summarize_page', { url: U }, '0 8 * * 1', ''],
  [`tl;dr of ${U}/long-read every friday at 17:00`, 'summarize_page', { url: `${U}/long-read` }, '0 17 * * 5', ''],
  // questions
  ['what are three good names for a cat?', 'ask', { prompt: 'What are three good names for a cat?' }, '0 8 * * *', ''],
  ['every weekday at 7:15 am ask what the weather looks like in Berlin', 'ask', { prompt: 'What the weather looks like in Berlin' }, '15 7 * * 1-5', ''],
  ['every monday at 9 give me a motivational quote', 'ask', { prompt: 'Give me a motivational quote' }, '0 9 * * 1', ''],
  ['write a haiku about autumn every morning', 'ask', { prompt: 'Write a haiku about autumn' }, '0 8 * * *', ''],
  ['suggest a dinner recipe every evening', 'ask', { prompt: 'Suggest a dinner recipe' }, '0 18 * * *', ''],
  ['how many days until christmas? ask daily', 'ask', { prompt: 'How many days until christmas?' }, '0 8 * * *', ''],
  ['list three news topics to read about, twice a day', 'ask', { prompt: 'List three news topics to read about' }, '0 8,20 * * *', ''],
];


const FROM = new Date('2026-03-04T12:00:00Z');
/** The next four slots of a cron in Europe/Berlin from a fixed instant: what "the same schedule" means here. */
export const slots = (cron: string) => nextRuns(cron, 'Europe/Berlin', FROM, 4).map((d) => d.toISOString());
/** What a condition says on the capability's sample outputs (null for no condition). */
export const verdicts = (alert: string, capability: string) => (SAMPLES[capability] ?? []).map((o) => (alert ? evaluateCondition(parseAlertText(alert), o) : null));
