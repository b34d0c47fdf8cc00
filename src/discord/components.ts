/** The buttons and forms Steward attaches to its messages; their ids come from interactions/custom-id.ts. */
import { ActionRowBuilder, ButtonBuilder, ButtonStyle, ModalBuilder, TextInputBuilder, TextInputStyle } from 'discord.js';
import type { AutomationStatus } from '../automations/types.js';
import type { DraftView } from '../automations/drafts.js';
import { customId, type AutomationAction, type HoldAction, type ProposalAction } from './interactions/custom-id.js';
import { cut } from './limits.js';

const AUTOMATION_BUTTONS: Record<AutomationAction, readonly [string, ButtonStyle]> = {
  show: ['Show', ButtonStyle.Secondary],
  pause: ['Pause', ButtonStyle.Secondary],
  resume: ['Resume', ButtonStyle.Success],
  run: ['Run now', ButtonStyle.Primary],
  delete: ['Delete', ButtonStyle.Danger],
  'delete-yes': ['Delete', ButtonStyle.Danger],
  'delete-no': ['Keep it', ButtonStyle.Secondary],
};

/** A button acting on one automation. */
export function automationButton(action: AutomationAction, id: number): ButtonBuilder {
  const [label, style] = AUTOMATION_BUTTONS[action];
  return new ButtonBuilder().setCustomId(customId.automation(action, id)).setLabel(label).setStyle(style);
}

const HOLD_BUTTONS: Record<HoldAction, string> = { 'snooze-hour': 'Snooze 1 h', 'snooze-day': 'Snooze 1 day', mute: 'Mute until resolved' };

/** A button under an alert that holds its automation's alerts (Snooze 1 h, Snooze 1 day, Mute until resolved). */
export function holdButton(action: HoldAction, id: number): ButtonBuilder {
  return new ButtonBuilder().setCustomId(customId.hold(action, id)).setLabel(HOLD_BUTTONS[action]).setStyle(ButtonStyle.Secondary);
}

/** Buttons in rows of at most five (Discord's limit per action row), at most five rows. */
export function buttonRows(buttons: readonly ButtonBuilder[]): ActionRowBuilder<ButtonBuilder>[] {
  const rows: ActionRowBuilder<ButtonBuilder>[] = [];
  for (let i = 0; i < Math.min(buttons.length, 25); i += 5) rows.push(new ActionRowBuilder<ButtonBuilder>().addComponents(...buttons.slice(i, i + 5)));
  return rows;
}

/** "Output": shows a run's raw output to its owner (and managers). */
export function outputButton(runId: number): ButtonBuilder {
  return new ButtonBuilder().setCustomId(customId.runOutput(runId)).setLabel('Output').setStyle(ButtonStyle.Secondary);
}

/** Promote / Keep under a skill that passed its gate. */
export function skillProposalButton(action: ProposalAction, proposal: number): ButtonBuilder {
  return new ButtonBuilder()
    .setCustomId(customId.skillProposal(action, proposal))
    .setLabel(action === 'promote' ? 'Promote' : 'Keep as it is')
    .setStyle(action === 'promote' ? ButtonStyle.Success : ButtonStyle.Secondary);
}

/** A row of buttons acting on one automation. */
export function automationRow(id: number, actions: readonly AutomationAction[]): ActionRowBuilder<ButtonBuilder> {
  return new ActionRowBuilder<ButtonBuilder>().addComponents(...actions.map((action) => automationButton(action, id)));
}

/** The buttons under an automation's details. */
export function automationButtons(id: number, status: AutomationStatus): ActionRowBuilder<ButtonBuilder> {
  return automationRow(id, [status === 'paused' ? 'resume' : 'pause', 'run', 'delete']);
}

/** Previous / Next under a page of `/automation list`. */
export function listPageButtons(page: number, pages: number, all: boolean, status: 'active' | 'paused' | undefined): ActionRowBuilder<ButtonBuilder> {
  return new ActionRowBuilder<ButtonBuilder>().addComponents(
    new ButtonBuilder().setCustomId(customId.listPage(Math.max(page - 1, 0), all, status)).setLabel('◀ Previous').setStyle(ButtonStyle.Secondary).setDisabled(page <= 0),
    new ButtonBuilder().setCustomId(customId.listPage(page + 1, all, status)).setLabel('Next ▶').setStyle(ButtonStyle.Secondary).setDisabled(page + 1 >= pages),
  );
}

/** "Edit again" under a refused create form: reopens it with what was typed. */
export function editAgainButton(form: string): ActionRowBuilder<ButtonBuilder> {
  return new ActionRowBuilder<ButtonBuilder>().addComponents(new ButtonBuilder().setCustomId(customId.createAgain(form)).setLabel('Edit again').setStyle(ButtonStyle.Primary));
}

/** discord.js's modal builders check lengths in UTF-16 units (an emoji counts 2), stricter than Discord. */
const BUILDER = 'UTF-16 units';

/** The form asking for a create's inputs; `typed` prefills it with what the person typed before. */
export function createFormModal(form: string, name: string, capability: string, example: string, typed: string | null): ModalBuilder {
  const input = new TextInputBuilder()
    .setCustomId('inputs')
    .setLabel(cut(`Inputs of ${capability} (JSON or key=value; …)`, 45, BUILDER))
    .setStyle(TextInputStyle.Paragraph)
    .setPlaceholder(cut(example, 100, BUILDER))
    .setRequired(true)
    .setMaxLength(4000);
  if (typed) input.setValue(cut(typed, 4000, BUILDER));
  return new ModalBuilder()
    .setCustomId(customId.createForm(form))
    .setTitle(cut(`Inputs for ${name}`, 45, BUILDER))
    .addComponents(new ActionRowBuilder<TextInputBuilder>().addComponents(input));
}

/** Create / Edit / Cancel under a draft. */
export function draftButtons(draft: string): ActionRowBuilder<ButtonBuilder> {
  return new ActionRowBuilder<ButtonBuilder>().addComponents(
    new ButtonBuilder().setCustomId(customId.draft('create', draft)).setLabel('Create').setStyle(ButtonStyle.Success),
    new ButtonBuilder().setCustomId(customId.draft('edit', draft)).setLabel('Edit').setStyle(ButtonStyle.Secondary),
    new ButtonBuilder().setCustomId(customId.draft('cancel', draft)).setLabel('Cancel').setStyle(ButtonStyle.Secondary),
  );
}

/** The form that edits a draft: name, schedule, inputs and alert, filled in with the draft's. */
export function draftFormModal(d: DraftView): ModalBuilder {
  const field = (id: string, label: string, value: string, style: TextInputStyle, max: number, required: boolean, placeholder: string) => {
    const input = new TextInputBuilder().setCustomId(id).setLabel(label).setStyle(style).setRequired(required).setMaxLength(max).setPlaceholder(placeholder);
    if (value) input.setValue(cut(value, max));
    return new ActionRowBuilder<TextInputBuilder>().addComponents(input);
  };
  return new ModalBuilder()
    .setCustomId(customId.draftForm(d.id))
    .setTitle(cut(`Edit the draft ${d.name}`, 45))
    .addComponents(
      field('name', 'Name', d.name, TextInputStyle.Short, 64, true, 'A name you will recognise'),
      field('schedule', 'Schedule (words, cron, or manual)', d.schedule ?? 'manual', TextInputStyle.Short, 120, true, 'every 15 minutes'),
      field('inputs', cut(`Inputs of ${d.capability} (JSON or key=value; …)`, 45), JSON.stringify(d.inputs), TextInputStyle.Paragraph, 4000, false, '{"url": "https://example.com"}'),
      field('alert', 'Alert (empty: none)', d.alertText, TextInputStyle.Short, 1000, false, 'price < 100'),
    );
}
