/**
 * Request bodies Discord refuses (each with the check that should catch it) and bodies it accepts,
 * for the validator's own test (`test/discord-spec-validator.test.ts`).
 */
import type { SpecRequest } from './discord-spec-validator.js';

export interface InvalidCase {
  name: string;
  request: SpecRequest;
  /** The limits.json entry id (or `schema`, `params`) that must be among the problems. */
  rule: string;
  /** Discord's error code: 50035 Invalid Form Body unless said (50006 for an empty message). */
  code?: number;
}

export interface ValidCase {
  name: string;
  request: SpecRequest;
}

type Json = Record<string, unknown>;

const CHANNEL = '1300000000000000020';
const APP = '1300000000000000001';
const GUILD = '1300000000000000010';
const INTERACTION = '1300000000000000999';
const TOKEN = 'aW50ZXJhY3Rpb24token';

const EMOJI = '😀'; // one code point, two UTF-16 units
const x = (n: number): string => 'x'.repeat(n);
const repeat = <T>(n: number, make: (i: number) => T): T[] => Array.from({ length: n }, (_, i) => make(i));

/** POST /channels/:id/messages. */
const message = (body: unknown): SpecRequest => ({ method: 'POST', path: `/channels/${CHANNEL}/messages`, body, authorization: 'Bot test' });
/** An interaction callback answering an interaction of `interactionType` (2 command by default). */
const callback = (body: unknown, interactionType = 2, modalFromComponent = false): SpecRequest => ({
  method: 'POST',
  path: `/interactions/${INTERACTION}/${TOKEN}/callback`,
  query: { with_response: 'false' },
  body,
  interactionType,
  modalFromComponent,
});
const reply = (data: Json): SpecRequest => callback({ type: 4, data });
const followup = (body: Json): SpecRequest => ({ method: 'POST', path: `/webhooks/${APP}/${TOKEN}`, body, interactionToken: true });
const webhook = (body: Json): SpecRequest => ({ method: 'POST', path: `/webhooks/${APP}/not-an-interaction`, body, interactionToken: false });
const editOriginal = (body: Json): SpecRequest => ({ method: 'PATCH', path: `/webhooks/${APP}/${TOKEN}/messages/@original`, body });
const embed = (e: Json): SpecRequest => message({ embeds: [e] });
const row = (...components: Json[]): Json => ({ type: 1, components });
const button = (extra: Json = {}): Json => ({ type: 2, style: 1, custom_id: 'b', label: 'Go', ...extra });
const withComponents = (...components: Json[]): SpecRequest => message({ content: 'pick', components });

const textInput = (extra: Json = {}): Json => ({ type: 4, custom_id: 'inputs', style: 2, ...extra });
const labelled = (input: Json = textInput(), extra: Json = {}): Json => ({ type: 18, label: 'Inputs', component: input, ...extra });
const modalData = (extra: Json = {}): Json => ({ custom_id: 'form', title: 'Inputs', components: [labelled()], ...extra });
const modal = (data: Json): SpecRequest => callback({ type: 9, data });

const commands = (list: unknown[]): SpecRequest => ({ method: 'PUT', path: `/applications/${APP}/guilds/${GUILD}/commands`, body: list, authorization: 'Bot test' });
const command = (extra: Json = {}): Json => ({ name: 'ping', description: 'Ping', ...extra });
const withOptions = (...options: Json[]): SpecRequest => commands([command({ options })]);
const stringOption = (extra: Json = {}): Json => ({ type: 3, name: 'text', description: 'Some text', ...extra });
const subcommand = (name: string, options: Json[] = []): Json => ({ type: 1, name, description: `The ${name} subcommand`, options });

const autocomplete = (data: Json): SpecRequest => callback({ type: 8, data }, 4);

export const INVALID_CASES: InvalidCase[] = [
  // well-formed strings
  { name: 'a lone high surrogate in a modal title (an emoji cut in half)', request: modal(modalData({ title: `Inputs for ${x(33)}\uD83D` })), rule: 'strings.well_formed' },
  { name: 'a lone low surrogate in message content', request: message({ content: '\uDE00 rest' }), rule: 'strings.well_formed' },
  { name: 'a lone surrogate in an alert field value', request: embed({ title: 'Alert', fields: [{ name: 'title', value: `${x(198)}\uD83D…` }] }), rule: 'strings.well_formed' },
  { name: 'a lone surrogate in an error reply', request: reply({ content: `❌ ${x(10)}\uD83D…`, flags: 64 }), rule: 'strings.well_formed' },
  { name: 'a lone surrogate in an autocomplete choice name', request: autocomplete({ choices: [{ name: `name\uD83D`, value: 'v' }] }), rule: 'strings.well_formed' },

  // message content and embeds
  { name: 'content of 2001 code points', request: message({ content: x(2001) }), rule: 'message.content' },
  { name: 'content of 2001 emoji (4002 UTF-16 units, over the spec too)', request: message({ content: EMOJI.repeat(2001) }), rule: 'message.content' },
  { name: 'a reply with content of 2001', request: reply({ content: x(2001) }), rule: 'message.content' },
  { name: 'a follow-up with content of 2001', request: followup({ content: x(2001) }), rule: 'message.content' },
  { name: 'an edit of the original reply with content of 2001', request: editOriginal({ content: x(2001) }), rule: 'message.content' },
  { name: '11 embeds', request: message({ embeds: repeat(11, (i) => ({ title: `e${i}` })) }), rule: 'message.embeds' },
  { name: 'an embed title of 257', request: embed({ title: x(257) }), rule: 'embed.title' },
  { name: 'an embed description of 4097', request: embed({ description: x(4097) }), rule: 'embed.description' },
  { name: '26 embed fields', request: embed({ fields: repeat(26, (i) => ({ name: `f${i}`, value: 'v' })) }), rule: 'embed.fields' },
  { name: 'an empty field name', request: embed({ fields: [{ name: '', value: 'v' }] }), rule: 'embed.field.name' },
  { name: 'a field name of only spaces (blank once trimmed)', request: embed({ fields: [{ name: '   ', value: 'v' }] }), rule: 'embed.field.name' },
  { name: 'a field without a value', request: embed({ fields: [{ name: 'n' }] }), rule: 'embed.field.value' },
  { name: 'a field value of 1025', request: embed({ fields: [{ name: 'n', value: x(1025) }] }), rule: 'embed.field.value' },
  { name: 'a footer of 2049', request: embed({ footer: { text: x(2049) } }), rule: 'embed.footer.text' },
  { name: 'an author name of 257', request: embed({ author: { name: x(257) } }), rule: 'embed.author.name' },
  { name: 'embeds over 6000 characters together', request: message({ embeds: [{ description: x(3500) }, { description: x(2600) }] }), rule: 'embeds.total' },
  { name: 'one embed over 6000 (description + fields)', request: embed({ description: x(4000), fields: repeat(3, (i) => ({ name: `f${i}`, value: x(1000) })) }), rule: 'embeds.total' },

  // components
  { name: '6 action rows', request: withComponents(...repeat(6, (i) => row(button({ custom_id: `b${i}` })))), rule: 'components.legacy' },
  { name: 'a button at the top level without an action row', request: withComponents(button()), rule: 'components.legacy' },
  { name: 'an action row with 6 buttons', request: withComponents(row(...repeat(6, (i) => button({ custom_id: `b${i}` })))), rule: 'action_row.components' },
  { name: 'an empty action row', request: withComponents(row()), rule: 'action_row.components' },
  { name: 'a select menu beside a button', request: withComponents(row({ type: 3, custom_id: 's', options: [{ label: 'a', value: 'a' }] }, button())), rule: 'action_row.components' },
  { name: 'a link button with a custom_id', request: withComponents(row({ type: 2, style: 5, label: 'Open', url: 'https://example.com', custom_id: 'x' })), rule: 'button.fields' },
  { name: 'a primary button without a custom_id', request: withComponents(row({ type: 2, style: 1, label: 'Go' })), rule: 'button.fields' },
  { name: 'a button without label or emoji', request: withComponents(row({ type: 2, style: 1, custom_id: 'b' })), rule: 'button.fields' },
  { name: 'a button custom_id of 101', request: withComponents(row(button({ custom_id: x(101) }))), rule: 'button.custom_id' },
  { name: 'a button label of 81', request: withComponents(row(button({ label: x(81) }))), rule: 'button.label' },
  { name: 'two buttons with one custom_id', request: withComponents(row(button({ custom_id: 'a:show:1' }), button({ custom_id: 'a:show:1' }))), rule: 'custom_id.unique' },
  { name: 'the same custom_id in two rows', request: withComponents(row(button({ custom_id: 'same' })), row(button({ custom_id: 'same' }))), rule: 'custom_id.unique' },
  { name: 'a button style 7 (bad enum)', request: withComponents(row(button({ style: 7 }))), rule: 'schema' },

  // mentions, nonce, flags, emptiness
  { name: 'allowed_mentions.parse "here"', request: message({ content: 'hi', allowed_mentions: { parse: ['here'] } }), rule: 'allowed_mentions.parse' },
  { name: 'parse users and a users list', request: message({ content: 'hi', allowed_mentions: { parse: ['users'], users: ['1400000000000000001'] } }), rule: 'allowed_mentions.exclusive' },
  { name: '101 user ids in allowed_mentions', request: message({ content: 'hi', allowed_mentions: { users: repeat(101, (i) => String(1400000000000000000n + BigInt(i))) } }), rule: 'allowed_mentions.ids' },
  { name: 'a nonce of 26 characters', request: message({ content: 'hi', nonce: `steward-${x(18)}` }), rule: 'message.nonce' },
  { name: 'an empty message', request: message({ content: '' }), rule: 'message.not_empty', code: 50006 },
  { name: 'a reply with no data', request: callback({ type: 4, data: { flags: 64 } }), rule: 'message.not_empty', code: 50006 },
  { name: 'IS_COMPONENTS_V2 with content', request: message({ content: 'hi', flags: 32768, components: [{ type: 10, content: 'text' }] }), rule: 'message.components_v2' },
  { name: 'the ephemeral flag on create_message', request: message({ content: 'only you', flags: 64 }), rule: 'flags.create_message' },
  { name: 'the ephemeral flag on a webhook that is no interaction', request: webhook({ content: 'only you', flags: 64 }), rule: 'flags.execute_webhook' },
  { name: 'IS_VOICE_MESSAGE on a follow-up', request: followup({ content: 'hi', flags: 8192 }), rule: 'flags.followup' },
  { name: 'the loading flag (128) on a reply', request: reply({ content: 'hi', flags: 128 }), rule: 'flags.callback_message' },
  { name: 'SUPPRESS_EMBEDS on a deferred reply', request: callback({ type: 5, data: { flags: 4 } }), rule: 'flags.callback_deferred' },
  { name: 'content that is a number (wrong type)', request: message({ content: 5 }), rule: 'schema' },

  // callbacks
  { name: 'callback type 99 (bad enum)', request: callback({ type: 99 }), rule: 'schema' },
  { name: 'an autocomplete result answering a slash command', request: callback({ type: 8, data: { choices: [] } }, 2), rule: 'callback.type' },
  { name: 'a message update answering a modal not opened from a component', request: callback({ type: 7, data: { content: 'x' } }, 5, false), rule: 'callback.type' },
  { name: 'a modal answering a modal submit', request: callback({ type: 9, data: modalData() }, 5), rule: 'callback.type' },

  // autocomplete
  { name: '26 autocomplete choices', request: autocomplete({ choices: repeat(26, (i) => ({ name: `c${i}`, value: `c${i}` })) }), rule: 'autocomplete.choices' },
  { name: 'an autocomplete result without choices', request: autocomplete({}), rule: 'autocomplete.choices' },
  { name: 'autocomplete choices of mixed value types', request: autocomplete({ choices: [{ name: 'a', value: 'a' }, { name: 'b', value: 2 }] }), rule: 'autocomplete.choices' },
  { name: 'an autocomplete choice name of 101', request: autocomplete({ choices: [{ name: x(101), value: 'v' }] }), rule: 'autocomplete.choice.name' },
  { name: 'an autocomplete choice value of 101', request: autocomplete({ choices: [{ name: 'n', value: x(101) }] }), rule: 'autocomplete.choice.value' },

  // modals
  { name: 'a modal custom_id of 101', request: modal(modalData({ custom_id: x(101) })), rule: 'modal.custom_id' },
  { name: 'a modal title of 46 emoji (46 code points)', request: modal(modalData({ title: EMOJI.repeat(46) })), rule: 'modal.title' },
  { name: 'a modal without a title', request: modal({ custom_id: 'form', components: [labelled()] }), rule: 'modal.title' },
  { name: 'a modal with 6 components', request: modal(modalData({ components: repeat(6, (i) => labelled(textInput({ custom_id: `i${i}` }))) })), rule: 'modal.components' },
  { name: 'a modal with no components', request: modal(modalData({ components: [] })), rule: 'modal.components' },
  { name: 'a modal without data (missing required)', request: callback({ type: 9 }), rule: 'schema' },
  { name: 'two text inputs with one custom_id', request: modal(modalData({ components: [labelled(), labelled()] })), rule: 'modal.custom_id.unique' },
  { name: 'a text input without a custom_id', request: modal(modalData({ components: [labelled({ type: 4, style: 2 })] })), rule: 'text_input.custom_id' },
  { name: 'a text input style 3', request: modal(modalData({ components: [labelled(textInput({ style: 3 }))] })), rule: 'text_input.style' },
  { name: 'a text input label of 46 in an action row', request: modal(modalData({ components: [row(textInput({ label: x(46) }))] })), rule: 'text_input.label' },
  { name: 'a text input in an action row without a label', request: modal(modalData({ components: [row(textInput())] })), rule: 'text_input.label' },
  { name: 'a text input with its own label inside a Label', request: modal(modalData({ components: [labelled(textInput({ label: 'Again' }))] })), rule: 'text_input.label' },
  { name: 'a placeholder of 101', request: modal(modalData({ components: [labelled(textInput({ placeholder: x(101) }))] })), rule: 'text_input.placeholder' },
  { name: 'a prefilled value of 4001', request: modal(modalData({ components: [labelled(textInput({ value: x(4001) }))] })), rule: 'text_input.value' },
  { name: 'a prefilled value longer than the input’s max_length', request: modal(modalData({ components: [labelled(textInput({ value: x(11), max_length: 10 }))] })), rule: 'text_input.value' },
  { name: 'a text input min_length of 4001', request: modal(modalData({ components: [labelled(textInput({ min_length: 4001 }))] })), rule: 'text_input.min_length' },
  { name: 'a text input max_length of 0', request: modal(modalData({ components: [labelled(textInput({ max_length: 0 }))] })), rule: 'text_input.max_length' },
  { name: 'a text input min_length above its max_length', request: modal(modalData({ components: [labelled(textInput({ min_length: 20, max_length: 10 }))] })), rule: 'text_input.max_length' },
  { name: 'a Label label of 46', request: modal(modalData({ components: [labelled(textInput(), { label: x(46) })] })), rule: 'label.label' },
  { name: 'a Label description of 101', request: modal(modalData({ components: [labelled(textInput(), { description: x(101) })] })), rule: 'label.description' },

  // commands
  { name: 'a command name with capitals', request: commands([command({ name: 'Ping' })]), rule: 'command.name' },
  { name: 'a command name with a space', request: commands([command({ name: 'run now' })]), rule: 'command.name' },
  { name: 'a command name of 33', request: commands([command({ name: x(33) })]), rule: 'command.name' },
  { name: 'a user command name of 33', request: commands([{ type: 2, name: x(33) }]), rule: 'command.name.other' },
  { name: 'a slash command without a description', request: commands([{ name: 'ping' }]), rule: 'command.description' },
  { name: 'a command description of 101', request: commands([command({ description: x(101) })]), rule: 'command.description' },
  { name: 'an empty command description', request: commands([command({ description: '' })]), rule: 'command.description' },
  { name: 'a user command with a description', request: commands([{ type: 2, name: 'Report', description: 'Reports a user' }]), rule: 'command.description.other' },
  { name: 'a message command with options', request: commands([{ type: 3, name: 'Copy', options: [stringOption()] }]), rule: 'command.options.chat_input' },
  {
    name: 'a command over 8000 characters in all',
    request: withOptions(...repeat(2, (i) => stringOption({ name: `o${i}`, choices: repeat(25, (j) => ({ name: `${j}${x(99)}`.slice(0, 100), value: `${j}${x(99)}`.slice(0, 100) })) }))),
    rule: 'command.size',
  },
  { name: '26 options', request: withOptions(...repeat(26, (i) => stringOption({ name: `o${i}` }))), rule: 'option.count' },
  { name: 'an option name with capitals', request: withOptions(stringOption({ name: 'Text' })), rule: 'option.name' },
  { name: 'two options with one name', request: withOptions(stringOption(), stringOption()), rule: 'option.name.unique' },
  { name: 'an option description of 101', request: withOptions(stringOption({ description: x(101) })), rule: 'option.description' },
  { name: 'an option without a description', request: withOptions({ type: 3, name: 'text' }), rule: 'option.description' },
  { name: 'a subcommand beside a string option', request: withOptions(subcommand('list'), stringOption()), rule: 'option.not_mixed' },
  { name: 'a group inside a subcommand', request: withOptions(subcommand('outer', [{ type: 2, name: 'inner', description: 'Inner', options: [subcommand('leaf')] }])), rule: 'option.nesting' },
  { name: 'a required option after an optional one', request: withOptions(stringOption({ name: 'a' }), stringOption({ name: 'b', required: true })), rule: 'option.required_first' },
  { name: 'a required option after an optional one, inside a subcommand', request: withOptions(subcommand('create', [stringOption({ name: 'a' }), stringOption({ name: 'b', required: true })])), rule: 'option.required_first' },
  { name: 'a string option holding options', request: withOptions(stringOption({ options: [stringOption({ name: 'inner' })] })), rule: 'option.options' },
  { name: 'choices on a boolean option', request: withOptions({ type: 5, name: 'flag', description: 'A flag', choices: [{ name: 'yes', value: 'yes' }] }), rule: 'option.choices' },
  { name: '26 choices', request: withOptions(stringOption({ choices: repeat(26, (i) => ({ name: `c${i}`, value: `c${i}` })) })), rule: 'option.choices' },
  { name: 'autocomplete beside choices', request: withOptions(stringOption({ autocomplete: true, choices: [{ name: 'a', value: 'a' }] })), rule: 'option.autocomplete' },
  { name: 'a choice name of 101', request: withOptions(stringOption({ choices: [{ name: x(101), value: 'v' }] })), rule: 'choice.name' },
  { name: 'a string choice value of 101 (the spec allows 6000)', request: withOptions(stringOption({ choices: [{ name: 'n', value: x(101) }] })), rule: 'choice.value' },
  { name: 'a choice value of 101 inside a subcommand', request: withOptions(subcommand('pick', [stringOption({ choices: [{ name: 'n', value: x(101) }] })])), rule: 'choice.value' },
  { name: 'a string choice on an integer option', request: withOptions({ type: 4, name: 'n', description: 'A number', choices: [{ name: 'one', value: 'one' }] }), rule: 'choice.value' },
  { name: 'min_length on an integer option', request: withOptions({ type: 4, name: 'n', description: 'A number', min_length: 1 }), rule: 'option.length' },
  { name: 'min_value above max_value', request: withOptions({ type: 10, name: 'n', description: 'A number', min_value: 5, max_value: 1 }), rule: 'option.value' },
  { name: 'an integer option with min_value 1.5', request: withOptions({ type: 4, name: 'n', description: 'A number', min_value: 1.5 }), rule: 'option.value.integer' },
  { name: 'channel_types on a string option', request: withOptions(stringOption({ channel_types: [0] })), rule: 'option.channel_types' },
  { name: 'one name twice in a bulk overwrite', request: commands([command(), command()]), rule: 'commands.unique' },
  { name: '101 slash commands', request: commands(repeat(101, (i) => command({ name: `c${i}` }))), rule: 'commands.count' },
  { name: 'default_member_permissions as a string (the schema takes an integer)', request: commands([command({ default_member_permissions: '32' })]), rule: 'schema' },

  // parameters
  { name: 'a channel id that is no snowflake', request: { ...message({ content: 'hi' }), path: '/channels/tasks/messages' }, rule: 'params' },
  { name: 'with_response=maybe', request: { ...reply({ content: 'hi' }), query: { with_response: 'maybe' } }, rule: 'params' },
];

export const VALID_CASES: ValidCase[] = [
  { name: 'an ephemeral reply', request: reply({ content: 'done', flags: 64, allowed_mentions: { parse: [] } }) },
  { name: '2000 emoji of content (4000 UTF-16 units, 2000 code points)', request: message({ content: EMOJI.repeat(2000) }) },
  { name: 'a modal title of 45 emoji', request: modal(modalData({ title: EMOJI.repeat(45) })) },
  { name: 'a modal in the older style (an action row: only a warning)', request: modal(modalData({ components: [row(textInput({ label: 'Inputs', placeholder: x(100), value: x(4000), max_length: 4000 }))] })) },
  { name: 'an embed of exactly 6000 with 25 fields', request: embed({ title: x(256), description: x(4094), fields: repeat(25, (i) => ({ name: `f${String(i).padStart(2, '0')}`, value: x(63), inline: true })) }) },
  { name: 'a field name and value with spaces around them', request: embed({ fields: [{ name: '  name  ', value: `  ${x(1020)}  ` }] }) },
  { name: 'an alert with a Show button, a nonce and no mentions', request: message({ embeds: [{ title: 'Alert: x', fields: [{ name: 'ok', value: 'false' }] }], components: [row(button({ custom_id: 'a:show:1', style: 2, label: 'Show' }))], allowed_mentions: { parse: [] }, nonce: 'steward-123', enforce_nonce: true }) },
  { name: 'a link button', request: withComponents(row({ type: 2, style: 5, label: 'Open', url: 'https://example.com' })) },
  { name: 'an ephemeral follow-up', request: followup({ content: 'only you', flags: 64 }) },
  { name: 'a deferred ephemeral reply', request: callback({ type: 5, data: { flags: 64 } }) },
  { name: 'a button update', request: callback({ type: 7, data: { content: 'page 2', components: [] } }, 3) },
  { name: 'an edit of the original reply', request: editOriginal({ content: 'done', embeds: [{ title: 'Ran' }] }) },
  { name: '25 autocomplete choices', request: autocomplete({ choices: repeat(25, (i) => ({ name: `c${i}`, value: x(100) })) }) },
  {
    name: 'a slash command with subcommands, choices and ranges',
    request: withOptions(
      subcommand('create', [
        stringOption({ name: 'name', required: true, max_length: 64 }),
        stringOption({ name: 'capability', autocomplete: true }),
        stringOption({ name: 'mode', choices: [{ name: 'change', value: x(100) }] }),
        { type: 4, name: 'repeat', description: 'Minutes', min_value: 1, max_value: 10080 },
        { type: 7, name: 'channel', description: 'Where', channel_types: [0] },
      ]),
      subcommand('list'),
    ),
  },
  { name: 'user and message commands with spaces and capitals', request: commands([command(), { type: 2, name: 'Show Automations' }, { type: 3, name: 'Copy Link' }]) },
  { name: 'default_member_permissions as an integer', request: commands([command({ default_member_permissions: 32, contexts: [0] })]) },
  { name: 'a DM channel', request: { method: 'POST', path: '/users/@me/channels', body: { recipient_id: '1400000000000000001' }, authorization: 'Bot test' } },
];
