/** The options several /automation subcommands share, and how their values reach the service. */
import type { ChatInputCommandInteraction, SlashCommandSubcommandBuilder } from 'discord.js';
import type { AutomationRef, EditInput } from '../../src/automations/service.js';
import { parseRef } from '../../src/discord/context.js';

/** The settings create and edit share (edit makes them all optional). */
export function settingsOptions(sub: SlashCommandSubcommandBuilder, required: boolean): SlashCommandSubcommandBuilder {
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
    .addIntegerOption((o) =>
      o.setName('confirm_after').setDescription('Alert only after the condition holds N runs in a row (and resolve after N without); default 1').setMinValue(1).setMaxValue(20),
    )
    .addBooleanOption((o) => o.setName('notify_resolved').setDescription('Say "Resolved" when the condition stops holding (default true); the alert is marked either way'))
    .addStringOption((o) =>
      o
        .setName('catch_up')
        .setDescription('After downtime: run once for the missed slots (default), or skip them')
        .addChoices({ name: 'once', value: 'once' }, { name: 'skip', value: 'skip' }),
    );
}

/** The `name` option naming one automation (autocompleted). */
export function nameOption(sub: SlashCommandSubcommandBuilder): SlashCommandSubcommandBuilder {
  return sub.addStringOption((o) => o.setName('name').setDescription('Which automation').setRequired(true).setAutocomplete(true).setMaxLength(100));
}

/** The automation the `name` option names. */
export function refOption(i: ChatInputCommandInteraction): AutomationRef {
  return parseRef(i.options.getString('name', true));
}

/** Settings given as options, in the service's terms (absent options stay absent; the service validates the values). */
export function settingsFrom(i: ChatInputCommandInteraction): EditInput {
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
    ['confirmAfter', o.getInteger('confirm_after')],
    ['notifyResolved', o.getBoolean('notify_resolved')],
  ];
  return Object.fromEntries(entries.filter(([, v]) => v !== null)) as EditInput;
}
