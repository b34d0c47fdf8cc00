/**
 * Shadow runs, agreement and the skill lifecycle (issue 14), through the real Engine over a real
 * SQLite file, with the real Anthropic SDK against the fake Messages API on 127.0.0.1.
 *
 * `think` (a test capability) has a sandbox skill whose output the test sets, and no model task
 * of its own, so its outputs compare field by field; summarize_page compares as free text (a
 * judge, or word overlap). The harness's random source decides which skill runs the model
 * re-runs: the tests set it so each sample is exact.
 */
import { describe, expect, it } from 'vitest';
import type { Harness, HarnessOptions } from './support/harness.js';
import { harnessPerTest } from './support/harness.js';
import { flush } from './support/fake-clock.js';
import { CHANGELOG_SUMMARY, claudeAndChangelog, modelSays } from './support/skill-fixtures.js';
import type { AutomationView } from '../src/automations/view-models.js';

const fixtures = claudeAndChangelog();
const { anthropic } = fixtures;

const make = harnessPerTest();
/** A harness whose model work goes to the fake Messages API through the real SDK (claude-haiku-4-5: $1/$5 per million tokens). */
function withClaude(env: Record<string, string> = {}, options: HarnessOptions = {}): Harness {
  return make({ ...options, configuredModels: true, env: { ANTHROPIC_API_KEY: 'sk-ant-test', ANTHROPIC_BASE_URL: fixtures.url, RUN_NOW_PER_MINUTE: '1000', ...env } });
}


/** The think skill runs first (shadow_primary), every run of it is re-checked by the model (the sample always picks it), and it answers a price. */
function skillFirstEveryRunRechecked(h: Harness): void {
  h.engine.service.setSkillState(h.manager, 'think', 'shadow_primary');
  h.random = () => 0;
  h.skill = () => ({ output: { price: 89 }, costUsd: 0 });
}

function think(h: Harness, extra: Partial<Parameters<Harness['engine']['service']['create']>[1]> = {}): AutomationView {
  return h.engine.service.create(h.alice, { name: 'kettle', capability: 'think', schedule: 'manual', inputs: { url: 'https://shop.example/kettle' }, ...extra });
}

/** Runs the automation now and lets its shadow work finish. */
async function runAndShadow(h: Harness, id: number) {
  const report = await h.engine.service.runNow(h.alice, id);
  await h.engine.shadows.idle();
  return report;
}

const stateOf = (h: Harness, capability = 'think') => h.store.capabilities.get(capability)!.skill!.state;
const skillNotices = (h: Harness) => h.store.outbox.all().filter((n) => n.type === 'skill');
const ledger = (h: Harness) =>
  h.store.db.prepare<[], { kind: string; cost_usd: number; ok: number; error: string | null; automation_run_id: number | null; comparison_id: number | null }>('SELECT * FROM invocation_log ORDER BY id').all();

describe('shadow runs beside model runs (sandbox)', () => {
  it('never change a run’s outcome, output, alert or counters: the same rows as with SHADOW_RUNS=false', async () => {
    const observe = async (h: Harness) => {
      anthropic.defaultReply = modelSays({ price: 89, in_stock: true });
      const a = think(h, { alert: 'price < 100' });
      // The skill disagrees on the first run and fails on the second: neither may show in the run.
      let call = 0;
      h.skill = () => {
        call++;
        if (call === 2) throw new Error('the skill broke');
        return { output: { price: 120, in_stock: false }, costUsd: 0 };
      };
      const reports = [await runAndShadow(h, a.id), await runAndShadow(h, a.id)];
      const runs = h.store.runs.recent(a.id, 10).map((r) => ({ status: r.status, path: r.path, output: r.output, alertSent: r.alertSent, alertContent: r.alertContent, error: r.error, costUsd: r.costUsd }));
      const automation = h.store.automations.get(a.id)!;
      const alerts = h.store.outbox.all().filter((n) => n.type === 'alert').map((n) => [n.content, n.embed]);
      return { reports: reports.map((r) => [r.outcome, r.alertSent]), runs, counters: [automation.runCount, automation.failureCount, automation.state], alerts, runSpend: ledger(h).filter((l) => l.kind === 'run').length };
    };
    const off = await observe(withClaude({ SHADOW_RUNS: 'false' }));
    const onHarness = withClaude();
    const on = await observe(onHarness);

    expect(on).toEqual(off);
    expect(on.runs.map((r) => r.status)).toEqual(['succeeded', 'succeeded']);
    expect(on.alerts).toHaveLength(1);
    // With shadows on, both runs were compared: the disagreement scored, the failure recorded, not raised.
    const comparisons = onHarness.store.evidence.list('think');
    expect(comparisons.map((c) => [c.direction, c.status, c.score, c.judge])).toEqual([
      ['skill_beside_model', 'scored', 0, 'fields'],
      ['skill_beside_model', 'skill_failed', null, null],
    ]);
    expect(comparisons[1]!.reason).toBe('the skill broke');
    expect(comparisons[0]!.primaryOutput).toEqual({ price: 89, in_stock: true });
    expect(comparisons[0]!.shadowOutput).toEqual({ price: 120, in_stock: false });
    expect(comparisons[0]!.primaryDigest).toMatch(/^[0-9a-f]{64}$/);
    expect(comparisons[0]!.primaryDigest).not.toBe(comparisons[0]!.shadowDigest);
    // A local skill costs nothing: no shadow spend.
    expect(ledger(onHarness).map((l) => l.kind)).toEqual(['run', 'run']);
  });

  it('do not delay the run: its report and alert are in before the skill beside it has finished', async () => {
    const h = withClaude();
    anthropic.defaultReply = modelSays({ price: 89, in_stock: true });
    const a = think(h, { alert: 'price < 100' });
    let finishSkill!: () => void;
    h.skill = () => new Promise((resolve) => (finishSkill = () => resolve({ output: { price: 89.5, in_stock: true }, costUsd: 0 })));

    const report = await h.engine.service.runNow(h.alice, a.id);
    expect(report).toMatchObject({ outcome: 'succeeded', alertSent: true });
    expect(h.store.outbox.all().filter((n) => n.type === 'alert')).toHaveLength(1);
    await flush();
    expect(h.skillCalls).toHaveLength(1); // the skill is running beside it, still
    expect(h.store.evidence.list('think').map((c) => c.status)).toEqual(['pending']);

    finishSkill();
    await h.engine.shadows.idle();
    // 89 and 89.5 agree within the 1% tolerance; in_stock agrees too.
    expect(h.store.evidence.list('think').map((c) => [c.status, c.score])).toEqual([['scored', 1]]);
  });

  it('a crash mid-shadow loses only that comparison: closed as interrupted at start-up, nothing run or charged twice', async () => {
    const h = withClaude();
    anthropic.defaultReply = modelSays({ price: 89 });
    const a = think(h);
    h.skill = () => new Promise(() => undefined); // never finishes: the process "dies" first
    await h.engine.service.runNow(h.alice, a.id);
    await flush();
    expect(h.store.evidence.list('think').map((c) => c.status)).toEqual(['pending']);

    const engine = h.restart();
    engine.start();
    await engine.notifications.stop();
    await engine.scheduler.stop();
    expect(h.store.evidence.list('think').map((c) => c.status)).toEqual(['interrupted']);
    expect(h.skillCalls).toHaveLength(1);
    expect(anthropic.requests).toHaveLength(1);
    expect(h.store.runs.recent(a.id, 10).map((r) => r.status)).toEqual(['succeeded']);
  });
});

describe('promotion on evidence', () => {
  it('sandbox → shadow_primary → trusted as the gates pass (auto), each change written with its evidence and announced', async () => {
    const h = withClaude({ SKILL_PROMOTE_MIN_RUNS: '4', SKILL_PROMOTE_MIN_CLEAN: '0.75', SKILL_TRUST_MIN_COMPARISONS: '3', SKILL_PROMOTION_APPROVAL: 'auto' });
    anthropic.defaultReply = modelSays({ price: 89, in_stock: true });
    const a = think(h);
    let call = 0;
    h.skill = () => {
      call++;
      if (call === 2) throw new Error('timeout reading the page');
      return { output: { price: 89, in_stock: true }, costUsd: 0 };
    };
    // Runs 1–3: 2 of 3 clean (67%, under 75%): still sandbox.
    for (let i = 0; i < 3; i++) await runAndShadow(h, a.id);
    expect(stateOf(h)).toBe('sandbox');
    expect(skillNotices(h)).toHaveLength(0);

    // Run 4: 3 of 4 clean (75%) over 4 runs: promoted, automatically.
    await runAndShadow(h, a.id);
    expect(stateOf(h)).toBe('shadow_primary');
    const [promoted] = h.store.evidence.stateChanges('think');
    expect(promoted).toMatchObject({ from: 'sandbox', to: 'shadow_primary', by: { kind: 'auto' } });
    expect(promoted!.evidence).toMatchObject({ comparisons: 4, clean: 3, skillFailed: 1, agreement: { mean: 1, n: 3 } });
    expect(h.store.capabilities.get('think')!.skill).toMatchObject({ stateChangedBy: 'auto', promotedAgreement: 1 });
    const notice = skillNotices(h)[0]!;
    expect(notice.embed!.title).toBe('think now runs on its local skill');
    expect(notice.embed!.description).toMatch(/^Promoted automatically: its gate passed \(3 of 4 skill runs beside the model were clean/);
    expect(notice.embed!.fields.find((f) => f.name === 'Evidence')!.value).toContain('agreement 100% (95% CI 44–100%) over 3 comparisons');

    // From the next run on it goes through the skill; the model re-runs the sampled ones (random 0.1 < 0.2).
    h.random = () => 0.1;
    const requestsBefore = anthropic.requests.length;
    for (let i = 0; i < 2; i++) await runAndShadow(h, a.id);
    expect(h.store.runs.recent(a.id, 2).map((r) => r.path)).toEqual(['skill', 'skill']);
    expect(anthropic.requests.length - requestsBefore).toBe(2);
    expect(stateOf(h)).toBe('shadow_primary');
    // A draw over the rate is not re-run.
    h.random = () => 0.2;
    await runAndShadow(h, a.id);
    expect(anthropic.requests.length - requestsBefore).toBe(2);
    h.random = () => 0;
    await runAndShadow(h, a.id);
    expect(stateOf(h)).toBe('trusted');
    expect(h.store.evidence.stateChanges('think')[0]).toMatchObject({ from: 'shadow_primary', to: 'trusted', by: { kind: 'auto' } });
    expect(skillNotices(h).map((n) => n.embed!.title)).toEqual(['think now runs on its local skill', "think's local skill is now trusted"]);

    // The model's re-runs are shadow spend in the ledger, apart from the runs' own.
    const shadowRows = ledger(h).filter((l) => l.kind === 'shadow');
    expect(shadowRows).toHaveLength(3);
    expect(shadowRows.every((l) => l.automation_run_id === null && l.comparison_id !== null && l.cost_usd > 0)).toBe(true);
    expect(h.engine.service.budget(h.alice).byKind.shadow).toBeCloseTo(3 * 0.0015, 10);
  });

  it('/capability promote and demote still override, recorded as made by that person', () => {
    const h = withClaude();
    h.engine.service.setSkillState(h.manager, 'think', 'trusted');
    h.engine.service.setSkillState(h.manager, 'think', 'sandbox');
    expect(h.store.evidence.stateChanges('think').map((c) => [c.from, c.to, c.by, c.reason])).toEqual([
      ['trusted', 'sandbox', { kind: 'person', userId: 'mia' }, 'set with /capability demote'],
      ['sandbox', 'trusted', { kind: 'person', userId: 'mia' }, 'set with /capability promote'],
    ]);
    expect(skillNotices(h).map((n) => n.embed!.description.split(':')[0])).toEqual(['Promoted by <@mia>', 'Demoted by <@mia>']);
    const view = h.engine.service.capabilityReport().find((c) => c.name === 'think')!;
    expect(view.evidence!.lastChange).toMatchObject({ by: { kind: 'person', userId: 'mia' }, verb: 'Demoted' });
  });
});

describe('demotion after a drop in agreement', () => {
  it('a primary skill whose last agreements fall below what it had at promotion goes back to the model, automatically', async () => {
    const h = withClaude({ SKILL_PROMOTE_MIN_RUNS: '2', SKILL_PROMOTION_APPROVAL: 'auto' });
    const a = think(h);
    anthropic.defaultReply = modelSays({ price: 89, in_stock: true });
    h.skill = () => ({ output: { price: 89, in_stock: true }, costUsd: 0 });
    await runAndShadow(h, a.id);
    await runAndShadow(h, a.id);
    expect(h.store.capabilities.get('think')!.skill).toMatchObject({ state: 'shadow_primary', promotedAgreement: 1 });

    // The page changed and the skill now misreads the stock: half the fields disagree on every re-run.
    h.skill = () => ({ output: { price: 89, in_stock: false }, costUsd: 0 });
    h.random = () => 0;
    for (let i = 0; i < 19; i++) await runAndShadow(h, a.id);
    expect(stateOf(h)).toBe('shadow_primary'); // 19 comparisons say too little to act on
    await runAndShadow(h, a.id);
    expect(stateOf(h)).toBe('sandbox');
    const [demoted] = h.store.evidence.stateChanges('think');
    expect(demoted).toMatchObject({ from: 'shadow_primary', to: 'sandbox', by: { kind: 'auto' } });
    expect(demoted!.evidence).toMatchObject({ window: 50, baseline: 1, agreement: { mean: 0.5, n: 20 } });
    expect((demoted!.evidence.agreement as { high: number }).high).toBeLessThan(1);
    const notice = skillNotices(h).at(-1)!;
    expect(notice.embed).toMatchObject({ title: 'think now runs on the model', tone: 'bad' });
    expect(notice.embed!.description).toMatch(/^Demoted automatically: its agreement over the last 20 comparisons fell below the 100% it had when promoted/);
    // The next run goes through the model again, with the skill beside it.
    await runAndShadow(h, a.id);
    expect(h.store.runs.recent(a.id, 1)[0]!.path).toBe('claude_native');
    expect(h.store.evidence.list('think').at(-1)!.direction).toBe('skill_beside_model');
  });
});

describe('shadow calls and the budget', () => {
  it('skipped, and recorded as skipped, when the call could pass the daily cap: no spend past it', async () => {
    // A shadow call is reserved at its highest cost (the prompt's characters as tokens, plus
    // MODEL_MAX_TOKENS of answer at $5/M: over $0.005), so under a $0.005 cap it never goes out.
    const h = withClaude({ DAILY_BUDGET_USD: '0.005' });
    skillFirstEveryRunRechecked(h);
    const a = think(h);
    const report = await runAndShadow(h, a.id);

    expect(report.outcome).toBe('succeeded');
    expect(anthropic.requests).toHaveLength(0);
    const [comparison] = h.store.evidence.list('think');
    expect(comparison).toMatchObject({ direction: 'model_beside_skill', status: 'skipped_budget', shadowCostUsd: 0 });
    expect(comparison!.reason).toMatch(/^skipped: up to \$0\.00\d+ would pass the daily LLM budget of \$0\.0050$/);
    expect(ledger(h)).toEqual([expect.objectContaining({ kind: 'shadow', cost_usd: 0, ok: 0, comparison_id: comparison!.id, automation_run_id: null })]);
    expect(h.engine.budget.spend().daily.spentUsd).toBe(0);
    expect(h.engine.service.budget(h.alice).byKind).toEqual({ run: 0, shadow: 0, judge: 0, skipped: 1 });
    // Skipped comparisons are evidence of nothing: they do not count.
    expect(h.engine.lifecycle.evidence('think')).toMatchObject({ comparisons: 0, scored: 0, notCounted: 1 });
  });

  it('skipped at the automation’s per-run cost cap, and at a person’s daily cap', async () => {
    const h = withClaude({ USER_DAILY_BUDGET_USD: '0.004' });
    skillFirstEveryRunRechecked(h);
    const capped = think(h, { name: 'capped', maxCostUsd: 0.001 });
    await runAndShadow(h, capped.id);
    const free = think(h, { name: 'uncapped' });
    await runAndShadow(h, free.id);
    expect(anthropic.requests).toHaveLength(0);
    expect(h.store.evidence.list('think').map((c) => [c.status, c.reason?.replace(/\$[\d.]+/g, '$')])).toEqual([
      ['skipped_budget', 'skipped: up to $ would pass the automation’s per-run cost cap of $'],
      ['skipped_budget', 'skipped: up to $ would pass the person’s daily LLM budget of $'],
    ]);
  });
});

describe('shadow calls and the lanes', () => {
  it('never queue ahead of real runs: with no free model slot of the owner’s share, the shadow call is skipped as busy', async () => {
    const h = withClaude({ RUN_TIMEOUT_SECONDS: '30' });
    skillFirstEveryRunRechecked(h);
    anthropic.script = [{ hang: true }];
    const digest = h.engine.service.create(h.alice, { name: 'digest', capability: 'ask', schedule: 'manual', inputs: { prompt: 'news' } });
    const slow = h.engine.service.runNow(h.alice, digest.id); // holds her one model slot (a quarter of 4)
    await flush();
    const a = think(h);
    expect((await runAndShadow(h, a.id)).outcome).toBe('succeeded');
    expect(h.store.evidence.list('think').map((c) => [c.status, c.reason])).toEqual([['skipped_busy', 'skipped: every model run slot it may use was busy with real runs']]);
    expect(anthropic.requests).toHaveLength(1); // only the real run's call
    await h.clock.advance(30_000);
    expect((await slow).outcome).toBe('failed');
  });
});

describe('what the model does not re-run', () => {
  it('a trusted page_watch, http_check or feed_watch run: the model cannot fetch the page, so no shadow call is made', async () => {
    const h = withClaude();
    h.random = () => 0;
    const a = h.engine.service.create(h.alice, { name: 'page', capability: 'page_watch', schedule: 'manual', inputs: { url: fixtures.site.url('/changelog') } });
    expect((await runAndShadow(h, a.id)).outcome).toBe('succeeded');
    expect(h.store.evidence.list('page_watch')).toEqual([]);
    expect(anthropic.requests).toHaveLength(0);
  });
});

describe('free text: the judge', () => {
  it('a malformed judgement is recorded and not counted; a valid one scores, names its judge and is metered as judge spend', async () => {
    const h = withClaude({ SKILL_PROMOTE_MIN_RUNS: '1' });
    const a = h.engine.service.create(h.alice, { name: 'changelog', capability: 'summarize_page', schedule: 'manual', inputs: { url: fixtures.site.url('/changelog') } });
    const summary = CHANGELOG_SUMMARY;
    anthropic.script = [modelSays(summary), { text: 'They say the same thing, mostly.', inputTokens: 300, outputTokens: 20 }];
    await runAndShadow(h, a.id);
    const [malformed] = h.store.evidence.list('summarize_page');
    expect(malformed).toMatchObject({ status: 'malformed', score: null, judge: 'model:claude-haiku-4-5' });
    expect(malformed!.reason).toMatch(/^the judge's answer was not \{"score", "reason"\}: the model did not answer with a JSON object/);
    expect(h.engine.lifecycle.evidence('summarize_page')).toMatchObject({ comparisons: 0, notCounted: 1 });

    // The judge is asked with the fixed rubric and both answers (A: the model's, B: the skill's).
    const judgeRequest = JSON.parse(anthropic.requests[1]!.body.messages[0]!.content) as { instructions: string; context: { answer_a: string; answer_b: string } };
    expect(judgeRequest.instructions).toMatch(/strict on facts/i);
    expect(judgeRequest.context.answer_a).toContain('Release 4.2 adds offline sync and fixes the login bug.');
    expect(judgeRequest.context.answer_b).toContain('Offline sync');

    // Out of range is malformed too.
    anthropic.script = [modelSays(summary), modelSays({ score: 1.4, reason: 'same' })];
    await runAndShadow(h, a.id);
    expect(h.store.evidence.list('summarize_page')[1]).toMatchObject({ status: 'malformed' });

    anthropic.script = [modelSays(summary), modelSays({ score: 0.9, reason: 'Same facts; the skill lists headings.' })];
    await runAndShadow(h, a.id);
    const scored = h.store.evidence.list('summarize_page')[2]!;
    expect(scored).toMatchObject({ status: 'scored', score: 0.9, judge: 'model:claude-haiku-4-5', reason: 'Same facts; the skill lists headings.', judgeCostUsd: 0.0015 });
    const judgeRows = ledger(h).filter((l) => l.kind === 'judge');
    expect(judgeRows).toHaveLength(3);
    expect(judgeRows.every((l) => l.automation_run_id === null)).toBe(true);
    // summarize_page is read as text: passing its gate asks a manager instead of promoting (SKILL_PROMOTION_APPROVAL unset).
    expect(stateOf(h, 'summarize_page')).toBe('sandbox');
    const question = skillNotices(h)[0]!;
    expect(question.embed).toMatchObject({ title: "summarize_page's local skill is ready for promotion", actions: ['promote_skill', 'keep_skill'] });
    expect(h.store.evidence.openProposalOf('summarize_page')).toMatchObject({ from: 'sandbox', to: 'shadow_primary', evidenceSize: 1 });
    // One question at a time: another passing comparison does not ask again.
    anthropic.script = [modelSays(summary), modelSays({ score: 0.95, reason: 'Same facts.' })];
    await runAndShadow(h, a.id);
    expect(skillNotices(h)).toHaveLength(1);
  });

  it('SHADOW_JUDGE=similarity scores free text by word overlap, with no model call', async () => {
    const h = withClaude({ SHADOW_JUDGE: 'similarity' });
    const a = h.engine.service.create(h.alice, { name: 'changelog', capability: 'summarize_page', schedule: 'manual', inputs: { url: fixtures.site.url('/changelog') } });
    anthropic.script = [modelSays(CHANGELOG_SUMMARY)];
    await runAndShadow(h, a.id);
    expect(anthropic.requests).toHaveLength(1);
    const [c] = h.store.evidence.list('summarize_page');
    expect(c).toMatchObject({ status: 'scored', judge: 'similarity' });
    // The skill took the same description and the same headings: the same words.
    expect(c!.score).toBe(1);
  });
});

describe('what comparisons keep', () => {
  it('outputs go with run retention; digests, scores and judges stay as evidence', async () => {
    const h = withClaude({ RUN_RETENTION_DAYS: '1', RUN_RETENTION_MIN_RUNS: '0' });
    anthropic.defaultReply = modelSays({ price: 89 });
    h.skill = () => ({ output: { price: 89 }, costUsd: 0 });
    const a = think(h);
    await runAndShadow(h, a.id);
    const before = h.store.evidence.list('think')[0]!;
    expect(before.primaryOutput).toEqual({ price: 89 });

    await h.clock.advance(2 * 24 * 60 * 60_000);
    await h.engine.retention.sweep();
    const after = h.store.evidence.list('think')[0]!;
    expect(after).toMatchObject({ status: 'scored', score: 1, judge: 'fields', primaryOutput: null, shadowOutput: null, primaryDigest: before.primaryDigest, shadowDigest: before.shadowDigest });
    expect(h.engine.lifecycle.evidence('think')).toMatchObject({ comparisons: 1, clean: 1 });
  });
});
