import type { Config } from '../config.js';
import type { Logger } from '../logger.js';
import type { ModelPrice, ModelProvider, ModelRoute } from './model-router.js';
import { CLAUDE_PRICES, lookupPrice, UNKNOWN_MODEL_PRICE } from './pricing.js';
import { createAnthropicProvider } from './providers/anthropic.js';
import { createOpenAiCompatibleProvider } from './providers/openai-compatible.js';

/** A local model costs nothing in the ledger. */
const FREE: ModelPrice = { inputPerMTok: 0, outputPerMTok: 0 };

/**
 * Where each capability's model work goes: Claude when ANTHROPIC_API_KEY is set, else the local
 * model when LOCAL_MODEL_URL is; MODEL_ROUTE_<capability>=claude|local picks one for a capability.
 * A route to a provider that is not configured is null (the run fails with "no model configured").
 */
export function createModelRoutes(config: Config, logger: Logger): (capability: string) => ModelRoute | null {
  const claude: ModelRoute | null = config.ANTHROPIC_API_KEY
    ? {
        provider: createAnthropicProvider({
          apiKey: config.ANTHROPIC_API_KEY,
          model: config.ANTHROPIC_MODEL,
          ...(config.ANTHROPIC_BASE_URL ? { baseURL: config.ANTHROPIC_BASE_URL } : {}),
        }),
        price: claudePrice(config, logger),
      }
    : null;
  const local: ModelRoute | null = config.LOCAL_MODEL_URL
    ? { provider: createOpenAiCompatibleProvider({ baseUrl: config.LOCAL_MODEL_URL, model: config.LOCAL_MODEL! }), price: FREE }
    : null;
  return (capability) => {
    const chosen = config.MODEL_ROUTES[capability.toLowerCase()];
    if (chosen === 'local') return local;
    if (chosen === 'claude') return claude;
    return claude ?? local;
  };
}

/** The route every capability takes: one provider at one price (tests, benchmarks). */
export function singleRoute(provider: ModelProvider, price: ModelPrice): () => ModelRoute {
  return () => ({ provider, price });
}

function claudePrice(config: Config, logger: Logger): ModelPrice {
  const table = { ...CLAUDE_PRICES, ...config.MODEL_PRICES };
  const price = lookupPrice(config.ANTHROPIC_MODEL, table);
  if (price) return price;
  logger.warn(
    { event: 'model_price_unknown', model: config.ANTHROPIC_MODEL, assumed: UNKNOWN_MODEL_PRICE },
    `no price known for ${config.ANTHROPIC_MODEL}: counting it at $15/$75 per million tokens; set MODEL_PRICES to correct it`,
  );
  return UNKNOWN_MODEL_PRICE;
}
