/**
 * Answers that a slash command and a button both give (show, list pages, run now, delete), so the
 * two stay the same answer.
 */
import type { ButtonInteraction, ChatInputCommandInteraction } from 'discord.js';
import type { AutomationRef } from '../automations/service.js';
import type { AutomationStatus } from '../automations/types.js';
import { CHART_FILE_SUFFIX, type AutomationView, type ChartView } from '../automations/view-models.js';
import { ActionRowBuilder, AttachmentBuilder, type ButtonBuilder } from 'discord.js';
import { automationButtons, automationRow, listPageButtons, outputButton } from './components.js';
import { actorOf, EPHEMERAL, NO_MENTIONS, type BotContext, type RepliableInteraction } from './context.js';
import { cut, LIMITS } from './limits.js';
import { createdEmbed, detailsEmbed, listEmbed, md, runReportEmbed } from './views.js';

const PAGE_SIZE = 10;

/** What a create answers (the command with inputs, or its form). */
export function createdReply(automation: AutomationView) {
  return {
    ...(automation.scheduleReadFrom ? { content: scheduleReadLine(automation) } : {}),
    embeds: [createdEmbed(automation)],
    components: [automationButtons(automation.id, automation.status)],
    ...EPHEMERAL,
  };
}

/** The line saying how a schedule typed in words was stored (the words, then the cron expression). */
export function scheduleReadLine(automation: AutomationView): string {
  return cut(`🗓️ Read “${automation.scheduleReadFrom}” as \`${automation.schedule}\`.`, LIMITS.content);
}

/**
 * The automation's details with its buttons, and its chart when one was drawn (`chart`). Without
 * one, a button on details that carry a chart keeps showing it (the message keeps its file).
 */
export function detailsReply(i: RepliableInteraction, ctx: BotContext, ref: AutomationRef, chart?: ChartView) {
  const details = ctx.service.inspect(actorOf(i, ctx.config), ref);
  const row = automationButtons(details.automation.id, details.automation.status);
  if (details.lastReading) row.addComponents(outputButton(details.lastReading.runId));
  const image = chart?.image ?? null;
  const kept = chart === undefined && i.isButton() ? [...i.message.attachments.values()].find((a) => a.name.endsWith(CHART_FILE_SUFFIX))?.name : undefined;
  return {
    embeds: [detailsEmbed(details, chart, kept)],
    components: [row],
    allowedMentions: NO_MENTIONS,
    ...(image ? { files: [new AttachmentBuilder(Buffer.from(image.png), { name: image.filename, description: image.description })] } : {}),
  };
}

/**
 * `/automation show` and the Show button: the details with the chart of the recent runs. When
 * there is a chart to draw it answers "thinking…" first (drawing may outlast Discord's 3 s).
 */
export async function showReply(i: ChatInputCommandInteraction | ButtonInteraction, ctx: BotContext, ref: AutomationRef): Promise<void> {
  const plan = ctx.service.chartPlan(actorOf(i, ctx.config), ref); // "not found" is said at once
  if (plan.spec === null) {
    await i.reply({ ...detailsReply(i, ctx, ref, await ctx.service.drawChart(plan)), ...EPHEMERAL });
    return;
  }
  await i.deferReply({ flags: EPHEMERAL.flags });
  const chart = await ctx.service.drawChart(plan);
  await i.editReply(detailsReply(i, ctx, ref, chart));
}

/** A page of `/automation list`; a button click turns the page in place. */
export async function listReply(
  i: ChatInputCommandInteraction | ButtonInteraction,
  ctx: BotContext,
  page: number,
  all: boolean,
  status: Exclude<AutomationStatus, 'deleted'> | undefined,
): Promise<void> {
  const result = ctx.service.list(actorOf(i, ctx.config), { all, ...(status ? { status } : {}), limit: PAGE_SIZE, offset: page * PAGE_SIZE });
  const pages = Math.ceil(result.total / PAGE_SIZE);
  const payload = {
    ...(result.narrowed ? { content: 'Only managers can list everyone’s automations: these are yours.' } : {}),
    embeds: [listEmbed(result.automations, page, pages, result.total, result.everyone)],
    components: pages > 1 ? [listPageButtons(page, pages, all, status)] : [],
    allowedMentions: NO_MENTIONS,
  };
  if (i.isButton()) await i.update(payload);
  else await i.reply({ ...payload, ...EPHEMERAL });
}

/** Runs the automation now, answering "thinking…" first and the outcome when it is done. */
export async function runNowReply(i: ChatInputCommandInteraction | ButtonInteraction, ctx: BotContext, ref: AutomationRef): Promise<void> {
  const actor = actorOf(i, ctx.config);
  const { id } = ctx.service.find(actor, ref); // "not found" is said at once, not after "thinking…"
  await i.deferReply({ flags: EPHEMERAL.flags });
  const report = await ctx.service.runNow(actor, id);
  const components = report.run?.output ? [new ActionRowBuilder<ButtonBuilder>().addComponents(outputButton(report.run.id))] : [];
  await i.editReply({ embeds: [runReportEmbed(report)], components, allowedMentions: NO_MENTIONS });
}

/** Asks before deleting, with Delete / Keep it. */
export async function askDeleteReply(i: ChatInputCommandInteraction | ButtonInteraction, ctx: BotContext, ref: AutomationRef): Promise<void> {
  const automation = ctx.service.find(actorOf(i, ctx.config), ref);
  await i.reply({
    content: cut(`Delete **${md(automation.name)}**? Its runs stay on record; the name becomes free.`, LIMITS.content),
    components: [automationRow(automation.id, ['delete-yes', 'delete-no'])],
    ...EPHEMERAL,
  });
}
