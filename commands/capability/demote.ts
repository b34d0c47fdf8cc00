import type { Subcommand } from '../../src/discord/context.js';
import { changeSkillState, skillStateOptions } from './skill-state.js';

/** `/capability demote`: runs go through the model from the next one on. */
export const demote: Subcommand = {
  name: 'demote',
  define: (s) => skillStateOptions(s.setDescription('Run it through the model from the next run on'), 'sandbox'),
  execute: (i, ctx) => changeSkillState(i, ctx, 'sandbox'),
};
