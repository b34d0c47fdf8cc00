import type { BudgetGuard } from '../budget/guard.js';
import { choosePath, type CapabilityRecord, type ExecutionResult, type ModelRouter, type SkillExecutor } from '../capabilities/types.js';
import type { Clock } from '../clock.js';
import { errorText, RunTimeoutError } from '../errors.js';
import { isJsonObject } from '../util/json.js';
import { laneOfPath, type RunLanes, type RunSlot } from './lanes.js';
import { TIMEOUT_ERROR, withTimeLimit } from './time-limit.js';
import type { ExecutionPath, JsonObject } from './types.js';

/** What one preview run gave: its output (an object), or the error that stopped it. */
export interface PreviewResult {
  path: ExecutionPath;
  output: JsonObject | null;
  error: string | null;
  costUsd: number;
}

export interface PreviewDeps {
  lanes: RunLanes;
  skills: SkillExecutor;
  models: ModelRouter;
  budget: BudgetGuard;
  clock: Clock;
  runTimeoutMs: number;
}

/**
 * Runs a capability once on inputs, as the dispatcher would run it (the same path choice, lane,
 * time limit and, on the model path, the same metering and budget), but as no automation's run: no
 * run row, no alert, no state kept. Never throws for what the run did; its error is in the result.
 */
export class CapabilityPreview {
  constructor(private readonly deps: PreviewDeps) {}

  async run(userId: string, capability: CapabilityRecord, inputs: JsonObject): Promise<PreviewResult> {
    const path = choosePath(capability);
    const executor = path === 'skill' ? this.deps.skills : this.deps.models;
    let slot: RunSlot | null = null;
    try {
      if (path === 'claude_native' && !this.deps.models.isFree(capability.name)) this.deps.budget.checkPreCall(userId);
      slot = await this.deps.lanes.acquire(laneOfPath(path), userId, this.deps.runTimeoutMs);
      const result: ExecutionResult = await withTimeLimit(this.deps.clock, this.deps.runTimeoutMs, (signal) =>
        executor.execute({
          automationId: null,
          runId: null,
          userId,
          capability: { name: capability.name, description: capability.description },
          inputs,
          priorRunEnd: null,
          state: {},
          signal,
        }),
      );
      return { path, output: isJsonObject(result.output) ? result.output : { output: result.output }, error: null, costUsd: result.costUsd };
    } catch (error) {
      return { path, output: null, error: error instanceof RunTimeoutError ? TIMEOUT_ERROR : errorText(error), costUsd: 0 };
    } finally {
      slot?.release();
    }
  }
}
