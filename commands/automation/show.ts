import type { Subcommand } from '../../src/discord/context.js';
import { showReply } from '../../src/discord/replies.js';
import { nameOption, refOption } from './options.js';

/** `/automation show`: everything about one automation, with its buttons and the chart of its recent runs. */
export const show: Subcommand = {
  name: 'show',
  define: (s) => nameOption(s.setDescription('Everything about one automation')),
  execute: (i, ctx) => showReply(i, ctx, refOption(i)),
};
