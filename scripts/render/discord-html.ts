/**
 * Draws messages as Discord draws them (dark theme: content, embeds with their colour bar, inline
 * fields three to a row, images, footers, buttons by style, markdown, timestamps, mentions), as an
 * HTML page, so a screenshot shows what a person will see. Uploaded files (charts) are drawn from
 * their bytes as data: URIs, so the page stands alone. Developer tools: `npm run preview`,
 * `npm run demo -- --html FILE`.
 */

export interface MessageJson {
  content?: string;
  flags?: number;
  embeds?: EmbedJson[];
  components?: { type?: number; components?: ButtonJson[] }[];
  /** Uploaded files (as the Discord emulator keeps them: with their bytes). */
  attachments?: AttachmentJson[];
}
interface AttachmentJson {
  id: string;
  filename: string;
  content_type?: string | null;
  data?: Uint8Array;
}
interface EmbedJson {
  title?: string;
  url?: string;
  description?: string;
  color?: number;
  fields?: { name: string; value: string; inline?: boolean }[];
  footer?: { text: string };
  thumbnail?: { url: string };
  image?: { url: string };
  timestamp?: string;
}
interface ButtonJson {
  type?: number;
  style?: number;
  label?: string;
  emoji?: { name?: string };
  disabled?: boolean;
  url?: string;
}

const escapeHtml = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** Discord's markdown, the parts Steward uses, on escaped text. */
export function markdown(text: string, now = Date.now(), names: Record<string, string> = {}): string {
  const codeBlocks: string[] = [];
  let s = text.replace(/```(?:\w*\n)?([\s\S]*?)```/g, (_, code: string) => `\u0000B${codeBlocks.push(code) - 1}\u0000`);
  const spans: string[] = [];
  s = s.replace(/`([^`]+)`/g, (_, code: string) => `\u0000S${spans.push(code) - 1}\u0000`);
  s = escapeHtml(s);
  s = s.replace(/&lt;t:(\d+):([a-zA-Z])&gt;/g, (_, secs: string, style: string) => `<span class="ts">${timestamp(Number(secs) * 1000, style, now)}</span>`);
  s = s.replace(/&lt;@!?(\d+)&gt;/g, (_, id: string) => `<span class="mention">@${escapeHtml(names[id] ?? id)}</span>`);
  s = s.replace(/\[([^\]]+)\]\((https?:[^)\s]+)\)/g, '<a href="$2">$1</a>');
  s = s.replace(/\*\*(.+?)\*\*/g, '<b>$1</b>').replace(/(^|[^\\])\*(?!\s)(.+?)\*/g, '$1<i>$2</i>').replace(/__(.+?)__/g, '<u>$1</u>').replace(/~~(.+?)~~/g, '<s>$1</s>');
  s = s.replace(/^-# (.*)$/gm, '<span class="subtext">$1</span>').replace(/^&gt; (.*)$/gm, '<span class="quote">$1</span>');
  s = s.replace(/\\([*_`~|\\[\]()>#-])/g, '$1');
  s = s.replace(/\n/g, '<br>');
  s = s.replace(/\u0000S(\d+)\u0000/g, (_, i: string) => `<code>${escapeHtml(spans[Number(i)]!)}</code>`);
  s = s.replace(/\u0000B(\d+)\u0000/g, (_, i: string) => `<pre>${escapeHtml(codeBlocks[Number(i)]!)}</pre>`);
  return s;
}

function timestamp(ms: number, style: string, now: number): string {
  const d = new Date(ms);
  const date = d.toLocaleDateString('en-US', { month: 'long', day: 'numeric', year: 'numeric', timeZone: 'UTC' });
  const time = d.toLocaleTimeString('en-US', { hour: 'numeric', minute: '2-digit', timeZone: 'UTC' });
  if (style === 'R') {
    if (Math.abs(ms - now) < 45_000) return ms > now ? 'in a few seconds' : 'a few seconds ago'; // the same instant: just past, as Discord says it
    const minutes = Math.round((ms - now) / 60_000);
    const abs = Math.abs(minutes);
    // As Discord words them: "in an hour", "in 9 hours", "a day ago".
    const hours = Math.round(abs / 60);
    const days = Math.round(abs / 1440);
    const amount = abs < 60 ? `${abs} minute${abs === 1 ? '' : 's'}` : abs < 2880 ? (hours === 1 ? 'an hour' : `${hours} hours`) : days === 1 ? 'a day' : `${days} days`;
    return minutes >= 0 ? `in ${amount}` : `${amount} ago`;
  }
  if (style === 'F') return `${d.toLocaleDateString('en-US', { weekday: 'long', timeZone: 'UTC' })}, ${date} ${time}`;
  if (style === 't') return time;
  if (style === 'd') return d.toLocaleDateString('en-US', { timeZone: 'UTC' });
  return `${date} ${time}`;
}

const BUTTON_CLASS: Record<number, string> = { 1: 'primary', 2: 'secondary', 3: 'success', 4: 'danger', 5: 'secondary' };

/** The data: URI of an uploaded file (null without its bytes). */
function dataUri(a: AttachmentJson): string | null {
  return a.data ? `data:${a.content_type ?? 'application/octet-stream'};base64,${Buffer.from(a.data).toString('base64')}` : null;
}

/** The attachment a URL serves (`…/attachments/<channel>/<id>/<name>` or `attachment://<name>`), if it is one of `attachments`. */
function attachmentAt(url: string, attachments: readonly AttachmentJson[]): AttachmentJson | undefined {
  if (url.startsWith('attachment://')) return attachments.find((a) => a.filename === url.slice('attachment://'.length));
  const id = /\/attachments\/\d+\/(\d+)\/[^/]+$/.exec(url)?.[1];
  return id ? attachments.find((a) => a.id === id) : undefined;
}

function embedHtml(e: EmbedJson, now: number, names: Record<string, string>, attachments: readonly AttachmentJson[]): string {
  const color = `#${(e.color ?? 0x1e1f22).toString(16).padStart(6, '0')}`;
  const fields: string[] = [];
  let row: string[] = [];
  const flush = () => {
    if (row.length) fields.push(`<div class="row">${row.join('')}</div>`);
    row = [];
  };
  for (const f of e.fields ?? []) {
    const cell = `<div class="field${f.inline ? ' inline' : ''}"><div class="fname">${markdown(f.name, now, names)}</div><div class="fvalue">${markdown(f.value, now, names)}</div></div>`;
    if (!f.inline) {
      flush();
      fields.push(cell);
    } else {
      row.push(cell);
      if (row.length === 3) flush();
    }
  }
  flush();
  const title = e.title ? `<div class="etitle">${e.url ? `<a href="${escapeHtml(e.url)}">${markdown(e.title, now, names)}</a>` : markdown(e.title, now, names)}</div>` : '';
  return `<div class="embed" style="border-left-color:${color}">
    <div class="ebody">${title}${e.description ? `<div class="edesc">${markdown(e.description, now, names)}</div>` : ''}${fields.join('')}
    ${e.image ? `<img class="eimage" src="${escapeHtml(imageSrc(e.image.url, attachments))}">` : ''}
    ${e.footer ? `<div class="efooter">${escapeHtml(e.footer.text)}${e.timestamp ? ` • ${timestamp(Date.parse(e.timestamp), 'f', now)}` : ''}</div>` : ''}</div>
    ${e.thumbnail ? `<img class="thumb" src="${escapeHtml(imageSrc(e.thumbnail.url, attachments))}">` : ''}
  </div>`;
}

/** Where an image is drawn from: an uploaded file's bytes, else its URL. */
function imageSrc(url: string, attachments: readonly AttachmentJson[]): string {
  const a = attachmentAt(url, attachments);
  return (a && dataUri(a)) ?? url;
}

/** One message as a chat line: author, content, embeds, buttons; ephemeral ones say "Only you can see this". */
export function messageHtml(m: MessageJson, options: { author?: string; caption?: string; now?: number; names?: Record<string, string> } = {}): string {
  const now = options.now ?? Date.now();
  const names = options.names ?? {};
  const buttons = (m.components ?? [])
    .map((r) => `<div class="buttons">${(r.components ?? []).map((b) => `<span class="button ${BUTTON_CLASS[b.style ?? 2] ?? 'secondary'}${b.disabled ? ' disabled' : ''}">${escapeHtml(`${b.emoji?.name ? `${b.emoji.name} ` : ''}${b.label ?? ''}`)}${b.style === 5 ? ' ↗' : ''}</span>`).join('')}</div>`)
    .join('');
  const attachments = m.attachments ?? [];
  // Files no embed shows are drawn under the text, as Discord shows uploaded images.
  const shown = new Set((m.embeds ?? []).flatMap((e) => [e.image?.url, e.thumbnail?.url]).flatMap((u) => (u ? [attachmentAt(u, attachments)?.id] : [])));
  const loose = attachments.filter((a) => !shown.has(a.id) && (a.content_type ?? '').startsWith('image/') && a.data);
  const author = options.author ?? 'Steward';
  const person = options.author !== undefined && options.author !== 'Steward';
  return `<div class="msg">
    ${options.caption ? `<div class="caption">${escapeHtml(options.caption)}</div>` : ''}
    <div class="author"><span class="avatar${person ? ' person' : ''}">${escapeHtml(author.slice(0, 1).toUpperCase())}</span><span class="name">${escapeHtml(author)}</span>${person ? '' : '<span class="bot">APP</span>'}</div>
    <div class="content">${m.content ? markdown(m.content, now, names) : ''}</div>
    ${loose.map((a) => `<img class="upload" src="${escapeHtml(dataUri(a)!)}">`).join('')}
    ${(m.embeds ?? []).map((e) => embedHtml(e, now, names, attachments)).join('')}
    ${buttons}
    ${(m.flags ?? 0) & 64 ? '<div class="ephemeral">👁 Only you can see this • Dismiss message</div>' : ''}
  </div>`;
}

/** A page of messages in Discord's dark theme (with a heading, when given). */
export function pageHtml(messages: string[], title?: string): string {
  return `<!doctype html><html><head><meta charset="utf-8">${title ? `<title>${escapeHtml(title)}</title>` : ''}<style>
  body{background:#313338;color:#dbdee1;font-family:"gg sans","Noto Sans","Helvetica Neue",Helvetica,Arial,sans-serif;font-size:16px;line-height:1.375;margin:0;padding:16px 16px 8px;width:760px}
  .msg{padding:8px 0 12px 56px;position:relative;border-bottom:1px solid #3f4147;margin-bottom:8px}
  .caption{position:absolute;right:0;top:4px;color:#80848e;font-size:12px}
  .author{margin-left:-56px;display:flex;align-items:center;gap:8px}
  .avatar{width:40px;height:40px;border-radius:50%;background:#5865f2;color:#fff;display:inline-flex;align-items:center;justify-content:center;font-weight:700;margin-right:8px}
  .name{color:#f2f3f5;font-weight:600}.bot{background:#5865f2;color:#fff;font-size:10px;padding:1px 4px;border-radius:3px;font-weight:600}
  .content{margin-top:2px;min-height:4px;white-space:normal}
  .embed{display:flex;background:#2b2d31;border-left:4px solid;border-radius:4px;max-width:520px;margin-top:8px;padding:8px 16px 16px 12px;gap:16px}
  .ebody{flex:1;min-width:0}.etitle{font-weight:600;color:#f2f3f5;margin-top:8px}.etitle a{color:#00a8fc}
  .edesc{font-size:14px;margin-top:8px}.row{display:flex;gap:8px}.field{margin-top:8px;font-size:14px}.field.inline{flex:1;min-width:0}
  .fname{font-weight:600;color:#f2f3f5}.efooter{font-size:12px;margin-top:8px;color:#b5bac1}
  .thumb{width:80px;height:80px;object-fit:cover;border-radius:4px;margin-top:8px}
  .eimage{display:block;max-width:100%;max-height:300px;border-radius:4px;margin-top:16px}
  .upload{display:block;max-width:520px;max-height:350px;border-radius:8px;margin-top:8px}
  .avatar.person{background:#3ba55c}
  code{background:#1e1f22;border-radius:3px;padding:0 3px;font-size:85%;font-family:Consolas,monospace}
  pre{background:#1e1f22;border:1px solid #1e1f22;border-radius:4px;padding:7px;font-size:13px;font-family:Consolas,monospace;white-space:pre-wrap;margin:6px 0}
  a{color:#00a8fc;text-decoration:none}.ts{background:#ffffff0f;border-radius:3px;padding:0 2px}
  .mention{background:#5865f23d;color:#c9cdfb;border-radius:3px;padding:0 2px;font-weight:500}
  .subtext{font-size:12px;color:#949ba4}.quote{border-left:4px solid #4e5058;padding-left:8px;display:inline-block}
  .buttons{display:flex;gap:8px;margin-top:8px}.button{padding:2px 16px;height:32px;line-height:32px;border-radius:3px;font-size:14px;font-weight:500;color:#fff}
  .primary{background:#5865f2}.secondary{background:#4e5058}.success{background:#248046}.danger{background:#da373c}.disabled{opacity:.5}
  .ephemeral{font-size:12px;color:#949ba4;margin-top:6px}
  h1{font-size:20px;color:#f2f3f5;margin:0 0 12px}
  </style></head><body>${title ? `<h1>${escapeHtml(title)}</h1>` : ''}${messages.join('\n')}</body></html>`;
}
