import { randomUUID } from 'node:crypto';
import {
  ActionRowBuilder,
  ButtonBuilder,
  ButtonStyle,
  MessageFlags,
  ModalBuilder,
  SlashCommandBuilder,
  TextInputBuilder,
  TextInputStyle,
  type AutocompleteInteraction,
  type ButtonInteraction,
  type ChatInputCommandInteraction,
  type ModalSubmitInteraction,
  type SlashCommandSubcommandBuilder,
} from 'discord.js';
import type { AutomationStatus } from '../src/automations/types.js';
import type { CreateInput, EditInput } from '../src/automations/service.js';
import { nextRuns } from '../src/automations/schedule.js';
import {
  actorOf,
  automationButtons,
  NO_MENTIONS,
  parseRef,
  replyError,
  type BotContext,
  type RepliableInteraction,
  type SlashCommand,
} from '../src/discord/context.js';
import { cut, discordTime, LIMITS } from '../src/discord/limits.js';
import { exampleInputs } from '../src/capabilities/types.js';
import { timezoneChoices } from '../src/discord/timezones.js';
import { createdEmbed, detailsEmbed, listEmbed, md, runReportEmbed, runsEmbed } from '../src/discord/views.js';

const PAGE_SIZE = 10;
const STATUSES: AutomationStatus[] = ['active', 'paused'];

/** The options create and edit share (edit makes them all optional). */
function settingsOptions(sub: SlashCommandSubcommandBuilder, required: boolean): SlashCommandSubcommandBuilder {
  return sub
    .addStringOption((o) => o.setName('capability').setDescription('What to do (see /capabilities)').setRequired(required).setAutocomplete(true))
    .addStringOption((o) =>
      o.setName('schedule').setDescription('Cron ("0 9 * * 1-5"), a nickname (@daily), or "manual"').setRequired(required).setMaxLength(120),
    )
    .addStringOption((o) => o.setName('timezone').setDescription('IANA time zone, e.g. Europe/Berlin (default: yours, see /settings)').setAutocomplete(true))
    .addStringOption((o) => o.setName('inputs').setDescription('JSON, or key=value; key=value (leave out to type them in a box)').setMaxLength(4000))
    .addStringOption((o) => o.setName('alert').setDescription('When to alert, e.g. price <= 100 and in_stock == true').setMaxLength(1000))
    .addStringOption((o) =>
      o
        .setName('alert_mode')
        .setDescription('change: when it turns true (default); every: every run it holds')
        .addChoices({ name: 'change', value: 'change' }, { name: 'every', value: 'every' }),
    )
    .addIntegerOption((o) => o.setName('repeat_after').setDescription('With mode change: remind every N minutes while it stays true').setMinValue(1))
    .addNumberOption((o) => o.setName('max_cost').setDescription('Most a run may cost, in USD').setMinValue(0))
    .addStringOption((o) => o.setName('description').setDescription('A note for yourself').setMaxLength(1000))
    .addStringOption((o) =>
      o.setName('alert_to').setDescription('Where alerts go').addChoices({ name: 'tasks channel', value: 'tasks' }, { name: 'my DMs', value: 'dm' }),
    )
    .addStringOption((o) =>
      o
        .setName('catch_up')
        .setDescription('After downtime: run once for the missed slots (default), or skip them')
        .addChoices({ name: 'once', value: 'once' }, { name: 'skip', value: 'skip' }),
    );
}

const nameOption = (sub: SlashCommandSubcommandBuilder) =>
  sub.addStringOption((o) => o.setName('name').setDescription('Which automation').setRequired(true).setAutocomplete(true).setMaxLength(100));

const definition = new SlashCommandBuilder()
  .setName('automation')
  .setDescription('Create, run and inspect your automations')
  .setDMPermission(false)
  .addSubcommand((s) =>
    settingsOptions(s.setName('create').setDescription('Create an automation').addStringOption((o) => o.setName('name').setDescription('A name you will recognise').setRequired(true).setMaxLength(64)), true),
  )
  .addSubcommand((s) =>
    s
      .setName('list')
      .setDescription('Your automations (managers: everyone’s with all)')
      .addBooleanOption((o) => o.setName('all').setDescription('Everyone’s (managers only)'))
      .addStringOption((o) => o.setName('status').setDescription('Only these').addChoices(...STATUSES.map((v) => ({ name: v, value: v })))),
  )
  .addSubcommand((s) => nameOption(s.setName('show').setDescription('Everything about one automation')))
  .addSubcommand((s) =>
    nameOption(s.setName('runs').setDescription('Recent runs of an automation')).addIntegerOption((o) =>
      o.setName('limit').setDescription('How many (default 10)').setMinValue(1).setMaxValue(25),
    ),
  )
  .addSubcommand((s) => nameOption(s.setName('pause').setDescription('Pause an automation')))
  .addSubcommand((s) => nameOption(s.setName('resume').setDescription('Resume a paused automation')))
  .addSubcommand((s) => nameOption(s.setName('run').setDescription('Run an automation now')))
  .addSubcommand((s) =>
    settingsOptions(
      nameOption(s.setName('edit').setDescription('Change an automation')).addStringOption((o) => o.setName('new_name').setDescription('A new name').setMaxLength(64)),
      false,
    ),
  )
  .addSubcommand((s) => nameOption(s.setName('delete').setDescription('Delete an automation (asks first)')))
  .addSubcommand((s) =>
    nameOption(s.setName('test-alert').setDescription('Try an alert condition on the last 20 outputs')).addStringOption((o) =>
      o.setName('alert').setDescription('The condition to try, e.g. price < 100').setRequired(true).setMaxLength(1000),
    ),
  );

/** Settings given as options, in the service's terms (absent options stay absent). */
function settingsFrom(i: ChatInputCommandInteraction): EditInput {
  const o = i.options;
  const repeat = o.getInteger('repeat_after');
  const entries: [keyof EditInput, unknown][] = [
    ['capability', o.getString('capability')],
    ['schedule', o.getString('schedule')],
    ['timezone', o.getString('timezone')],
    ['inputs', o.getString('inputs')],
    ['alert', o.getString('alert')],
    ['alertMode', o.getString('alert_mode')],
    ['repeatAfterSeconds', repeat === null ? null : repeat * 60],
    ['maxCostUsd', o.getNumber('max_cost')],
    ['description', o.getString('description')],
    ['alertTo', o.getString('alert_to')],
    ['catchUp', o.getString('catch_up')],
  ];
  return Object.fromEntries(entries.filter(([, v]) => v !== null)) as EditInput;
}

/** Creates pending a modal's inputs: kept in memory for 15 minutes, keyed by the modal's id. */
const pendingCreates = new Map<string, { input: CreateInput; expires: number }>();
const PENDING_MS = 15 * 60_000;

async function create(i: ChatInputCommandInteraction, ctx: BotContext): Promise<void> {
  const input = { ...settingsFrom(i), name: i.options.getString('name', true), createdVia: 'discord' } as CreateInput;
  const capability = ctx.service.capabilities().find((c) => c.name === input.capability);
  const needsInputs = Array.isArray(capability?.inputSchema.required) && capability.inputSchema.required.length > 0;
  if (input.inputs === undefined && needsInputs) {
    ctx.service.checkCreate(actorOf(i, ctx.config), input); // a bad schedule or a taken name is said before the form
    for (const [key, pending] of pendingCreates) if (pending.expires < Date.now()) pendingCreates.delete(key);
    const id = randomUUID().slice(0, 8);
    pendingCreates.set(id, { input, expires: Date.now() + PENDING_MS });
    const example = (capability && exampleInputs(capability.example)) ?? '{"url": "https://example.com"}';
    await i.showModal(
      new ModalBuilder()
        .setCustomId(`create:${id}`)
        .setTitle(cut(`Inputs for ${input.name}`, 45))
        .addComponents(
          new ActionRowBuilder<TextInputBuilder>().addComponents(
            new TextInputBuilder()
              .setCustomId('inputs')
              .setLabel(cut(`Inputs of ${input.capability} (JSON or key=value; …)`, 45))
              .setStyle(TextInputStyle.Paragraph)
              .setPlaceholder(cut(example, 100))
              .setRequired(true)
              .setMaxLength(4000),
          ),
        ),
    );
    return;
  }
  await answerCreated(i, ctx, input);
}

async function answerCreated(i: ChatInputCommandInteraction | ModalSubmitInteraction, ctx: BotContext, input: CreateInput): Promise<void> {
  const automation = ctx.service.create(actorOf(i, ctx.config), input);
  const capability = ctx.service.capabilities().find((c) => c.name === automation.capability) ?? null;
  const slots = automation.schedule ? nextRuns(automation.schedule, automation.timezone, ctx.clock.now(), 3) : [];
  await i.reply({
    embeds: [createdEmbed(automation, capability, slots)],
    components: [automationButtons(automation.id, automation.status)],
    flags: MessageFlags.Ephemeral,
    allowedMentions: NO_MENTIONS,
  });
}

async function list(i: ChatInputCommandInteraction | ButtonInteraction, ctx: BotContext, page: number, all: boolean, status: AutomationStatus | undefined): Promise<void> {
  const actor = actorOf(i, ctx.config);
  const result = ctx.service.list(actor, { all, ...(status ? { status } : {}), limit: PAGE_SIZE, offset: page * PAGE_SIZE });
  const pages = Math.ceil(result.total / PAGE_SIZE);
  const everyone = all && actor.manager;
  const payload = {
    embeds: [listEmbed(result.automations, page, pages, result.total, everyone)],
    components:
      pages > 1
        ? [
            new ActionRowBuilder<ButtonBuilder>().addComponents(
              new ButtonBuilder().setCustomId(`list:${page - 1}:${all ? 1 : 0}:${status ?? ''}`).setLabel('◀ Previous').setStyle(ButtonStyle.Secondary).setDisabled(page <= 0),
              new ButtonBuilder().setCustomId(`list:${page + 1}:${all ? 1 : 0}:${status ?? ''}`).setLabel('Next ▶').setStyle(ButtonStyle.Secondary).setDisabled(page + 1 >= pages),
            ),
          ]
        : [],
    allowedMentions: NO_MENTIONS,
  };
  if (i.isButton()) await i.update(payload);
  else await i.reply({ ...payload, flags: MessageFlags.Ephemeral });
}

function details(i: RepliableInteraction, ctx: BotContext, id: number | string) {
  const d = ctx.service.inspect(actorOf(i, ctx.config), id);
  const capability = ctx.service.capabilities().find((c) => c.name === d.automation.capability) ?? null;
  return { embeds: [detailsEmbed(d, capability)], components: [automationButtons(d.automation.id, d.automation.status)], allowedMentions: NO_MENTIONS };
}

async function runNow(i: ChatInputCommandInteraction | ButtonInteraction, ctx: BotContext, ref: number | string): Promise<void> {
  const actor = actorOf(i, ctx.config);
  const automation = ctx.service.find(actor, ref);
  await i.deferReply({ flags: MessageFlags.Ephemeral });
  const report = await ctx.service.runNow(actor, automation.id);
  const run = report.runId ? (ctx.service.recentRuns(actor, automation.id, 1).runs[0] ?? null) : null;
  await i.editReply({ embeds: [runReportEmbed(automation, report, run)], allowedMentions: NO_MENTIONS });
}

async function askDelete(i: ChatInputCommandInteraction | ButtonInteraction, ctx: BotContext, ref: number | string): Promise<void> {
  const automation = ctx.service.find(actorOf(i, ctx.config), ref);
  await i.reply({
    content: cut(`Delete **${md(automation.name)}**? Its runs stay on record; the name becomes free.`, LIMITS.content),
    components: [
      new ActionRowBuilder<ButtonBuilder>().addComponents(
        new ButtonBuilder().setCustomId(`a:delete-yes:${automation.id}`).setLabel('Delete').setStyle(ButtonStyle.Danger),
        new ButtonBuilder().setCustomId(`a:delete-no:${automation.id}`).setLabel('Keep it').setStyle(ButtonStyle.Secondary),
      ),
    ],
    flags: MessageFlags.Ephemeral,
    allowedMentions: NO_MENTIONS,
  });
}

async function execute(i: ChatInputCommandInteraction, ctx: BotContext): Promise<void> {
  const sub = i.options.getSubcommand();
  const actor = actorOf(i, ctx.config);
  const ref = () => parseRef(i.options.getString('name', true));
  const ephemeral = { flags: MessageFlags.Ephemeral, allowedMentions: NO_MENTIONS } as const;
  switch (sub) {
    case 'create':
      return create(i, ctx);
    case 'list':
      return list(i, ctx, 0, i.options.getBoolean('all') ?? false, (i.options.getString('status') ?? undefined) as AutomationStatus | undefined);
    case 'show':
      await i.reply({ ...details(i, ctx, ref()), flags: MessageFlags.Ephemeral });
      return;
    case 'runs': {
      const { automation, runs } = ctx.service.recentRuns(actor, ref(), i.options.getInteger('limit') ?? 10);
      await i.reply({ embeds: [runsEmbed(automation, runs)], ...ephemeral });
      return;
    }
    case 'pause': {
      const a = ctx.service.pause(actor, ref());
      await i.reply({ content: cut(`⏸️ Paused **${md(a.name)}**. \`/automation resume\` starts it again.`, LIMITS.content), ...ephemeral });
      return;
    }
    case 'resume': {
      const a = ctx.service.resume(actor, ref());
      const next = a.nextRunAt ? `next run ${discordTime(a.nextRunAt, 'F')} (${discordTime(a.nextRunAt, 'R')})` : 'it runs when you run it';
      await i.reply({ content: cut(`▶️ Resumed **${md(a.name)}**: ${next}.`, LIMITS.content), ...ephemeral });
      return;
    }
    case 'run':
      return runNow(i, ctx, ref());
    case 'edit': {
      const patch = settingsFrom(i);
      const newName = i.options.getString('new_name');
      if (newName !== null) patch.name = newName;
      if (Object.keys(patch).length === 0) {
        await replyError(i, 'Nothing to change: give at least one option, e.g. `schedule:0 8 * * *` or `alert:price < 90`.');
        return;
      }
      const a = ctx.service.edit(actor, ref(), patch);
      await i.reply({ ...details(i, ctx, a.id), content: cut(`✏️ Changed **${md(a.name)}**.`, LIMITS.content), flags: MessageFlags.Ephemeral });
      return;
    }
    case 'delete':
      return askDelete(i, ctx, ref());
    case 'test-alert': {
      const result = ctx.service.testAlert(actor, ref(), i.options.getString('alert', true));
      const which = result.matched.map((r) => `#${r.id} ${discordTime(r.startedAt, 'f')}`).join(', ');
      const text =
        result.tried === 0
          ? 'No succeeded runs to try it on yet: run the automation first (`/automation run`).'
          : `It would have fired on **${result.matched.length} of the last ${result.tried}** runs${which ? `: ${which}` : '.'}`;
      await i.reply({ content: cut(text, LIMITS.content), ...ephemeral });
      return;
    }
    default:
      await replyError(i, `unknown subcommand ${sub}`);
  }
}

async function autocomplete(i: AutocompleteInteraction, ctx: BotContext): Promise<void> {
  const focused = i.options.getFocused(true);
  const text = String(focused.value);
  let choices: { name: string; value: string }[] = [];
  if (focused.name === 'name') {
    const actor = actorOf(i, ctx.config);
    choices = ctx.service
      .suggestNames(actor, text)
      .map((a) => ({ name: cut(a.userId === actor.userId ? a.name : `${a.name} (${a.userId})`, LIMITS.choiceName), value: `#${a.id}` }));
  } else if (focused.name === 'capability') {
    choices = ctx.service
      .capabilities()
      .filter((c) => c.name.includes(text.toLowerCase()))
      .map((c) => ({ name: cut(`${c.name} — ${c.description}`, LIMITS.choiceName), value: c.name }));
  } else if (focused.name === 'timezone') {
    choices = timezoneChoices(text);
  }
  await i.respond(choices.slice(0, LIMITS.choices));
}

async function button(i: ButtonInteraction, ctx: BotContext, args: string[]): Promise<void> {
  const [action, rawId] = args;
  const id = Number(rawId);
  const actor = actorOf(i, ctx.config);
  const onDetails = i.message.embeds[0]?.footer?.text?.startsWith(`#${id} `) ?? false;
  const ephemeral = { flags: MessageFlags.Ephemeral, allowedMentions: NO_MENTIONS } as const;
  switch (action) {
    case 'show':
      await i.reply({ ...details(i, ctx, id), flags: MessageFlags.Ephemeral });
      return;
    case 'pause':
    case 'resume': {
      const a = action === 'pause' ? ctx.service.pause(actor, id) : ctx.service.resume(actor, id);
      if (onDetails) await i.update(details(i, ctx, id));
      else await i.reply({ content: cut(`${action === 'pause' ? '⏸️ Paused' : '▶️ Resumed'} **${md(a.name)}**.`, LIMITS.content), ...ephemeral });
      return;
    }
    case 'run':
      return runNow(i, ctx, id);
    case 'delete':
      return askDelete(i, ctx, id);
    case 'delete-yes': {
      const a = ctx.service.delete(actor, id);
      await i.update({ content: cut(`🗑️ Deleted **${md(a.name)}**.`, LIMITS.content), components: [], embeds: [] });
      return;
    }
    case 'delete-no':
      await i.update({ content: 'Kept it.', components: [], embeds: [] });
      return;
    default:
      await replyError(i, 'That button is from an older version of Steward; run the command again.');
  }
}

async function modal(i: ModalSubmitInteraction, ctx: BotContext, args: string[]): Promise<void> {
  const pending = pendingCreates.get(args[0] ?? '');
  if (!pending || pending.expires < Date.now()) {
    await replyError(i, 'This form expired (15 minutes): run `/automation create` again.');
    return;
  }
  pendingCreates.delete(args[0]!);
  await answerCreated(i, ctx, { ...pending.input, inputs: i.fields.getTextInputValue('inputs') });
}

export const automationCommand: SlashCommand = {
  definition: definition.toJSON(),
  execute,
  autocomplete,
  components: { prefix: 'a', button },
};

/** The list pages and the create form have their own prefixes. */
export const automationListPages: SlashCommand['components'] = {
  prefix: 'list',
  button: (i, ctx, [page, all, status]) => list(i, ctx, Math.max(0, Number(page)), all === '1', (status || undefined) as AutomationStatus | undefined),
};
export const automationCreateForm: SlashCommand['components'] = { prefix: 'create', modal };
