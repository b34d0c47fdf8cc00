import { createRequire } from 'node:module';
import { parse, type DataType, type Selector } from 'css-what';

/**
 * cheerio, loaded the first time a selector is checked rather than at start-up (~0.2–0.5 s): the
 * main thread needs it only for that; pages are parsed in the content workers.
 */
const require = createRequire(import.meta.url);
let cheerio: typeof import('cheerio') | null = null;
const load = (markup: string) => (cheerio ??= require('cheerio') as typeof import('cheerio')).load(markup);

/**
 * The CSS selectors page_watch accepts: the part of CSS people use to point at a price or a
 * stock line, and nothing whose matching cost grows faster than the page. Measured with
 * cheerio/css-select on this machine: the general sibling combinator `~` is quadratic per `~`
 * (`z ~ i ~ i ~ i` on 300 elements: 9.4 s; `z ~ i` on 20,000 elements: 2.3 s), nested `:has()`
 * multiplies subtree scans; descendant and child chains stay linear (8 compounds on a
 * 500-deep page: < 25 ms).
 */
export const SELECTOR_GRAMMAR =
  'type (div), universal (*), class (.price), id (#stock), attribute ([itemprop=price], with = ~= |= ^= $= *=), ' +
  'the descendant (space), child (>) and adjacent sibling (+) combinators, ' +
  ':first-child, :last-child, :only-child, :first-of-type, :last-of-type, :only-of-type, ' +
  ':nth-child(an+b), :nth-last-child(an+b), :nth-of-type(an+b), :nth-last-of-type(an+b), :empty, :root, ' +
  ':not(simple selectors) and :has(simple selectors) or :has(> simple selectors), at most 8 compound selectors in all, ' +
  'alternatives separated by commas';

/** Most compound selectors (the parts between combinators) a selector may have, over all its alternatives. */
export const MAX_COMPOUNDS = 8;

const STRUCTURAL = new Set(['first-child', 'last-child', 'only-child', 'first-of-type', 'last-of-type', 'only-of-type', 'empty', 'root']);
const NTH = new Set(['nth-child', 'nth-last-child', 'nth-of-type', 'nth-last-of-type']);
const NTH_ARGUMENT = /^\s*(odd|even|[+-]?\d*n\s*([+-]\s*\d+)?|[+-]?\d+)\s*$/i;
const COMBINATORS: Record<string, string | null> = {
  descendant: null,
  child: null,
  adjacent: null,
  sibling: 'the general sibling combinator "~" is not allowed (its cost grows with the square of the page, and more with each "~")',
  parent: 'the "<" combinator is not allowed',
  'column-combinator': 'the column combinator "||" is not allowed',
};

/** Why a selector cannot be used: it is not CSS at all, or it is CSS outside {@link SELECTOR_GRAMMAR}. */
export interface SelectorProblem {
  kind: 'invalid' | 'unsupported';
  reason: string;
}

/**
 * Null when `selector` is valid CSS within {@link SELECTOR_GRAMMAR} (and compiles), else what is
 * wrong, in words that name the part not allowed. Cost: proportional to the selector's length.
 */
export function selectorProblem(selector: string): SelectorProblem | null {
  let alternatives: Selector[][];
  try {
    alternatives = parse(selector);
    load('<p></p>')(selector); // what css-what parses, css-select must also compile
  } catch (error) {
    return { kind: 'invalid', reason: (error as Error).message };
  }
  let compounds = 0;
  for (const tokens of alternatives) {
    const reason = complexProblem(tokens);
    if (reason !== null) return { kind: 'unsupported', reason };
    compounds += countCompounds(tokens);
  }
  if (compounds > MAX_COMPOUNDS) return { kind: 'unsupported', reason: `it has ${compounds} compound selectors; at most ${MAX_COMPOUNDS} are allowed` };
  return null;
}

/** The sentence a person reads when `selector` cannot be used (for a ValidationError or a schema issue). */
export function selectorProblemMessage(selector: string, problem: SelectorProblem): string {
  return problem.kind === 'invalid'
    ? `selector "${selector}" is not a valid CSS selector: ${problem.reason}`
    : `selector "${selector}" is not supported: ${problem.reason}. Selectors may use ${SELECTOR_GRAMMAR}`;
}

function complexProblem(tokens: Selector[]): string | null {
  for (const token of tokens) {
    switch (token.type) {
      case 'tag':
      case 'universal':
      case 'attribute':
        break;
      case 'pseudo-element':
        return `the pseudo-element "::${token.name}" is not allowed`;
      case 'pseudo': {
        const problem = pseudoProblem(token.name, token.data, false);
        if (problem !== null) return problem;
        break;
      }
      default: {
        const refused = COMBINATORS[token.type];
        if (refused !== null) return refused ?? `"${token.type}" is not allowed`;
      }
    }
  }
  return null;
}

function pseudoProblem(name: string, data: DataType, nested: boolean): string | null {
  if (STRUCTURAL.has(name)) return null;
  if (NTH.has(name)) return typeof data === 'string' && NTH_ARGUMENT.test(data) ? null : `":${name}(${String(data)})" is not allowed: write an+b, a number, odd or even`;
  if (name === 'not' || name === 'has') {
    if (nested) return `":${name}()" inside another ":not()" or ":has()" is not allowed`;
    for (const tokens of Array.isArray(data) ? data : []) {
      const body = name === 'has' && tokens[0]?.type === 'child' ? tokens.slice(1) : tokens;
      for (const token of body) {
        if (token.type === 'pseudo') {
          const problem = pseudoProblem(token.name, token.data, true);
          if (problem !== null) return problem;
        } else if (token.type !== 'tag' && token.type !== 'universal' && token.type !== 'attribute') {
          return `":${name}()" may hold simple selectors only (like :${name}(.sold-out)), not combinators`;
        }
      }
    }
    return null;
  }
  return `the pseudo-class ":${name}" is not allowed`;
}

function countCompounds(tokens: Selector[]): number {
  return 1 + tokens.filter((t) => t.type === 'descendant' || t.type === 'child' || t.type === 'adjacent').length;
}
