import { draftButtons } from '../../src/discord/components.js';
import { actorOf, EPHEMERAL, type Subcommand } from '../../src/discord/context.js';
import { draftEmbeds } from '../../src/discord/views.js';

/** `/automation new`: a sentence read into a draft, run once as a preview, with Create / Edit / Cancel. */
export const draftNew: Subcommand = {
  name: 'new',
  define: (s) =>
    s
      .setDescription('Say what to automate in a sentence; see a draft and a preview before saving')
      .addStringOption((o) =>
        o.setName('what').setDescription('e.g. tell me when https://shop.example/kettle drops under $100').setRequired(true).setMaxLength(500),
      )
      .addStringOption((o) => o.setName('name').setDescription('A name (default: from the page)').setMaxLength(64))
      .addBooleanOption((o) => o.setName('notify_resolved').setDescription('Say "Resolved" when the condition stops holding (default true); the alert is marked either way')),
  async execute(i, ctx) {
    const actor = actorOf(i, ctx.config);
    const what = i.options.getString('what', true);
    const name = i.options.getString('name') ?? undefined;
    const notifyResolved = i.options.getBoolean('notify_resolved');
    const options = notifyResolved === null ? {} : { notifyResolved };
    // A sentence that cannot become a draft is said at once; the model (when the grammar could not
    // read it) and the preview may take a while.
    const quick = ctx.service.drafts.tryDraft(actor, what, name, options);
    await i.deferReply({ flags: EPHEMERAL.flags });
    const draft = quick ?? (await ctx.service.drafts.draftWithModel(actor, what, name, options));
    const { draft: shown, preview } = await ctx.service.drafts.preview(actor, draft.id);
    await i.editReply({ embeds: draftEmbeds(shown, preview), components: [draftButtons(shown.id)], allowedMentions: EPHEMERAL.allowedMentions });
  },
};
