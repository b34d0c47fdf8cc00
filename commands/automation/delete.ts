import type { Subcommand } from '../../src/discord/context.js';
import { askDeleteReply } from '../../src/discord/replies.js';
import { nameOption, refOption } from './options.js';

/** `/automation delete`: asks first (Delete / Keep it). */
export const remove: Subcommand = {
  name: 'delete',
  define: (s) => nameOption(s.setDescription('Delete an automation (asks first)')),
  execute: (i, ctx) => askDeleteReply(i, ctx, refOption(i)),
};
