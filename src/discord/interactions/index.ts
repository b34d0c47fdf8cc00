import { alertHoldsHandler } from './alert-holds.js';
import { automationButtonsHandler } from './automation-buttons.js';
import { createAgainHandler, createFormHandler } from './create-form.js';
import type { ComponentHandler } from './handler.js';
import { listPagesHandler } from './list-pages.js';
import { draftButtonsHandler } from './draft-buttons.js';
import { draftFormHandler } from './draft-form.js';
import { runOutputHandler } from './run-output.js';
import { skillProposalHandler } from './skill-proposal.js';

/** Every button and form handler, one per custom-id prefix. */
export const COMPONENT_HANDLERS: readonly ComponentHandler[] = [
  automationButtonsHandler,
  alertHoldsHandler,
  listPagesHandler,
  createFormHandler,
  createAgainHandler,
  draftButtonsHandler,
  draftFormHandler,
  runOutputHandler,
  skillProposalHandler,
];
