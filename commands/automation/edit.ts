import { actorOf, EPHEMERAL, replyError, type Subcommand } from '../../src/discord/context.js';
import { cut, LIMITS } from '../../src/discord/limits.js';
import { detailsReply, scheduleReadLine } from '../../src/discord/replies.js';
import { md } from '../../src/discord/views.js';
import { nameOption, refOption, settingsFrom, settingsOptions } from './options.js';

/** `/automation edit`: changes the settings given, answers with the details. */
export const edit: Subcommand = {
  name: 'edit',
  define: (s) =>
    settingsOptions(nameOption(s.setDescription('Change an automation')).addStringOption((o) => o.setName('new_name').setDescription('A new name').setMaxLength(64)), false),
  async execute(i, ctx) {
    const patch = settingsFrom(i);
    const newName = i.options.getString('new_name');
    if (newName !== null) patch.name = newName;
    if (Object.keys(patch).length === 0) {
      await replyError(i, 'Nothing to change: give at least one option, e.g. `schedule:0 8 * * *` or `alert:price < 90`.');
      return;
    }
    const a = ctx.service.edit(actorOf(i, ctx.config), refOption(i), patch);
    const read = a.scheduleReadFrom ? `\n${scheduleReadLine(a)}` : '';
    await i.reply({ ...detailsReply(i, ctx, a.id), content: cut(`✏️ Changed **${md(a.name)}**.${read}`, LIMITS.content), ...EPHEMERAL });
  },
};
