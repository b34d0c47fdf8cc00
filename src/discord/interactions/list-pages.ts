import { listReply } from '../replies.js';
import { buttonHandler } from './handler.js';

/** Previous / Next under `/automation list`. */
export const listPagesHandler = buttonHandler('list', (i, ctx, { page, all, status }) => listReply(i, ctx, page, all, status));
