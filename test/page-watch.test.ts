import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { JsonObject } from '../src/automations/types.js';
import { createPageWatch, pageWatchDefinition, pageWatchInputs } from '../src/capabilities/skills/page-watch.js';
import { extractPage, parsePriceText } from '../src/capabilities/skills/page-extract.js';
import { ValidationError } from '../src/errors.js';
import { serve } from './support/http-fixture.js';
import { fixtureFetcher, fixtureWorkers, skillRequest } from './support/skills.js';

const fixture = (name: string) => readFileSync(new URL(`./fixtures/pages/${name}`, import.meta.url), 'utf8');
const PAGE = 'https://shop.example/kettle';

describe('extractPage', () => {
  it('reads schema.org Product/Offer JSON-LD before meta tags and <title>', () => {
    expect(extractPage(fixture('product-jsonld.html'), PAGE)).toEqual({
      title: 'Steel Kettle 1.7 L',
      price: 1299, // "1,299.00" in the JSON-LD; the og price (999) and <title> lose
      currency: 'USD',
      in_stock: true,
      text: null,
      image: 'https://shop.example/img/kettle.jpg',
      price_source: 'json-ld',
    });
  });

  it('finds the Product in an @graph, with an AggregateOffer in an offers array', () => {
    expect(extractPage(fixture('product-graph.html'), PAGE)).toEqual({
      title: 'Wasserkocher Classic',
      price: 49.9,
      currency: 'EUR',
      in_stock: false,
      text: null,
      price_source: 'json-ld',
    });
  });

  it('reads microdata: content attributes, link href availability, the product name (not the page title)', () => {
    expect(extractPage(fixture('product-microdata.html'), PAGE)).toEqual({
      title: 'Espresso Grinder Pro',
      price: 249.5,
      currency: 'GBP',
      in_stock: false, // PreOrder: not buyable from stock today
      text: null,
      image: 'https://shop.example/img/grinder.jpg', // <img itemprop="image" src="/img/…"> resolved against the page
      price_source: 'microdata',
    });
  });

  it('reads OpenGraph/product meta tags when there is no structured data', () => {
    expect(extractPage(fixture('product-og.html'), PAGE)).toEqual({
      title: 'Studio Headphones X2',
      price: 89.99,
      currency: 'USD',
      in_stock: false,
      text: null,
      price_source: 'meta',
    });
  });

  it('skips a malformed JSON-LD block and uses the microdata after it', () => {
    expect(extractPage(fixture('malformed-jsonld.html'), PAGE)).toEqual({
      title: 'Desk Lamp LED',
      price: 34.99,
      currency: 'USD',
      in_stock: true,
      text: null,
      price_source: 'microdata',
    });
  });

  it('falls back to <title>, and reads the price out of the selected text', () => {
    expect(extractPage(fixture('plain-title.html'), PAGE, '.ticket')).toEqual({
      title: 'Concert tickets — Arena',
      price: 1234.56,
      currency: 'EUR',
      in_stock: null,
      text: 'Standing €1.234,56',
      price_source: 'selector',
    });
  });

  it('gives the first match collapsed, keeps block boundaries, and prefers a structured price to the text', () => {
    expect(extractPage(fixture('plain-title.html'), PAGE, 'main')).toMatchObject({ text: 'Summer Tour Standing €1.234,56 Sold out for Friday' });
    expect(extractPage(fixture('product-jsonld.html'), PAGE, '#stock')).toMatchObject({ text: 'In stock: ships tomorrow', price: 1299 });
    expect(extractPage('<p>$<b>99</b>.<sup>95</sup></p>', PAGE, 'p')).toMatchObject({ text: '$99.95', price: 99.95, currency: 'USD' });
  });

  it('a selector that matches nothing gives text null; the text is cut at 2000 characters', () => {
    expect(extractPage(fixture('plain-title.html'), PAGE, '.no-such-thing')).toMatchObject({ text: null, price: null });
    const long = extractPage(`<div id="x">${'x'.repeat(5000)}</div>`, PAGE, '#x').text;
    expect(long).toHaveLength(2000);
  });

  it('an invalid selector is an error that says so, at run time and when inputs are checked', () => {
    expect(() => extractPage('<p></p>', PAGE, 'div[')).toThrow(ValidationError);
    expect(() => extractPage('<p></p>', PAGE, 'p::before')).toThrow(/selector "p::before" is not a valid CSS selector/);
    const parsed = pageWatchInputs.safeParse({ url: PAGE, selector: 'div[' });
    expect(parsed.error?.issues[0]?.message).toMatch(/selector "div\[" is not a valid CSS selector/);
  });

  it('among several products, picks the one whose url is this page', () => {
    const ld = (name: string, url: string, price: number) =>
      `<script type="application/ld+json">{"@type":"Product","name":"${name}","url":"${url}","offers":{"price":${price},"priceCurrency":"EUR"}}</script>`;
    const html = `<html><head>${ld('Related toaster', '/toaster', 20)}${ld('Kettle', 'https://shop.example/kettle#main', 80)}</head></html>`;
    expect(extractPage(html, PAGE)).toMatchObject({ title: 'Kettle', price: 80 });
    expect(extractPage(html, 'https://shop.example/other')).toMatchObject({ title: 'Related toaster', price: 20 });
  });
});

describe('parsePriceText', () => {
  it.each([
    ['€1.234,56', 1234.56, 'EUR'],
    ['$99.99', 99.99, 'USD'],
    ['99,99 €', 99.99, 'EUR'],
    ['Price: 1,299.00 USD', 1299, 'USD'],
    ['1.299,00', 1299, null],
    ['£1,299', 1299, 'GBP'],
    ['€1.299', 1299, 'EUR'],
    ['CHF 1\'299.–', 1299, 'CHF'],
    ['1 234,56 zł', 1234.56, 'PLN'],
    ['2 for $10', 10, 'USD'],
    ['Was $129.99, now $99.99', 129.99, 'USD'],
    ['12.5', 12.5, null],
  ])('%s → %s %s', (text, price, currency) => {
    expect(parsePriceText(text)).toEqual({ price, currency });
  });

  it('is null when there is no number', () => {
    expect(parsePriceText('Sold out')).toBeNull();
  });
});

const httpFetcher = fixtureFetcher();
const workers = fixtureWorkers();
afterAll(() => Promise.all([httpFetcher.close(), workers.close()]));
const request = (inputs: JsonObject, state: JsonObject = {}) => skillRequest('page_watch', inputs, state);

describe('page_watch skill over HTTP', () => {
  let site: Awaited<ReturnType<typeof serve>>;
  let kettlePrice = '1,299.00';
  let accept: string | undefined;
  const pageWatch = createPageWatch(httpFetcher, workers);

  beforeAll(async () => {
    site = await serve({
      '/kettle': (req, res) => {
        accept = req.headers.accept;
        res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(fixture('product-jsonld.html').replace('"1,299.00"', `"${kettlePrice}"`));
      },
      '/latin1': (_, res) => {
        res.writeHead(200, { 'content-type': 'text/html; charset=iso-8859-1' }).end(Buffer.from('<title>Crème brûlée</title><p class="p">Prix : 12,50 EUR</p>', 'latin1'));
      },
    });
  });
  afterAll(() => site.close());

  it('reports changed only when the page changed since the previous run', async () => {
    const inputs = { url: site.url('/kettle'), selector: '#stock' };
    const first = await pageWatch(request(inputs));
    expect(first.output).toEqual({ title: 'Steel Kettle 1.7 L', price: 1299, currency: 'USD', in_stock: true, text: 'In stock: ships tomorrow', image: 'https://shop.example/img/kettle.jpg', price_source: 'json-ld', changed: false });
    expect(first.costUsd).toBe(0);
    expect(accept).toMatch(/^text\/html/);

    const second = await pageWatch(request(inputs, first.state));
    expect(second.output).toMatchObject({ price: 1299, changed: false });

    kettlePrice = '99.00';
    const third = await pageWatch(request(inputs, second.state));
    expect(third.output).toMatchObject({ price: 99, changed: true });
    expect(third.state).toEqual({ last: { title: 'Steel Kettle 1.7 L', price: 99, currency: 'USD', in_stock: true, text: 'In stock: ships tomorrow' } });
  });

  it('decodes the charset the server names', async () => {
    const result = await pageWatch(request({ url: site.url('/latin1'), selector: '.p' }));
    expect(result.output).toMatchObject({ title: 'Crème brûlée', price: 12.5, currency: 'EUR', text: 'Prix : 12,50 EUR' });
  });

  it('a page that answers 404 fails the run, naming the URL and the status', async () => {
    const url = site.url('/gone');
    await expect(pageWatch(request({ url }))).rejects.toThrow(`GET ${url} answered 404`);
  });

  it('defines page_watch with an example whose inputs parse', () => {
    const definition = pageWatchDefinition(httpFetcher, workers);
    expect(definition.name).toBe('page_watch');
    expect(definition.example).toContain('capability:page_watch');
    expect(definition.inputs.safeParse({ url: 'https://shop.example/kettle' }).success).toBe(true);
    expect(definition.inputs.safeParse({ url: 'ftp://shop.example/kettle' }).success).toBe(false);
    expect(definition.inputs.safeParse({ url: PAGE, colour: 'red' }).success).toBe(false);
  });
});

describe('extractPage on markup shops get wrong', () => {
  it('reads JSON-LD wrapped in CDATA, with comments, trailing commas and capitalised keys; RUR is RUB', () => {
    expect(extractPage(fixture('lenient-jsonld.html'), PAGE)).toEqual({ title: 'Glass Kettle', price: 39.9, currency: 'RUB', in_stock: true, text: null, price_source: 'json-ld' });
  });

  it('without markup, reads the price shown after the title (not the old, instalment or cart price); "$" on a pt-BR page is BRL', () => {
    expect(extractPage(fixture('visible-price.html'), 'https://loja.example.com.br/chaleira')).toMatchObject({ price: 189.9, currency: 'BRL' });
  });

  it('without markup, reads the price nearest the product title: not a deal box before it, the "was" or per-unit price, nor other sellers\' link', () => {
    expect(extractPage(fixture('nearest-price.html'), PAGE)).toMatchObject({ price: 34.5, currency: 'GBP', price_source: 'text' });
  });

  it('a price far from the title (a carousel of other products) is not this product\'s: no price, and no price_source', () => {
    const snapshot = extractPage(fixture('no-own-price.html'), PAGE);
    expect(snapshot.price).toBeNull();
    expect(snapshot).not.toHaveProperty('price_source');
  });

  it('a price in a block of other products (a carousel near the title) is not this product\'s', () => {
    const page = '<html><body><h1>Perfume</h1><div class="price">Out of stock</div><div class="owl-carousel"><div class="item"><span class="price-new">149 ₪</span></div></div></body></html>';
    expect(extractPage(page, 'https://shop.example.co.il/perfume')).toMatchObject({ price: null });
    expect(extractPage(page.replace('owl-carousel', 'gallery'), 'https://shop.example.co.il/perfume')).toMatchObject({ price: 149, currency: 'ILS' });
  });

  it('"元" on a Taiwanese page is the New Taiwan dollar, on a Chinese one the yuan', () => {
    const page = '<html><body><h1>肉乾</h1><div class="btn_price">每組<span>990</span>元</div><p class="price">990元</p></body></html>';
    expect(extractPage(page, 'https://shop.example.tw/p/1')).toMatchObject({ price: 990, currency: 'TWD' });
    expect(extractPage(page, 'https://shop.example.cn/p/1')).toMatchObject({ price: 990, currency: 'CNY' });
  });

  it('the page country decides what "$" means when the language does not', () => {
    const page = '<html><body><h1>Taza</h1><p class="product-price">$24.990</p></body></html>';
    expect(extractPage(page, 'https://tienda.example.cl/taza')).toMatchObject({ price: 24990, currency: 'CLP' });
    expect(extractPage(page, 'https://shop.example.com/cup')).toMatchObject({ price: 24990, currency: 'USD' });
  });
});

describe('extractPage: price markup in its many spellings', () => {
  it.each([
    ['og:price', '<meta property="og:price" content="30,000원~">', 30000, 'KRW'],
    ['OG:Price:Amount', '<meta property="OG:Price:Amount" content="12.50"><meta property="og:price:currency" content="eur">', 12.5, 'EUR'],
    ['product:price', '<meta property="product:price" content="19.99"><meta property="product:currency" content="GBP">', 19.99, 'GBP'],
    ['a sale price beside the price', '<meta property="product:price:amount" content="80"><meta property="product:sale_price:amount" content="60"><meta property="product:price:currency" content="USD">', 60, 'USD'],
  ])('%s', (_, head, price, currency) => {
    expect(extractPage(`<html><head>${head}</head><body><h1>Lamp</h1></body></html>`, PAGE)).toMatchObject({ price, currency, price_source: 'meta' });
  });

  it('lowPrice of an AggregateOffer, and of several price specifications the one paid now (not the list price)', () => {
    const ld = (offers: string) => `<script type="application/ld+json">{"@type":"Product","name":"Sofa","offers":${offers}}</script>`;
    expect(extractPage(ld('{"@type":"AggregateOffer","lowPrice":"499.00","highPrice":"899.00","priceCurrency":"EUR"}'), PAGE)).toMatchObject({ price: 499, currency: 'EUR' });
    const specs = '{"@type":"Offer","priceSpecification":[{"@type":"UnitPriceSpecification","priceType":"https://schema.org/ListPrice","price":"999.00","priceCurrency":"EUR"},{"@type":"UnitPriceSpecification","price":"749.00","priceCurrency":"EUR"}]}';
    expect(extractPage(ld(specs), PAGE)).toMatchObject({ price: 749, currency: 'EUR', price_source: 'json-ld' });
  });

  it('a price of "0" in the markup is a price the shop has not set: none is reported', () => {
    const page = '<script type="application/ld+json">{"@type":"Product","name":"Perfume","offers":{"@type":"Offer","price":"0","priceCurrency":"ILS"}}</script><h1>Perfume</h1>';
    expect(extractPage(page, PAGE)).toMatchObject({ title: 'Perfume', price: null });
  });

  it('itemprop names in any case ("pricecurrency"), and of two offers the one the page shows', () => {
    const page = `<div itemscope itemtype="http://schema.org/Product"><h1 itemprop="name">Fairy Book</h1>
      <div itemprop="offers" itemscope itemtype="http://schema.org/Offer" style="display:none"><meta itemprop="price" content="18.00"></div>
      <div class="buy"><div itemprop="offers" itemscope itemtype="http://schema.org/Offer"><meta itemprop="pricecurrency" content="EUR"><meta itemprop="price" content="17.10"><span class="price">€ 17,10</span></div></div></div>`;
    expect(extractPage(page, PAGE)).toMatchObject({ title: 'Fairy Book', price: 17.1, currency: 'EUR', price_source: 'microdata' });
  });

  it('when JSON-LD and product:price:amount disagree, the one the page shows near the title wins', () => {
    const page = `<html><head><meta property="product:price:amount" content="200"><meta property="product:price:currency" content="USD">
      <script type="application/ld+json">{"@type":"Product","name":"Pillows, pair","offers":{"@type":"Offer","price":150,"priceCurrency":"USD"}}</script></head>
      <body><h1>Pillows, pair</h1><div class="bidding"><span class="price">$200</span><span>Starting Price $150</span></div></body></html>`;
    expect(extractPage(page, PAGE)).toMatchObject({ price: 200, currency: 'USD', price_source: 'meta' });
    expect(extractPage(page.replace('<span class="price">$200</span>', ''), PAGE)).toMatchObject({ price: 150, price_source: 'json-ld' });
  });

  it('microdata prices outside any Product (recommended items) never overrule the JSON-LD', () => {
    const page = `<script type="application/ld+json">{"@type":"Product","name":"Remote","offers":{"@type":"Offer","price":14.99,"priceCurrency":"EUR"}}</script>
      <h1>Remote</h1><div class="recs"><span itemprop="price" content="71,9" class="item-price">71,9 €</span></div>`;
    expect(extractPage(page, PAGE)).toMatchObject({ price: 14.99, price_source: 'json-ld' });
  });
});

describe('extractPage: stock', () => {
  it('a product is in stock when any of its offers (a size) is', () => {
    expect(extractPage(fixture('sizes-and-words.html'), PAGE)).toMatchObject({ title: 'Winterstiefel Graphit', price: 70.5, currency: 'EUR', in_stock: true });
  });

  it('a product is in stock when any of its Products (one per size, the same name) is', () => {
    const size = (sku: string, availability: string) =>
      `{"@type":"Product","name":"Flat Boots","sku":"${sku}","offers":{"@type":"Offer","price":"69.95","priceCurrency":"EUR","availability":"https://schema.org/${availability}"}}`;
    const page = `<script type="application/ld+json">[${size('35', 'OutOfStock')},${size('36', 'InStock')},${size('37', 'OutOfStock')}]</script>`;
    expect(extractPage(page, PAGE)).toMatchObject({ title: 'Flat Boots', price: 69.95, in_stock: true });
  });

  it('"Derzeit nicht verfügbar." in the product\'s availability block overrides JSON-LD claiming InStock', () => {
    expect(extractPage(fixture('out-of-stock-words.html'), PAGE)).toMatchObject({ price: 59.9, in_stock: false });
  });

  it('"sold out" in navigation, an image note, store pickup, a hidden message or recommendations is not the product\'s stock', () => {
    const withoutBlock = fixture('out-of-stock-words.html').replace(/<div id="availability">.*?<\/div>/s, '');
    expect(withoutBlock).not.toContain('id="availability"');
    expect(extractPage(withoutBlock, PAGE)).toMatchObject({ in_stock: true });
  });

  it.each([
    ['en', 'Currently unavailable.', false],
    ['en-GB', 'Sold out', false],
    ['es', 'Agotado', false],
    ['it', 'Non disponibile.', false],
    ['fr', 'Épuisé', false],
    ['nl', 'Niet op voorraad', false],
    ['pl', 'Brak w magazynie', false],
    ['ru', 'Нет в наличии', false],
    ['es', 'Sold out', false], // English is read on every page
    ['en', 'Agotado', true], // a Spanish phrase on an English page is not read
    ['', 'Esaurito', false], // a page naming no language: every language
    ['en', 'Out of stock online, available in store', true], // the statement goes on: not the product
  ])('lang="%s" %s → in_stock %s', (lang, words, inStock) => {
    const page = `<html lang="${lang}"><head><meta property="product:availability" content="in stock"></head><body><h1>Lamp</h1><p class="availability">${words}</p></body></html>`;
    expect(extractPage(page, PAGE).in_stock).toBe(inStock);
  });
});
