import { ValidationError } from '../errors.js';
import type { JsonObject } from '../automations/types.js';
import type { ContentWorkers } from './content/pool.js';
import type { Fetcher } from './http/fetcher.js';
import { parseCapabilityInputs } from './inputs.js';
import type { ChartReader } from '../charts/series.js';
import type { OutputReader } from './reading.js';
import { askDefinition } from './skills/ask.js';
import { feedWatchDefinition } from './skills/feed-watch.js';
import { httpCheckDefinition } from './skills/http-check.js';
import { pageWatchDefinition } from './skills/page-watch.js';
import { summarizePageDefinition } from './skills/summarize-page.js';
import { exampleInputs, type CapabilityDefinition, type ExecutionRequest, type ExecutionResult, type OutputComparison, type SkillExecutor } from './types.js';

/**
 * The capabilities defined in code, their skills fetching through `fetcher` and reading HTML and
 * feeds in `workers`. Their rows in `capability`/`skill` are seeded by migrations.
 */
export function builtinCapabilities(deps: { fetcher: Fetcher; workers: ContentWorkers }): CapabilityDefinition[] {
  return [
    httpCheckDefinition(deps.fetcher),
    pageWatchDefinition(deps.fetcher, deps.workers),
    feedWatchDefinition(deps.fetcher, deps.workers),
    askDefinition,
    summarizePageDefinition(deps.fetcher, deps.workers),
  ];
}

/** Looks capabilities up by name and validates inputs against their schemas. */
export class CapabilityRegistry {
  private readonly byName: Map<string, CapabilityDefinition>;

  constructor(definitions: readonly CapabilityDefinition[]) {
    this.byName = new Map(definitions.map((d) => [d.name, d]));
  }

  get(name: string): CapabilityDefinition | undefined {
    return this.byName.get(name);
  }

  /**
   * Parses inputs with the capability's schema. Throws ValidationError (field `inputs`) naming
   * each offending input and what it expects.
   */
  parseInputs(capability: string, inputs: unknown): JsonObject {
    const definition = this.byName.get(capability);
    if (!definition) throw new ValidationError('capability', `unknown capability "${capability}"`);
    return parseCapabilityInputs(capability, definition.inputs, inputs, exampleInputs(definition.example));
  }

  /** How the capability's output reads (its own reader; undefined for the generic reading). */
  reader(capability: string): OutputReader | undefined {
    return this.byName.get(capability)?.reader;
  }

  /** Whether the capability has a local skill in code (a skill row without one never runs). */
  hasSkill(capability: string): boolean {
    return this.byName.get(capability)?.skill !== undefined;
  }

  /** The version of the capability's skill in code (default `1`): evidence counts for this version only. */
  skillVersion(capability: string): string {
    return this.byName.get(capability)?.skillVersion ?? '1';
  }

  /** How the capability's skill output is compared with the model's (undefined: field by field over every field). */
  comparison(capability: string): OutputComparison | undefined {
    return this.byName.get(capability)?.comparison;
  }

  /** Whether the model path can do the capability's work (its own `modelCanRun`, else whether it has a model task). */
  modelCanRun(capability: string): boolean {
    const definition = this.byName.get(capability);
    return definition?.modelCanRun ?? definition?.modelTask !== undefined;
  }

  /** How the capability's runs are charted; undefined when it watches no number. */
  chart(capability: string): ChartReader | undefined {
    return this.byName.get(capability)?.chart;
  }

  /** A skill executor over the definitions' local skills. */
  skillExecutor(): SkillExecutor {
    return {
      execute: (request: ExecutionRequest): Promise<ExecutionResult> => {
        const skill = this.byName.get(request.capability.name)?.skill;
        if (!skill) throw new Error(`no local skill implements ${request.capability.name}`);
        return skill(request);
      },
    };
  }
}
