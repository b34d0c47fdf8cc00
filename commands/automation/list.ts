import type { Subcommand } from '../../src/discord/context.js';
import { listReply } from '../../src/discord/replies.js';

const STATUSES = ['active', 'paused'] as const;

/** `/automation list`: yours, or (managers, with `all`) everyone's, ten a page. */
export const list: Subcommand = {
  name: 'list',
  define: (s) =>
    s
      .setDescription('Your automations (managers: everyone’s with all)')
      .addBooleanOption((o) => o.setName('all').setDescription('Everyone’s (managers only)'))
      .addStringOption((o) => o.setName('status').setDescription('Only these').addChoices(...STATUSES.map((v) => ({ name: v, value: v })))),
  async execute(i, ctx) {
    const status = STATUSES.find((s) => s === i.options.getString('status'));
    await listReply(i, ctx, 0, i.options.getBoolean('all') ?? false, status);
  },
};
