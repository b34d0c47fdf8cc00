import type { z } from 'zod';
import type { ExecutionPath, JsonObject } from '../automations/types.js';
import type { ChartReader } from '../charts/series.js';
import type { OutputReader } from './reading.js';

export const SKILL_STATES = ['sandbox', 'shadow', 'shadow_primary', 'trusted', 'retired'] as const;
export type SkillState = (typeof SKILL_STATES)[number];

/** A capability as the database knows it, with its skill (if it has one). */
export interface CapabilityRecord {
  name: string;
  description: string;
  inputSchema: JsonObject;
  example: string;
  skill: {
    name: string;
    state: SkillState;
    stateChangedAt: Date;
    /** A user id, `auto` (a gate or a drop in agreement), or `migration`/`test` (seeded). */
    stateChangedBy: string;
    /** The mean agreement when it was last promoted (what demotion compares against); null when unknown. */
    promotedAgreement: number | null;
    /** The first comparison id that counts as evidence for the current state. */
    evidenceFrom: number;
  } | null;
}

/** The inputs part of a capability's example `create` line (`url=https://example.com`), or null. */
export function exampleInputs(example: string): string | null {
  return /inputs:(\S+)/.exec(example)?.[1] ?? null;
}

/** Step 2 of the dispatch contract: a `shadow_primary` or `trusted` skill runs locally; anything else is claude_native. */
export function choosePath(capability: CapabilityRecord): ExecutionPath {
  return pathForSkillState(capability.skill?.state ?? null);
}

/** The rule of {@link choosePath} on a skill's state alone (null: no skill). */
export function pathForSkillState(state: SkillState | null): ExecutionPath {
  return state === 'shadow_primary' || state === 'trusted' ? 'skill' : 'claude_native';
}

/**
 * What either executor receives for one run. Executors read it and never change it in place
 * (`inputs` and `state` are the automation as the run read it, which its finishing transaction
 * reuses): new state goes in {@link ExecutionResult.state}.
 */
export interface ExecutionRequest {
  /** The automation run; null for a draft's preview (run once, recorded nowhere as a run). */
  automationId: number | null;
  runId: number | null;
  userId: string;
  capability: { name: string; description: string };
  inputs: JsonObject;
  /** finished_at of the automation's last succeeded run. */
  priorRunEnd: Date | null;
  /** The automation's persisted state blob from its previous run. */
  state: JsonObject;
  /** Aborted when the run's time limit passes. */
  signal: AbortSignal;
  /** How the model path asks for this request, instead of the capability's own task (a draft from a sentence). */
  task?: ModelTask;
  /**
   * A shadow or judge call (never a run's own work): admitted only with room under every cap
   * (never waiting), metered in the ledger as `kind` for `comparisonId`, not as the run's spend.
   */
  metering?: { kind: 'shadow' | 'judge'; comparisonId: number; perCallCapUsd: number | null };
}

/** What an executor hands back; the dispatcher wraps a non-object output as `{output: …}`. */
export interface ExecutionResult {
  output: unknown;
  costUsd: number;
  ledgerId?: number | null;
  skillRunId?: string | null;
  /** Replaces the automation's state blob when the run succeeds; absent keeps it as it was. */
  state?: JsonObject;
}

/** Runs a capability with its local skill. */
export interface SkillExecutor {
  execute(request: ExecutionRequest): Promise<ExecutionResult>;
}

/** Runs a capability through a model (Claude or a local one), asking the BudgetGuard before each call. */
export interface ModelRouter {
  execute(request: ExecutionRequest): Promise<ExecutionResult>;
  /**
   * True when the capability's model work costs nothing (its route is priced at $0, as a local
   * model is): a budget pause does not hold it back. False when no model is configured for it.
   */
  isFree(capability: string): boolean;
  /** True when a model (Claude or a local one) is configured for the capability's model work. */
  isConfigured(capability: string): boolean;
}

/** What the model is asked for one run of a capability on the claude_native path. */
export interface ModelTask {
  /** The job in words; it goes into the prompt with the capability, its description and the inputs. */
  instructions: string;
  /** Data gathered for the model first (a fetched page's text…). */
  context?: JsonObject;
  /** Checks the model's JSON object; an answer that fails it fails the run. */
  output?: z.ZodType<JsonObject>;
}

/**
 * How two outputs of a capability are compared for agreement (0..1): `fields`, field by field
 * (numbers within a relative `tolerance`, default 1%; text normalised; by default every field of
 * the real run's output except timings); `text`, free text people read (the named fields), scored
 * by a judge model (or a deterministic word overlap with SHADOW_JUDGE=similarity).
 */
export type OutputComparison = { kind: 'fields'; fields?: readonly string[]; tolerance?: number } | { kind: 'text'; fields: readonly string[] };

/** A capability defined in code: its input schema (the source of truth), its local skill, and its model task. */
export interface CapabilityDefinition {
  name: string;
  description: string;
  inputs: z.ZodType<JsonObject>;
  example: string;
  skill?: (request: ExecutionRequest) => Promise<ExecutionResult>;
  /** The skill's version: evidence (comparisons, clean runs) counts for the current version only. Default `1`. */
  skillVersion?: string;
  /** How its skill's output is compared with the model's (shadow runs); default field by field. */
  comparison?: OutputComparison;
  /**
   * Whether the model path can do this capability's work, so that re-running a skill's run on
   * the model says something (default: when it has a `modelTask`). Not for http_check,
   * page_watch or feed_watch: the generic prompt holds a URL, not what is there.
   */
  modelCanRun?: boolean;
  /** How the claude_native path asks the model; without one, the generic prompt of the dispatch contract. */
  modelTask?: (request: ExecutionRequest) => Promise<ModelTask> | ModelTask;
  /** How its output reads to a person (alerts, `/automation show`, run replies); without one, the generic reading. */
  reader?: OutputReader;
  /** The number its runs are charted by (`/automation show`, alerts); without one, no chart. */
  chart?: ChartReader;
}
