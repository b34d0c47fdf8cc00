import type { AutocompleteInteraction } from 'discord.js';
import { actorOf, commandOf, guildCommand, type BotContext, type SlashCommand } from '../../src/discord/context.js';
import { cut, LIMITS } from '../../src/discord/limits.js';
import { timezoneChoices } from '../../src/discord/timezones.js';
import { create } from './create.js';
import { remove } from './delete.js';
import { edit } from './edit.js';
import { draftNew } from './new.js';
import { list } from './list.js';
import { pause } from './pause.js';
import { resume } from './resume.js';
import { run } from './run.js';
import { runs } from './runs.js';
import { show } from './show.js';
import { testAlert } from './test-alert.js';

/** Suggestions for the name, capability and time zone options of every /automation subcommand. */
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

/** `/automation`, put together from one file per subcommand. */
export const automationCommand: SlashCommand = commandOf(
  guildCommand('automation', 'Create, run and inspect your automations'),
  [draftNew, create, list, show, runs, pause, resume, run, edit, remove, testAlert],
  autocomplete,
);
