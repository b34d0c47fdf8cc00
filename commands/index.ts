import type { SlashCommand } from '../src/discord/context.js';
import { automationCommand } from './automation/index.js';
import { budgetCommand } from './budget.js';
import { capabilitiesCommand } from './capabilities.js';
import { capabilityCommand } from './capability/index.js';
import { settingsCommand } from './settings/index.js';

/** Every slash command Steward registers. */
export const COMMANDS: SlashCommand[] = [automationCommand, settingsCommand, budgetCommand, capabilitiesCommand, capabilityCommand];
