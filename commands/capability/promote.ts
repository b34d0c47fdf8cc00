import type { Subcommand } from '../../src/discord/context.js';
import { changeSkillState, skillStateOptions } from './skill-state.js';

/** `/capability promote`: runs go through the local skill from the next one on. */
export const promote: Subcommand = {
  name: 'promote',
  define: (s) => skillStateOptions(s.setDescription('Run it with its local skill from the next run on'), 'trusted'),
  execute: (i, ctx) => changeSkillState(i, ctx, 'trusted'),
};
