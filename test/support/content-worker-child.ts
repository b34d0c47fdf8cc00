/**
 * Run as `node --import tsx test/support/content-worker-child.ts` (how `npm start`, the bench and
 * the demo load the sources): reads a page in a content worker and prints the snapshot as JSON.
 */
import { ContentWorkers } from '../../src/capabilities/content/pool.js';

const workers = new ContentWorkers({ size: 1 });
const body = Buffer.from('<html><head><title>Kettle</title></head><body><p class="price">€49,90</p></body></html>');
const snapshot = await workers.run('page', { body, contentType: 'text/html', url: 'https://shop.example/kettle', selector: '.price' }, new AbortController().signal);
await workers.close();
process.stdout.write(`${JSON.stringify(snapshot)}\n`);
