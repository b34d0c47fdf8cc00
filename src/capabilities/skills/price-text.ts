/**
 * Prices as shops write them: an amount with its separators ("1.234,56", "130, 38", ".75",
 * "35€ 99") and a currency sign, code or word ("руб.", "R$", "NZD $", "원"), resolved to an ISO
 * 4217 code with the page's country and language as tie-breakers for signs that several
 * currencies share ("$", "kr", "¥", "Rs"). Pure and fast: it runs inside the content worker.
 */

/** Where a page is and what language it speaks: used only to choose among currencies sharing a sign. */
export interface LocaleHint {
  /** ISO 3166 alpha-2, upper case ("BR"), from the page's language region or its host's country domain. */
  country?: string | null;
  /** BCP 47 primary language, lower case ("pt"). */
  language?: string | null;
}

/** An amount read from text, with the ISO code of the currency written beside it (null when none is). */
export interface ParsedPrice {
  price: number;
  currency: string | null;
}

// ── currencies ──────────────────────────────────────────────────────────────────────────────────

/** Sign or word → the ISO codes it can denote, the usual one first. */
const SIGNS: Record<string, string[]> = {
  // dollars with a country prefix or suffix; they win over a bare "$"
  US$: ['USD'], 'US $': ['USD'], CA$: ['CAD'], CAN$: ['CAD'], C$: ['CAD'], A$: ['AUD'], AU$: ['AUD'], 'AU $': ['AUD'],
  NZ$: ['NZD'], HK$: ['HKD'], S$: ['SGD'], NT$: ['TWD'], MX$: ['MXN'], R$: ['BRL'], AR$: ['ARS'], CL$: ['CLP'],
  CO$: ['COP'], $U: ['UYU'], RD$: ['DOP'], J$: ['JMD'], TT$: ['TTD'], BZ$: ['BZD'], Bds$: ['BBD'], $b: ['BOB'],
  Z$: ['ZWL'], G$: ['GYD'], GY$: ['GYD'], MOP$: ['MOP'], T$: ['TOP'], CUC$: ['CUC'], WS$: ['WST'], N$: ['NAD'], BN$: ['BND'],
  $: ['USD', 'CAD', 'AUD', 'NZD', 'SGD', 'HKD', 'TWD', 'MXN', 'ARS', 'CLP', 'COP', 'UYU', 'BRL'],
  // signs
  '€': ['EUR'], '£': ['GBP'], '￡': ['GBP'], '₤': ['GBP'], '¥': ['JPY', 'CNY'], '￥': ['JPY', 'CNY'], '円': ['JPY'],
  '元': ['CNY', 'TWD', 'HKD'], 人民币: ['CNY'], '圆': ['CNY'], '圓': ['TWD', 'HKD', 'CNY'], '₩': ['KRW'], '원': ['KRW'], '₹': ['INR'],
  '₽': ['RUB'], '₺': ['TRY'], TL: ['TRY'], '₪': ['ILS'], '₴': ['UAH'], '₸': ['KZT'], '₦': ['NGN'], '₱': ['PHP'],
  '฿': ['THB'], บาท: ['THB'], '₫': ['VND'], đ: ['VND'], VNĐ: ['VND'], '₭': ['LAK'], '₮': ['MNT'], '៛': ['KHR'],
  '₡': ['CRC'], '₲': ['PYG'], '₵': ['GHS'], 'GH₵': ['GHS'], '₼': ['AZN'], '֏': ['AMD'], '৳': ['BDT'], '₾': ['GEL'],
  '₿': ['BTC'], ƒ: ['ANG', 'AWG'], '؋': ['AFN'], '﷼': ['IRR', 'SAR', 'YER', 'OMR', 'QAR'],
  // abbreviations and words
  zł: ['PLN'], Zł: ['PLN'], zl: ['PLN'], Kč: ['CZK'], Ft: ['HUF'], lei: ['RON', 'MDL'], Lei: ['RON', 'MDL'], LEI: ['RON', 'MDL'],
  лв: ['BGN'], 'лв.': ['BGN'], kn: ['HRK'], Kn: ['HRK'], руб: ['RUB', 'BYN'], 'руб.': ['RUB', 'BYN'], рублей: ['RUB'], рубля: ['RUB'],
  рубль: ['RUB'], Р: ['RUB', 'BYN'], 'р.': ['RUB', 'BYN'], Rbl: ['RUB'], Br: ['BYN', 'ETB'], грн: ['UAH'], 'грн.': ['UAH'],
  гривен: ['UAH'], hrn: ['UAH'], тг: ['KZT'], 'тг.': ['KZT'], тңг: ['KZT'], 'тңг.': ['KZT'], kr: ['SEK', 'NOK', 'DKK', 'ISK'],
  Kr: ['SEK', 'NOK', 'DKK', 'ISK'], 'kr.': ['DKK', 'SEK', 'NOK', 'ISK'], ден: ['MKD'], ДЕН: ['MKD'], ብር: ['ETB'], Nu: ['BTN'], Vt: ['VUV'], VT: ['VUV'], Fbu: ['BIF'], GFr: ['GNF'], ரூ: ['LKR', 'INR'], රු: ['LKR'], дин: ['RSD'], 'дин.': ['RSD'], Дин: ['RSD'], din: ['RSD'],
  Dinara: ['RSD'], Lek: ['ALL'], KM: ['BAM'], км: ['BAM'], Rs: ['INR', 'PKR', 'LKR', 'NPR', 'MUR'], 'Rs.': ['INR', 'PKR', 'LKR', 'NPR', 'MUR'],
  Re: ['INR', 'PKR', 'LKR', 'NPR', 'MUR'], '₨': ['INR', 'PKR', 'LKR', 'NPR', 'MUR'], रु: ['NPR', 'INR'], Rp: ['IDR'], RM: ['MYR'],
  'S/.': ['PEN'], 'S/': ['PEN'], 'B/.': ['PAB'], Bs: ['VES', 'BOB'], KSh: ['KES'], KShs: ['KES'], TSh: ['TZS'], USh: ['UGX'],
  "so'm": ['UZS'], сум: ['UZS'], сом: ['KGS'], Dh: ['AED', 'MAD'], Dhs: ['AED'], 'د.إ': ['AED'], درهم: ['AED', 'MAD'],
  'ر.س': ['SAR'], ريال: ['SAR', 'QAR', 'OMR', 'YER', 'IRR'], 'ر.ق': ['QAR'], 'ر.ع': ['OMR'], 'ر.ي': ['YER'], 'د.ك': ['KWD'], KD: ['KWD'],
  BD: ['BHD'], 'د.ب': ['BHD'], 'د.أ': ['JOD'], 'د.ا': ['JOD'], 'ج.م': ['EGP'], جنيه: ['EGP'], 'E£': ['EGP'], دج: ['DZD'],
  'د.ج': ['DZD'], 'د.م': ['MAD'], 'د.ت': ['TND'], DT: ['TND'], 'ل.د': ['LYD'], 'د.ل': ['LYD'], LD: ['LYD'], 'ل.س': ['SYP'],
  'ل.ل': ['LBP'], 'ع.د': ['IQD'], 'د.ع': ['IQD'], تومان: ['IRR'], ریال: ['IRR'], CFA: ['XOF', 'XAF'], FCFA: ['XOF', 'XAF'],
  'Fr.': ['CHF'], SFr: ['CHF'], CHf: ['CHF'], 'ש"ח': ['ILS'], "ש'ח": ['ILS'], 'ש״ח': ['ILS'], nis: ['ILS'], lari: ['GEL'], ლარი: ['GEL'],
  'Nu.': ['BTN'], FBu: ['BIF'], Fdj: ['DJF'], MK: ['MWK'], ZK: ['ZMW'], Ks: ['MMK'], FRw: ['RWF'], Esc: ['CVE'], Rf: ['MVR'],
  euro: ['EUR'], Euro: ['EUR'], euros: ['EUR'], Euros: ['EUR'], dollars: ['USD'], pound: ['GBP'], pounds: ['GBP'], stg: ['GBP'],
  yen: ['JPY'], yuan: ['CNY'], GBp: ['GBP'],
};

/** ISO 4217 codes read when written in capitals (and, for the common ones, in lower case). Codes that are also English words (ALL, TOP, CUP) are left out. */
const ISO_CODES = (
  'USD EUR GBP JPY CNY CHF CAD AUD NZD SEK NOK DKK ISK PLN CZK HUF RON BGN HRK RSD MKD BAM UAH RUB BYN KZT UZS KGS GEL AMD AZN ' +
  'TRY ILS INR PKR LKR NPR BDT MUR IDR MYR SGD HKD TWD KRW THB VND PHP KHR LAK MMK MNT BRL ARS CLP COP MXN PEN UYU PYG BOB ' +
  'VES CRC GTQ DOP JMD TTD PAB AED SAR QAR OMR KWD BHD JOD EGP MAD DZD TND LYD IQD IRR SYP LBP YER ZAR NGN KES TZS UGX GHS ' +
  'ETB XOF XAF MGA MZN ZMW MWK RWF AOA NAD BWP BTC MDL KMF PTE DEM FRF ITL ESP ALL'
)
  .split(' ')
  .filter((code) => code !== 'ALL');
const LOWER_CASE_CODES = ['mkd', 'usd', 'eur', 'gbp', 'chf', 'pln', 'nzd', 'cad', 'aud', 'sek', 'nok', 'dkk', 'rub', 'uah', 'czk', 'huf', 'ron'];
/** Old or informal codes → the ISO code in use. */
const CODE_ALIASES: Record<string, string> = { RUR: 'RUB', CND: 'CAD', NIS: 'ILS', RMB: 'CNY', BYR: 'BYN', SFR: 'CHF' };

/** Country → its currency, for choosing among the currencies that share a sign. */
const COUNTRY_CURRENCY: Record<string, string> = {
  US: 'USD', CA: 'CAD', AU: 'AUD', NZ: 'NZD', SG: 'SGD', HK: 'HKD', TW: 'TWD', MX: 'MXN', AR: 'ARS', CL: 'CLP', CO: 'COP',
  UY: 'UYU', BR: 'BRL', SE: 'SEK', NO: 'NOK', DK: 'DKK', IS: 'ISK', JP: 'JPY', CN: 'CNY', IN: 'INR', PK: 'PKR', LK: 'LKR',
  NP: 'NPR', MU: 'MUR', RU: 'RUB', BY: 'BYN', RO: 'RON', MD: 'MDL', MA: 'MAD', AE: 'AED', SA: 'SAR', QA: 'QAR', OM: 'OMR',
  YE: 'YER', IR: 'IRR', VE: 'VES', BO: 'BOB', ET: 'ETB', GB: 'GBP', UK: 'GBP', KR: 'KRW', PE: 'PEN', EC: 'USD', SV: 'USD', PR: 'USD',
};
/** Language → country, where a language alone says which currency a shared sign means. */
const LANGUAGE_COUNTRY: Record<string, string> = { ja: 'JP', zh: 'CN', sv: 'SE', da: 'DK', nb: 'NO', nn: 'NO', no: 'NO', is: 'IS', ur: 'PK', si: 'LK', ne: 'NP', ro: 'RO', be: 'BY' };

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const ALL_SIGNS: [string, string[]][] = [
  ...Object.entries(SIGNS),
  ...ISO_CODES.map((code): [string, string[]] => [code, [code]]),
  ...LOWER_CASE_CODES.map((code): [string, string[]] => [code, [code.toUpperCase()]]),
  ...Object.entries(CODE_ALIASES).map(([alias, code]): [string, string[]] => [alias, [code]]),
];
const SIGN_TABLE = new Map(ALL_SIGNS);
/** A sign is never part of a longer word ("kr" in "kraft", "Rp" in "Rpm"): one boundary around the whole alternation keeps the pattern quick to compile. */
const CURRENCY_MENTION = new RegExp(
  `(?<!\\p{L})(?:${ALL_SIGNS.map(([sign]) => sign)
    .sort((a, b) => b.length - a.length)
    .map(escape)
    .join('|')})(?!\\p{L})`,
  'gu',
);

/**
 * The ISO code a currency sign, word or code denotes ("€" → EUR, "руб." → RUB, "rur" → RUB),
 * using `hint` to choose among currencies that share it ("$" on a Brazilian page → BRL); null
 * for text that is not a currency this table knows.
 */
export function currencyOf(sign: string, hint: LocaleHint = {}): string | null {
  const trimmed = sign.trim();
  const codes = SIGN_TABLE.get(trimmed) ?? SIGN_TABLE.get(trimmed.toUpperCase()) ?? (/^[A-Za-z]{3}$/.test(trimmed) ? [trimmed.toUpperCase()] : null);
  return codes ? resolve(codes, hint) : null;
}

function resolve(codes: string[], hint: LocaleHint): string {
  if (codes.length === 1) return codes[0]!;
  const country = hint.country ?? (hint.language ? LANGUAGE_COUNTRY[hint.language] : undefined);
  const local = country ? COUNTRY_CURRENCY[country] : undefined;
  if (local && codes.includes(local)) return local;
  const byLanguage = hint.language ? COUNTRY_CURRENCY[LANGUAGE_COUNTRY[hint.language] ?? ''] : undefined;
  return byLanguage && codes.includes(byLanguage) ? byLanguage : codes[0]!;
}

// ── numbers ─────────────────────────────────────────────────────────────────────────────────────

/** A number as written: grouped by spaces or apostrophes before threes, or by "." and ","; or a bare fraction (".75"). */
const NUMBER_TOKEN = /(?<![\d.,])[.,]{1,2}\d+(?:[.,]\d+)*|\d{1,3}(?:[ '’]\d{3})+(?:[.,]\d+)?(?![\d'’])|\d+(?:[.,]\d+)*/g;

/**
 * The value of one written number ("1,299.00", "1.299,00", "1 234,56", "1'299", ".75"), or null
 * when it is not a plain amount (a date such as "15.08.2017"). With both "." and ",", the last one
 * is the decimal point; a separator repeated is a thousands separator; a single one before exactly
 * three digits is read as thousands ("1,299" is 1299), before any other count as the decimal point.
 */
export function readAmount(token: string): number | null {
  const digits = token.replace(/[\s'’]/g, '');
  if (!/^[.,\d]+$/.test(digits) || !/\d/.test(digits)) return null;
  if (/^[.,]/.test(digits)) {
    const rest = digits.replace(/^[.,]+/, '');
    return /^\d+$/.test(rest) ? Number(`0.${rest}`) : readAmount(rest); // ".75" is 0.75; "$.75,333" is 75333
  }
  const dots = digits.split('.').length - 1;
  const commas = digits.split(',').length - 1;
  let normal: string;
  if (dots && commas) {
    const decimal = digits.lastIndexOf('.') > digits.lastIndexOf(',') ? '.' : ',';
    if ((decimal === '.' ? dots : commas) > 1) return null;
    normal = digits.replaceAll(decimal === '.' ? ',' : '.', '').replace(',', '.');
  } else if (dots + commas > 1) {
    const groups = digits.split(/[.,]/).slice(1);
    if (groups.some((g) => g.length !== 3 && g.length !== 2) || groups.at(-1)!.length !== 3) return null; // "15.08.2017", "1.2.3"
    normal = digits.replace(/[.,]/g, '');
  } else if (dots + commas === 1) {
    const [whole = '', fraction = ''] = digits.split(/[.,]/);
    normal = fraction.length === 3 ? whole + fraction : `${whole}.${fraction}`;
  } else {
    normal = digits;
  }
  const value = Number(normal);
  return Number.isFinite(value) ? value : null;
}

// ── text ────────────────────────────────────────────────────────────────────────────────────────

interface Mention {
  start: number;
  end: number;
  codes: string[];
}
interface NumberAt {
  start: number;
  end: number;
  value: number;
}

/** Gaps that still join a sign to its number: nothing, a space, a colon ("US$:12.99"). */
const JOINING_GAP = /^[\s:]{0,2}$/;

/**
 * Reads a price out of free text ("€1.234,56", "130, 38 zł", "$119. 95", ".75 €", "35€ 99",
 * "NZD $100.70", "6 300 Р"). The first number written next to a currency sign, code or word wins;
 * without one, the first number; "Free" alone is 0. Numbers followed by "%" ("40% OFF") and
 * dates ("15.08.2017") are not prices. Of the signs beside the number, the most specific names
 * the currency ("NZD" over "$"); a sign shared by several currencies is resolved with `hint`.
 * Returns null when the text holds no price.
 */
export function parsePriceText(text: string, hint: LocaleHint = {}): ParsedPrice | null {
  const normal = text
    .replace(/[\u00a0\u2007\u202f\u2009]/g, ' ')
    .replace(/(\d)([.,]) (\d{2})(?![\d.,]|\s?%)/g, '$1$2$3') // "130, 38" and "$119. 95": a decimal part set apart
    .replace(/(\d)[.,]?€ ?(\d{2})(?!\d)/g, (whole, a: string, b: string, offset: number, all: string) => (all.split('€').length === 2 ? `${a}.${b} €` : whole)); // "35€ 99"
  const mentions = [...normal.matchAll(CURRENCY_MENTION)].map((m): Mention => ({ start: m.index, end: m.index + m[0].length, codes: SIGN_TABLE.get(m[0])! }));
  const numbers: NumberAt[] = [];
  for (const m of normal.matchAll(NUMBER_TOKEN)) {
    const end = m.index + m[0].length;
    if (/^\s?%/.test(normal.slice(end))) continue;
    const value = readAmount(m[0].trim());
    if (value !== null) numbers.push({ start: m.index, end, value });
  }
  if (numbers.length === 0) return mentions.length === 0 && /\b(free|gratis|kostenlos|gratuit)\b/i.test(normal) ? { price: 0, currency: null } : null;
  const beside = (n: NumberAt) => besideMentions(normal, n, mentions);
  const chosen = numbers.find((n) => beside(n).length > 0) ?? numbers[0]!;
  const signs = beside(chosen);
  const specific = [...signs].sort((a, b) => a.codes.length - b.codes.length)[0] ?? mentions[0];
  return { price: chosen.value, currency: specific ? resolve(specific.codes, hint) : null };
}

/** The signs written against a number: the chain just before it ("NZD $") and the chain just after ("$1,190.00 AUD"). */
function besideMentions(text: string, n: NumberAt, mentions: Mention[]): Mention[] {
  const found: Mention[] = [];
  let edge = n.start;
  for (const m of [...mentions].reverse()) {
    if (m.end <= edge && JOINING_GAP.test(text.slice(m.end, edge))) {
      found.push(m);
      edge = m.start;
    }
  }
  edge = n.end;
  for (const m of mentions) {
    if (m.start >= edge && JOINING_GAP.test(text.slice(edge, m.start))) {
      found.push(m);
      edge = m.end;
    }
  }
  return found;
}
