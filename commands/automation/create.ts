import type { CreateInput } from '../../src/automations/service.js';
import { createFormModal } from '../../src/discord/components.js';
import { actorOf, type Subcommand } from '../../src/discord/context.js';
import { exampleFor } from '../../src/discord/interactions/create-form.js';
import { createdReply } from '../../src/discord/replies.js';
import { settingsFrom, settingsOptions } from './options.js';

/** `/automation create`: saves an automation; without inputs (where its capability needs some) it opens a form for them first. */
export const create: Subcommand = {
  name: 'create',
  define: (s) =>
    settingsOptions(
      s.setDescription('Create an automation').addStringOption((o) => o.setName('name').setDescription('A name you will recognise').setRequired(true).setMaxLength(64)),
      true,
    ),
  async execute(i, ctx) {
    const actor = actorOf(i, ctx.config);
    const input = { ...settingsFrom(i), name: i.options.getString('name', true), createdVia: 'discord' } as CreateInput;
    const capability = ctx.service.capabilities().find((c) => c.name === input.capability);
    if (input.inputs === undefined && capability?.inputs.some((x) => x.required)) {
      // A bad schedule or a taken name is said before the form opens.
      const form = ctx.service.openCreateForm(actor, input);
      await i.showModal(createFormModal(form, input.name, capability.name, exampleFor(ctx, capability.name), null));
      return;
    }
    await i.reply(createdReply(ctx.service.create(actor, input)));
  },
};
