import { deterministicAgreement, judgementSchema, judgeTask, outputDigest } from '../capabilities/agreement.js';
import type { ComparisonDirection, ComparisonResult } from '../capabilities/evidence.js';
import type { ModelRouter, OutputComparison, SkillExecutor, SkillState } from '../capabilities/types.js';
import type { Clock } from '../clock.js';
import { errorText, LaneBusyError, ModelAnswerError, ModelAnswerCutError, RunTimeoutError, ShadowSkippedError } from '../errors.js';
import type { Logger } from '../logger.js';
import { redactSecrets } from '../redact.js';
import type { Store } from '../store.js';
import { isJsonObject } from '../util/json.js';
import { capObject } from '../util/json-bounds.js';
import type { Lane, RunLanes } from './lanes.js';
import type { SkillLifecycle } from './skill-lifecycle.js';
import { TIMEOUT_ERROR, withTimeLimit } from './time-limit.js';
import type { Automation, ExecutionPath, JsonObject, Run } from './types.js';

/** Each output a comparison keeps is cut to this many bytes of JSON (its digest is of the whole output). */
export const MAX_COMPARED_OUTPUT_BYTES = 16 * 1024;

/** A run that finished, as the dispatcher hands it over after its finishing transaction. */
export interface FinishedRun {
  /** The automation as the run saw it (its inputs and state before the run). */
  automation: Automation;
  run: Run;
  path: ExecutionPath;
  /** The prior_run_end the run was given. */
  priorRunEnd: Date | null;
  succeeded: boolean;
  output: JsonObject | null;
}

export interface ShadowRunnerDeps {
  store: Store;
  clock: Clock;
  logger: Logger;
  lanes: RunLanes;
  skills: SkillExecutor;
  models: ModelRouter;
  lifecycle: SkillLifecycle;
  /** Whether the capability has a local skill in code, its version, and how its outputs compare. */
  capability: (name: string) => { hasSkill: boolean; version: string; comparison: OutputComparison | undefined; modelCanRun: boolean };
  /** SHADOW_RUNS: off, no shadow work at all. */
  enabled: boolean;
  /** SHADOW_SAMPLE_PRIMARY / SHADOW_SAMPLE_TRUSTED. */
  sample: { primary: number; trusted: number };
  /** SHADOW_JUDGE: free text scored by a judge model, or by word overlap. */
  judge: 'model' | 'similarity';
  /** A number in [0, 1): a skill run is re-run by the model when it falls under the sample rate. Injected so tests are exact. */
  random: () => number;
  /** The shadow path's own time limit (and how long it waits for a lane slot). */
  timeoutMs: number;
  onNotification?: () => void;
}

/** What the shadow path gave: an output and what it cost, or how it ended without one. */
type ShadowOutcome = { output: JsonObject; costUsd: number } | { ended: ComparisonResult['status']; reason: string; costUsd: number };

/**
 * Shadow runs (DESIGN.md's vocabulary): after a run's finishing transaction, the other path runs
 * beside it on the same inputs to gather evidence. For a `sandbox` skill every model run gets the
 * local skill beside it (free, in the local lane); for `shadow_primary` / `trusted`, a sample of
 * the skill's runs gets the model (in the model lane, only with room under every cap, metered as
 * shadow spend). The two outputs are compared (field by field, or by a judge for free text), the
 * comparison is recorded, and the skill's gates are checked in the same transaction.
 *
 * A shadow run never changes the run's outcome, output, alert or counters, and never throws:
 * its failure is recorded in its comparison. Crash-safe: the comparison row is written `pending`
 * before any shadow work, at most one per run; start-up closes pending rows as `interrupted`, so
 * a crash loses at most that comparison, and nothing is run or charged twice.
 */
export class ShadowRunner {
  private readonly inFlight = new Set<Promise<void>>();

  constructor(private readonly deps: ShadowRunnerDeps) {}

  /** Resolves when no shadow work is in progress (shutdown, tests). */
  async idle(): Promise<void> {
    while (this.inFlight.size > 0) await Promise.all(this.inFlight);
  }

  /** Start-up: closes the comparisons a crash left pending. Returns how many. */
  recoverInterrupted(): number {
    return this.deps.store.evidence.closePending(this.deps.clock.now());
  }

  /**
   * Called once per finished run, after its finishing transaction: decides (at once, from the
   * skill's state now) whether the run gets a shadow, writes its pending comparison, and starts
   * the shadow work without waiting for it. Never throws.
   */
  afterRun(finished: FinishedRun): void {
    try {
      const direction = this.shadowOf(finished);
      if (!direction) return;
      const { store, clock } = this.deps;
      const capability = finished.automation.capability;
      const id = store.evidence.insertPending(
        { capability, skillVersion: this.deps.capability(capability).version, runId: finished.run.id, automationId: finished.automation.id, direction },
        clock.now(),
      );
      if (id === null) return;
      // Started on the next turn of the event loop: the dispatch has released its own slot and returned its report by then.
      const work = new Promise<void>((resolve) => setImmediate(resolve))
        .then(() => this.compare(id, direction, finished))
        .catch((error) => this.deps.logger.error({ event: 'shadow_failed', comparisonId: id, runId: finished.run.id, err: error }, 'shadow run failed outside its comparison'))
        .finally(() => this.inFlight.delete(work));
      this.inFlight.add(work);
    } catch (error) {
      this.deps.logger.error({ event: 'shadow_failed', runId: finished.run.id, err: error }, 'could not start a shadow run');
    }
  }

  /** Which shadow the run gets, if any. */
  private shadowOf(finished: FinishedRun): ComparisonDirection | null {
    const { enabled, store, models } = this.deps;
    if (!enabled || !finished.succeeded || !finished.output) return null;
    const name = finished.automation.capability;
    const definition = this.deps.capability(name);
    if (!definition.hasSkill) return null;
    // The model re-runs a skill's run only where it can do the work (not a fetch it cannot make)
    // and is configured: known without reading the skill's state (an uptime check never is).
    if (finished.path === 'skill' && (!definition.modelCanRun || !models.isConfigured(name))) return null;
    const state: SkillState | null = store.capabilities.forRun(name)?.skillState ?? null;
    if (state === null) return null;
    if (finished.path === 'claude_native') return state === 'sandbox' || state === 'shadow' ? 'skill_beside_model' : null;
    if (state !== 'shadow_primary' && state !== 'trusted') return null;
    const rate = state === 'trusted' ? this.deps.sample.trusted : this.deps.sample.primary;
    return this.deps.random() < rate ? 'model_beside_skill' : null;
  }

  private async compare(id: number, direction: ComparisonDirection, finished: FinishedRun): Promise<void> {
    const { automation, output: primary } = finished;
    const lane: Lane = direction === 'skill_beside_model' ? 'local' : 'model';
    const shadow = await this.inLane(lane, automation.userId, () => this.runShadow(id, direction, finished));
    const base = { primaryOutput: cutForStorage(primary!), primaryDigest: outputDigest(primary!), shadowCostUsd: shadow.costUsd, judgeCostUsd: 0 };
    let result: ComparisonResult;
    if ('ended' in shadow) {
      result = { ...base, status: shadow.ended, shadowOutput: null, shadowDigest: null, score: null, judge: null, reason: shadow.reason };
    } else {
      // The model's output is the reference (A) either way, the skill's the one judged (B).
      const [modelOutput, skillOutput] = direction === 'skill_beside_model' ? [primary!, shadow.output] : [shadow.output, primary!];
      const scored = await this.score(id, automation, modelOutput, skillOutput);
      result = { ...base, shadowOutput: cutForStorage(shadow.output), shadowDigest: outputDigest(shadow.output), ...scored };
    }
    this.record(id, automation.capability, result);
  }

  /**
   * Runs `work` holding a slot of `lane`. In the local lane it waits for one (up to the shadow
   * time limit); the model lane is small, so a shadow there takes only a free slot (of the
   * owner's share) and is skipped when there is none, never queueing ahead of real runs.
   */
  private async inLane(lane: Lane, ownerId: string, work: () => Promise<ShadowOutcome>): Promise<ShadowOutcome> {
    let slot;
    try {
      slot = lane === 'local' ? await this.deps.lanes.acquire(lane, ownerId, this.deps.timeoutMs) : this.deps.lanes.tryAcquire(lane, ownerId);
    } catch (error) {
      if (error instanceof LaneBusyError) return { ended: 'skipped_busy', reason: error.message, costUsd: 0 };
      throw error;
    }
    if (!slot) return { ended: 'skipped_busy', reason: 'skipped: every model run slot it may use was busy with real runs', costUsd: 0 };
    try {
      return await work();
    } finally {
      slot.release();
    }
  }

  /** The other path on the run's inputs (prior_run_end and state as the run saw them), within the shadow time limit. */
  private async runShadow(id: number, direction: ComparisonDirection, finished: FinishedRun): Promise<ShadowOutcome> {
    const { automation } = finished;
    const { store, clock } = this.deps;
    const capability = store.capabilities.get(automation.capability);
    const request = {
      automationId: automation.id,
      runId: finished.run.id,
      userId: automation.userId,
      capability: { name: automation.capability, description: capability?.description ?? '' },
      inputs: automation.inputs,
      priorRunEnd: finished.priorRunEnd,
      state: automation.state,
    };
    try {
      if (direction === 'skill_beside_model') {
        const result = await withTimeLimit(clock, this.deps.timeoutMs, (signal) => this.deps.skills.execute({ ...request, signal }));
        return { output: asObject(result.output), costUsd: result.costUsd };
      }
      const metering = { kind: 'shadow' as const, comparisonId: id, perCallCapUsd: automation.maxCostPerRunUsd };
      const result = await withTimeLimit(clock, this.deps.timeoutMs, (signal) => this.deps.models.execute({ ...request, signal, metering }));
      return { output: asObject(result.output), costUsd: result.costUsd };
    } catch (error) {
      const costUsd = direction === 'model_beside_skill' ? store.ledger.comparisonSpend(id) : 0;
      if (error instanceof ShadowSkippedError) return { ended: 'skipped_budget', reason: error.message, costUsd };
      const reason = error instanceof RunTimeoutError ? TIMEOUT_ERROR : redactSecrets(errorText(error));
      return { ended: direction === 'skill_beside_model' ? 'skill_failed' : 'model_failed', reason, costUsd };
    }
  }

  /** Agreement of the skill's output with the model's: field by field, word overlap, or a judge call for free text (SHADOW_JUDGE=model). */
  private async score(id: number, automation: Automation, modelOutput: JsonObject, skillOutput: JsonObject): Promise<Pick<ComparisonResult, 'status' | 'score' | 'judge' | 'reason' | 'judgeCostUsd'>> {
    const { models, store, clock } = this.deps;
    const comparison = this.deps.capability(automation.capability).comparison;
    if (comparison?.kind !== 'text' || this.deps.judge === 'similarity' || !models.isConfigured(automation.capability)) {
      const { score, judge } = deterministicAgreement(comparison, modelOutput, skillOutput);
      return { status: 'scored', score, judge, reason: null, judgeCostUsd: 0 };
    }
    const request = {
      automationId: automation.id,
      runId: null,
      userId: automation.userId,
      capability: { name: automation.capability, description: 'judging agreement' },
      inputs: {},
      priorRunEnd: null,
      state: {},
      task: judgeTask(comparison, modelOutput, skillOutput),
      metering: { kind: 'judge' as const, comparisonId: id, perCallCapUsd: null },
    };
    const outcome = await this.inLane('model', automation.userId, async () => {
      try {
        const result = await withTimeLimit(clock, this.deps.timeoutMs, (signal) => models.execute({ ...request, signal }));
        return { output: asObject(result.output), costUsd: result.costUsd };
      } catch (error) {
        const costUsd = store.ledger.comparisonSpend(id, 'judge');
        if (error instanceof ShadowSkippedError) return { ended: 'skipped_budget', reason: `judge ${error.message}`, costUsd };
        if (error instanceof ModelAnswerError || error instanceof ModelAnswerCutError) return { ended: 'malformed', reason: `the judge's answer was not {"score", "reason"}: ${error.message}`, costUsd };
        return { ended: 'model_failed', reason: `judge: ${error instanceof RunTimeoutError ? TIMEOUT_ERROR : redactSecrets(errorText(error))}`, costUsd };
      }
    });
    // Which judge scored it: the model the judge call went to, as the ledger has it.
    const model = `model:${store.ledger.comparisonModel(id, 'judge') ?? 'unknown'}`;
    if ('ended' in outcome) return { status: outcome.ended, score: null, judge: model, reason: outcome.reason, judgeCostUsd: outcome.costUsd };
    const judgement = judgementSchema.parse(outcome.output);
    return { status: 'scored', score: judgement.score, judge: model, reason: judgement.reason, judgeCostUsd: outcome.costUsd };
  }

  /** Writes the comparison and checks the skill's gates in one transaction; queues what they announce. */
  private record(id: number, capability: string, result: ComparisonResult): void {
    const { store, clock, logger } = this.deps;
    const step = store.transaction(() => (store.evidence.finish(id, result, clock.now()) && result.status === 'scored' ? this.deps.lifecycle.check(capability) : null));
    logger.info({ event: 'shadow_compared', comparisonId: id, capability, status: result.status, score: result.score, judge: result.judge, reason: result.reason }, 'shadow run compared');
    if (step) this.deps.onNotification?.();
  }
}

/** A shadow output as compared: a non-object answer is wrapped as `{output: …}`, as a run's is. */
function asObject(output: unknown): JsonObject {
  return isJsonObject(output) ? output : { output };
}

function cutForStorage(output: JsonObject): JsonObject {
  return capObject(output, MAX_COMPARED_OUTPUT_BYTES).value;
}
