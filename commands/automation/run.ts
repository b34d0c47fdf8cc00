import type { Subcommand } from '../../src/discord/context.js';
import { runNowReply } from '../../src/discord/replies.js';
import { nameOption, refOption } from './options.js';

/** `/automation run`: runs it now and answers with the outcome. */
export const run: Subcommand = {
  name: 'run',
  define: (s) => nameOption(s.setDescription('Run an automation now')),
  execute: (i, ctx) => runNowReply(i, ctx, refOption(i)),
};
