import type { ModelPrice } from './model-router.js';

/**
 * Claude list prices, USD per million input and output tokens. MODEL_PRICES adds to or
 * overrides this table; a model id with a date suffix (claude-haiku-4-5-20251001) takes the price
 * of its family.
 */
export const CLAUDE_PRICES: Record<string, ModelPrice> = {
  'claude-haiku-4-5': { inputPerMTok: 1, outputPerMTok: 5 },
  'claude-sonnet-4-5': { inputPerMTok: 3, outputPerMTok: 15 },
  'claude-sonnet-4': { inputPerMTok: 3, outputPerMTok: 15 },
  'claude-opus-4-5': { inputPerMTok: 5, outputPerMTok: 25 },
  'claude-opus-4-1': { inputPerMTok: 15, outputPerMTok: 75 },
  'claude-opus-4': { inputPerMTok: 15, outputPerMTok: 75 },
  'claude-3-5-haiku': { inputPerMTok: 0.8, outputPerMTok: 4 },
};

/** The price used for a model nobody priced: the dearest in the table, so the budget never under-counts. */
export const UNKNOWN_MODEL_PRICE: ModelPrice = { inputPerMTok: 15, outputPerMTok: 75 };

/** The price of `model` from `table` (exact id, else the longest family prefix), or null when unknown. */
export function lookupPrice(model: string, table: Record<string, ModelPrice>): ModelPrice | null {
  if (table[model]) return table[model];
  const family = Object.keys(table)
    .filter((id) => model.startsWith(`${id}-`))
    .sort((a, b) => b.length - a.length)[0];
  return family ? table[family]! : null;
}
