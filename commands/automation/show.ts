import { EPHEMERAL, type Subcommand } from '../../src/discord/context.js';
import { detailsReply } from '../../src/discord/replies.js';
import { nameOption, refOption } from './options.js';

/** `/automation show`: everything about one automation, with its buttons. */
export const show: Subcommand = {
  name: 'show',
  define: (s) => nameOption(s.setDescription('Everything about one automation')),
  async execute(i, ctx) {
    await i.reply({ ...detailsReply(i, ctx, refOption(i)), ...EPHEMERAL });
  },
};
