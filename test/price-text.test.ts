import { describe, expect, it } from 'vitest';
import { parseAmount } from '../src/automations/drafting/money.js';
import { currencyOf, parsePriceText, readAmount } from '../src/capabilities/skills/price-text.js';

describe('parsePriceText: amounts as shops write them', () => {
  it.each([
    ['130, 38 zł', 130.38, 'PLN'],
    ['$119. 95', 119.95, 'USD'],
    ['1.837, 32 €', 1837.32, 'EUR'],
    ['.75 €', 0.75, 'EUR'],
    ['$.75', 0.75, 'USD'],
    ['35€ 99', 35.99, 'EUR'],
    ['$2.00 100', 2, 'USD'],
    ['399 167.00 руб 420 176.16 руб', 399167, 'RUB'],
    ['171900 руб.', 171900, 'RUB'],
    ['1128240 рублей', 1128240, 'RUB'],
    ['6 300 Р', 6300, 'RUB'],
    ['2 285,81 грн.', 2285.81, 'UAH'],
    ['Rp 31.500', 31500, 'IDR'],
    ['1.299 lei', 1299, 'RON'],
    ['880,000 ₫', 880000, 'VND'],
    ['44 890 тг.', 44890, 'KZT'],
    ['12,000원', 12000, 'KRW'],
    ['270,00 Kn', 270, 'HRK'],
    ['99元', 99, 'CNY'],
    ['R$ 1.500,00', 1500, 'BRL'],
    ['NZD $100.70', 100.7, 'NZD'],
    ['SGD$4.90', 4.9, 'SGD'],
    ['$1,190.00 AUD', 1190, 'AUD'],
    ['US$:12.99', 12.99, 'USD'],
    ['AED 8000 (USD 2179)', 8000, 'AED'],
    ['34.992001', 34.992001, null],
    ['Free!', 0, null],
  ])('%s → %s %s', (text, price, currency) => {
    expect(parsePriceText(text)).toEqual({ price, currency });
  });

  it.each(['40% OFF', '15.08.2017', 'Sold out'])('%s is not a price', (text) => {
    expect(parsePriceText(text)).toBeNull();
  });

  it('a sign several currencies share is resolved by the page country, then its language', () => {
    expect(parsePriceText('$ 1.299,90', { country: 'BR', language: 'pt' })).toEqual({ price: 1299.9, currency: 'BRL' });
    expect(parsePriceText('$24.990', { country: 'CL' })).toEqual({ price: 24990, currency: 'CLP' });
    expect(parsePriceText('NT$ 1,160')).toEqual({ price: 1160, currency: 'TWD' });
    expect(parsePriceText('$99', { country: 'TW' })).toEqual({ price: 99, currency: 'TWD' });
    expect(parsePriceText('$99')).toEqual({ price: 99, currency: 'USD' });
    expect(parsePriceText('199 kr', { language: 'da' })).toEqual({ price: 199, currency: 'DKK' });
    expect(parsePriceText('¥1,200', { language: 'zh' })).toEqual({ price: 1200, currency: 'CNY' });
    expect(parsePriceText('Rs 23,450', { country: 'PK' })).toEqual({ price: 23450, currency: 'PKR' });
  });
});

describe('currencyOf and readAmount', () => {
  it.each([
    ['руб', 'RUB'],
    ['грн', 'UAH'],
    ['Rp', 'IDR'],
    ['lei', 'RON'],
    ['₫', 'VND'],
    ['тг.', 'KZT'],
    ['원', 'KRW'],
    ['Kn', 'HRK'],
    ['元', 'CNY'],
    ['RUR', 'RUB'],
    ['eur', 'EUR'],
  ])('%s → %s', (sign, code) => {
    expect(currencyOf(sign)).toBe(code);
  });

  it('gives null for text that is no currency', () => {
    expect(currencyOf('kettle')).toBeNull();
  });

  it.each([
    ['1,299.00', 1299],
    ['1.299,00', 1299],
    ['1 234,56', 1234.56],
    ["1'299", 1299],
    ['1.000.000', 1000000],
    ['12,5', 12.5],
    ['.75', 0.75],
  ])('reads %s as %s, and the drafter reads money the same way', (token, value) => {
    expect(readAmount(token)).toBe(value);
    expect(parseAmount(token)).toBe(value);
  });

  it('a date is not an amount', () => {
    expect(readAmount('15.08.2017')).toBeNull();
    expect(parseAmount('15.08.2017')).toBeNaN();
  });
});
