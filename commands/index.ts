import type { SlashCommand } from '../src/discord/context.js';
import { automationCommand, automationCreateForm, automationListPages } from './automation.js';
import { budgetCommand } from './budget.js';
import { capabilitiesCommand } from './capabilities.js';
import { capabilityCommand } from './capability.js';
import { settingsCommand } from './settings.js';

/** Every slash command Steward registers. */
export const COMMANDS: SlashCommand[] = [automationCommand, settingsCommand, budgetCommand, capabilitiesCommand, capabilityCommand];

/** Buttons and modals that do not belong to one command's own prefix. */
export const EXTRA_COMPONENTS = [automationListPages!, automationCreateForm!];
