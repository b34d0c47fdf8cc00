import { StewardError } from '../../errors.js';

/**
 * Most elements a page or feed may have. Ordinary pages have a few hundred to a few thousand;
 * past this, parsing and selector matching cost seconds (measured: 20,000 siblings and
 * `:nth-of-type` take 1.7 s), and the work buys nothing a person watches a page for.
 */
export const MAX_ELEMENTS = 30_000;
/** Deepest element nesting read; real pages nest a few dozen deep, and text extraction recurses. */
export const MAX_DEPTH = 500;

/**
 * Throws StewardError `element_cap` ("https://… has more than 30,000 elements: page_watch reads
 * pages of at most 30,000") when `markup` holds more start tags than {@link MAX_ELEMENTS}. It
 * counts `<` followed by a letter without parsing, so it runs before the parser and may count a
 * few more than the parser would build.
 */
export function assertElementCount(markup: string, url: string, capability: string, noun: 'pages' | 'feeds' = 'pages'): void {
  const startTag = /<[A-Za-z]/g;
  let count = 0;
  while (startTag.exec(markup) !== null) {
    if (++count > MAX_ELEMENTS) {
      throw new StewardError('element_cap', `${url} has more than ${MAX_ELEMENTS.toLocaleString('en-US')} elements: ${capability} reads ${noun} of at most ${MAX_ELEMENTS.toLocaleString('en-US')} elements`, {
        url,
        capability,
        maxElements: MAX_ELEMENTS,
      });
    }
  }
}

/** The children of a parsed node (cheerio's Document and Element have them; text and comments do not). */
function childrenOf(node: unknown): readonly unknown[] {
  if (typeof node !== 'object' || node === null || !('children' in node)) return [];
  return Array.isArray(node.children) ? node.children : [];
}

/**
 * Throws StewardError `depth_cap` when elements under `root` nest deeper than {@link MAX_DEPTH}.
 * Walks the tree without recursion.
 */
export function assertDepth(root: unknown, url: string, capability: string): void {
  const stack: [unknown, number][] = [[root, 0]];
  for (let entry = stack.pop(); entry !== undefined; entry = stack.pop()) {
    const [node, depth] = entry;
    if (depth > MAX_DEPTH) {
      throw new StewardError('depth_cap', `${url} nests elements more than ${MAX_DEPTH} deep: ${capability} reads pages nested at most ${MAX_DEPTH} deep`, {
        url,
        capability,
        maxDepth: MAX_DEPTH,
      });
    }
    for (const child of childrenOf(node)) stack.push([child, depth + 1]);
  }
}
