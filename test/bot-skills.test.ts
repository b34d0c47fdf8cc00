/**
 * Skills earning their place, as people see it in Discord (issue 14): the question a passed gate
 * asks in the tasks channel (SKILL_PROMOTION_APPROVAL manual, the default for summarize_page),
 * a manager's Promote / Keep, the announcement of the change, and `/capabilities` with the
 * evidence. The real bot against the Discord emulator (every body checked against Discord's
 * spec), the real Anthropic SDK against the fake Messages API.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { Actor } from '../src/automations/access.js';
import { customId } from '../src/discord/interactions/custom-id.js';
import { ALICE, BOB, MIA, startBot, until, type BotHarness } from './support/bot-harness.js';
import type { EmulatedMessage, InteractionTrace } from './support/discord-emulator.js';
import type { FakeReply } from './support/fake-anthropic.js';
import { CHANGELOG_SUMMARY, claudeAndChangelog, modelSays } from './support/skill-fixtures.js';

const SUMMARY = modelSays(CHANGELOG_SUMMARY);
const judged = (score: number): FakeReply => ({ text: JSON.stringify({ score, reason: 'Same facts, other words.' }), inputTokens: 400, outputTokens: 20 });

const fixtures = claudeAndChangelog();
const { anthropic } = fixtures;

let h: BotHarness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

const alice = (hh: BotHarness): Actor => ({ userId: ALICE, guildId: hh.discord.guildId, manager: false });
const tasks = (hh: BotHarness): EmulatedMessage[] => hh.discord.channelMessages(hh.discord.tasksChannelId).filter((m) => !m.deleted);
type Embed = { title?: string; description?: string; fields?: { name: string; value: string }[] };
const embedOf = (m: { embeds?: unknown } | null | undefined): Embed => ((m?.embeds ?? []) as Embed[])[0] ?? {};
const buttonIds = (m: EmulatedMessage): string[] => ((m.components ?? []) as { components?: { custom_id?: string; label?: string }[] }[]).flatMap((row) => (row.components ?? []).map((b) => `${b.label}=${b.custom_id}`));

async function bot(): Promise<BotHarness> {
  return startBot({ modelRoute: 'configured', env: { ANTHROPIC_API_KEY: 'sk-ant-test', ANTHROPIC_BASE_URL: fixtures.url, SKILL_PROMOTE_MIN_RUNS: '2' } });
}

/** Runs the summary `times` times (each: the model's summary, then the judge's score), shadows and delivery included. */
async function summarize(hh: BotHarness, id: number, scores: number[]): Promise<void> {
  for (const score of scores) {
    anthropic.script.push(SUMMARY, judged(score));
    await hh.clock.advance(60_000);
    await hh.steward.engine.service.runNow(alice(hh), id);
    await hh.steward.engine.shadows.idle();
  }
  await hh.steward.engine.notifications.idle();
}

async function answered(trace: InteractionTrace) {
  await trace.answered();
  expect(trace.rejections, `Discord refused part of the answer to ${trace.label}`).toEqual([]);
  return trace.reply();
}

describe('a skill that passed its gate, SKILL_PROMOTION_APPROVAL manual', () => {
  it('is announced with Promote / Keep; a member is refused; a manager promotes it; /capabilities shows the evidence and who', async () => {
    h = await bot();
    const a = h.steward.engine.service.create(alice(h), { name: 'changelog', capability: 'summarize_page', schedule: 'manual', inputs: { url: fixtures.site.url('/changelog') } });
    await summarize(h, a.id, [0.9, 0.95]);
    await until(() => tasks(h!).length === 1, 'the question in the tasks channel');

    const question = tasks(h)[0]!;
    const proposal = h.store.evidence.openProposalOf('summarize_page')!;
    expect(embedOf(question).title).toBe("summarize_page's local skill is ready for promotion");
    expect(embedOf(question).description).toContain('the model would re-check 20% of them');
    // Mean 0.925 over 2: the 95% Wilson interval is wide, and says so.
    expect(embedOf(question).fields!.map((f) => [f.name, f.value])).toEqual([
      ['State', '`sandbox` → `shadow_primary`?'],
      ['Evidence', 'agreement 93% (95% CI 29–100%) over 2 comparisons\n2 of 2 comparisons clean'],
    ]);
    expect(buttonIds(question)).toEqual([`Promote=${customId.skillProposal('promote', proposal.id)}`, `Keep as it is=${customId.skillProposal('keep', proposal.id)}`]);
    expect(h.store.capabilities.get('summarize_page')!.skill!.state).toBe('sandbox');

    const before = embedOf(await answered(await h.discord.slash(BOB, 'capabilities')));
    const sandboxField = before.fields!.find((f) => f.name === 'summarize_page (model)')!.value;
    expect(sandboxField).toContain('Skill: `sandbox`, as installed · a manager is asked to promote it');
    expect(sandboxField).toContain('Since then: 2 skill runs beside the model, 2 clean; agreement 93% (95% CI 29–100%) over 2 comparisons');
    // A fetching skill is never re-run by the model (it could not fetch the page): /capabilities says so instead of "no comparisons yet".
    expect(before.fields!.find((f) => f.name === 'http_check (local skill)')!.value).toContain('Skill: `trusted`, as installed · not re-checked: the model cannot do this work itself');

    const refused = await answered(await h.discord.click(BOB, question, customId.skillProposal('promote', proposal.id)));
    expect(refused?.content).toBe('❌ only managers can promote a capability or keep it as it is');
    expect(h.store.capabilities.get('summarize_page')!.skill!.state).toBe('sandbox');

    const pressed = await answered(await h.discord.click(MIA, question, customId.skillProposal('promote', proposal.id)));
    expect(embedOf(pressed)).toMatchObject({ title: "summarize_page's local skill was promoted", description: `Promoted by <@${MIA}> to \`shadow_primary\`.` });
    expect(pressed?.components ?? []).toEqual([]);
    expect(h.store.capabilities.get('summarize_page')!.skill).toMatchObject({ state: 'shadow_primary', stateChangedBy: MIA });
    expect(h.store.evidence.stateChanges('summarize_page')[0]).toMatchObject({ from: 'sandbox', to: 'shadow_primary', by: { kind: 'person', userId: MIA }, reason: 'it passed its gate, and Promote was pressed' });

    await h.steward.engine.notifications.idle();
    await until(() => tasks(h!).length === 2, 'the announcement of the promotion');
    const announced = embedOf(tasks(h)[1]);
    expect(announced.title).toBe('summarize_page now runs on its local skill');
    expect(announced.description).toBe(
      `Promoted by <@${MIA}>: it passed its gate, and Promote was pressed.\nIts runs now go through its local skill (free); the model re-checks 20% of them.`,
    );

    // The next run goes through the skill: spend saved, estimated from what its model runs cost.
    await h.clock.advance(60_000);
    const report = await h.steward.engine.service.runNow(alice(h), a.id);
    expect(h.store.runs.get(report.runId!)!.path).toBe('skill');
    const after = embedOf(await answered(await h.discord.slash(BOB, 'capabilities')));
    const primaryField = after.fields!.find((f) => f.name === 'summarize_page (local skill)')!.value;
    expect(primaryField).toMatch(new RegExp(`Skill: \`shadow_primary\`, promoted by <@${MIA}> <t:\\d+:R>`));
    expect(primaryField).toContain('Saved this month: ≈ $0.0015, 1 run on the skill × $0.0015, what its model runs cost on average (2 priced)');
  });

  it('Keep leaves it on the model and asks again only once as much new evidence is in', async () => {
    h = await bot();
    const a = h.steward.engine.service.create(alice(h), { name: 'changelog', capability: 'summarize_page', schedule: 'manual', inputs: { url: fixtures.site.url('/changelog') } });
    await summarize(h, a.id, [0.9, 0.9]);
    await until(() => tasks(h!).length === 1, 'the question');
    const first = h.store.evidence.openProposalOf('summarize_page')!;
    const kept = await answered(await h.discord.click(MIA, tasks(h)[0]!, customId.skillProposal('keep', first.id)));
    expect(embedOf(kept)).toMatchObject({ title: 'summarize_page stays as it is' });
    expect(h.store.evidence.proposal(first.id)).toMatchObject({ status: 'kept', decidedBy: MIA });
    expect(h.store.capabilities.get('summarize_page')!.skill!.state).toBe('sandbox');

    await summarize(h, a.id, [0.9]); // 3 comparisons: under twice the 2 the question was asked on
    expect(h.store.evidence.openProposalOf('summarize_page')).toBeNull();
    await summarize(h, a.id, [0.9]); // 4: asked again
    expect(h.store.evidence.openProposalOf('summarize_page')).toMatchObject({ evidenceSize: 4 });
    await until(() => tasks(h!).length === 2, 'the second question');
  });
});
