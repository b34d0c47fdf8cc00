import { describe, expect, it } from 'vitest';
import { extractPage } from '../src/capabilities/skills/page-extract.js';
import { productTitle } from '../src/capabilities/skills/page-title.js';

describe('productTitle: the product name out of the title a shop gives its page', () => {
  it.each([
    ['Amazon.com: Bosch Icon Wiper Blade 26A : Automotive', 'https://www.amazon.com/dp/B0', null, 'Bosch Icon Wiper Blade 26A'],
    ['Bamboo Basket, small, 14.5 cm: Amazon.de: Küche & Haushalt', 'https://www.amazon.de/dp/B0', null, 'Bamboo Basket, small, 14.5 cm'],
    ['Kettle Retro | Homeware Shop', 'https://homeware.example/kettle', 'Homeware Shop', 'Kettle Retro'],
    ['Wasserkocher Retro | Küchenladen', 'https://www.kuechenladen.de/p/1', null, 'Wasserkocher Retro'],
    ['Pult Eglo Fueva-C 32732 Bluetooth  - Krauta.ee', 'https://www.k-rauta.ee/p/920o', null, 'Pult Eglo Fueva-C 32732 Bluetooth'],
    ['i3Fresh 愛上新鮮 - 招牌肉乾自由選(任選10包)', 'https://i3fresh.tw/favorable_1409.html', null, '招牌肉乾自由選(任選10包)'],
    ['Diving mask - spletna trgovina Vsezaoci.si', 'https://www.vsezaoci.si/x', null, 'Diving mask'],
    ['Buy GANT Akron Leather Chelsea Boot, Cognac Online at johnlewis.com', 'https://www.johnlewis.com/p5095418', null, 'GANT Akron Leather Chelsea Boot, Cognac'],
    ['Steel Kettle - Buy online', 'https://shop.example/kettle', null, 'Steel Kettle'],
    ['Cama Elo&iacute;sa Single 1.5 Plazas &amp; Set', 'https://www.paris.cl/cama', null, 'Cama Eloísa Single 1.5 Plazas & Set'],
    // left as they are: no part names the shop
    ['Norton Security 3.0: 1 User, 5 Devices', 'https://www.johnlewis.com/p1821267', null, 'Norton Security 3.0: 1 User, 5 Devices'],
    ['Amazon Basics USB Cable: 2 m', 'https://www.amazon.com/dp/B1', null, 'Amazon Basics USB Cable: 2 m'],
    ['Google Nest Hello - Black/White', 'https://www.bestbuy.ca/en-ca/product/1', null, 'Google Nest Hello - Black/White'],
  ])('%s → %s', (raw, url, siteName, expected) => {
    expect(productTitle(raw, url, siteName)).toBe(expected);
  });

  it('an empty title is none', () => {
    expect(productTitle('  ', 'https://shop.example/')).toBeNull();
    expect(productTitle(null, 'https://shop.example/')).toBeNull();
  });
});

describe('extractPage reports the cleaned title', () => {
  it('from <title> and from JSON-LD, entities decoded', () => {
    const page = '<html><head><title>Amazon.com: Garden Hose Reel : Patio, Lawn &amp; Garden</title></head><body></body></html>';
    expect(extractPage(page, 'https://www.amazon.com/dp/B0').title).toBe('Garden Hose Reel');
    const ld = '<script type="application/ld+json">{"@type":"Product","name":"Cama Elo&iacute;sa Single"}</script>';
    expect(extractPage(ld, 'https://www.paris.cl/cama').title).toBe('Cama Eloísa Single');
  });
});
