/**
 * Files on a message, checked as Discord checks them (developer docs, Reference › Uploading Files,
 * and Message › Create Message: `files[n]`, `payload_json`, `attachments`; Embed › attachment://).
 * The OpenAPI description names the parts (`files[0]` … `files[9]`) and caps `attachments` at 10;
 * these checks are the rest, which depend on the files sent and on the message edited:
 *
 * - file parts are named `files[n]`, n from 0 to 9 (at most 10 files), each with a filename;
 * - a file is at most 10 MiB (the default upload limit of a server without boosts) and the whole
 *   request at most 25 MiB: past either Discord answers 413, code 40005 "Request entity too large";
 * - an `attachments` entry names an uploaded file by its n (`{id: 0}` is `files[0]`), or, in an
 *   edit, an attachment the message already has (by its snowflake);
 * - `attachment://name` in an embed (image, thumbnail, author or footer icon) names a file of this
 *   request or, in an edit, an attachment the message keeps.
 */
import type { FormError } from './discord-spec-validator.js';

export const UPLOAD_LIMITS = {
  maxFiles: 10,
  /** Default per-file upload limit (10 MiB) of a server without boosts, and of DMs. */
  maxFileBytes: 10 * 1024 * 1024,
  /** Whole request. */
  maxRequestBytes: 25 * 1024 * 1024,
} as const;

/** A file part of a multipart request. */
export interface UploadedFile {
  /** The form field (`files[0]`). */
  field: string;
  filename: string;
  contentType: string | null;
  size: number;
  data: Buffer;
}

/** An attachment a message already has. */
export interface ExistingAttachment {
  id: string;
  filename: string;
}

export type AttachmentVerdict = { status: 200 } | { status: 400; problems: FormError[] } | { status: 413; problems: FormError[] };

const FILE_FIELD = /^files\[(\d+)\]$/;
const EMBED_URLS: [string, (e: Record<string, unknown>) => unknown][] = [
  ['image.url', (e) => (e.image as Record<string, unknown> | undefined)?.url],
  ['thumbnail.url', (e) => (e.thumbnail as Record<string, unknown> | undefined)?.url],
  ['author.icon_url', (e) => (e.author as Record<string, unknown> | undefined)?.icon_url],
  ['footer.icon_url', (e) => (e.footer as Record<string, unknown> | undefined)?.icon_url],
];

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** The index n of a `files[n]` field, or null. */
export function fileIndex(field: string): number | null {
  const m = FILE_FIELD.exec(field);
  return m ? Number(m[1]) : null;
}

/**
 * Checks the files of one message body (`message`: the JSON body, or an interaction callback's
 * `data`; `at`: the prefix of problem paths, `data.` in a callback). `existing` are the attachments
 * of the message edited (none for a new message). `requestBytes` is the whole request's size.
 */
export function checkAttachments(message: unknown, files: readonly UploadedFile[], existing: readonly ExistingAttachment[], requestBytes: number, at = ''): AttachmentVerdict {
  const tooLarge: FormError[] = [];
  if (requestBytes > UPLOAD_LIMITS.maxRequestBytes) tooLarge.push({ path: '_root', code: '40005', message: `Request entity too large: ${requestBytes} bytes, at most ${UPLOAD_LIMITS.maxRequestBytes}`, rule: 'upload.request_size' });
  for (const f of files) {
    if (f.size > UPLOAD_LIMITS.maxFileBytes) tooLarge.push({ path: f.field, code: '40005', message: `Request entity too large: ${f.filename} has ${f.size} bytes, at most ${UPLOAD_LIMITS.maxFileBytes}`, rule: 'upload.file_size' });
  }
  if (tooLarge.length) return { status: 413, problems: tooLarge };

  const problems: FormError[] = [];
  const byIndex = new Map<number, UploadedFile>();
  for (const f of files) {
    const n = fileIndex(f.field);
    if (n === null || n >= UPLOAD_LIMITS.maxFiles) problems.push({ path: f.field, code: 'UNKNOWN_FILE_FIELD', message: `A file must be sent as files[0] … files[${UPLOAD_LIMITS.maxFiles - 1}], not "${f.field}"`, rule: 'upload.field' });
    else if (byIndex.has(n)) problems.push({ path: f.field, code: 'DUPLICATE_FILE_FIELD', message: `${f.field} is sent twice`, rule: 'upload.field' });
    else byIndex.set(n, f);
    if (!f.filename.trim()) problems.push({ path: f.field, code: 'FILENAME_REQUIRED', message: 'A file needs a filename', rule: 'upload.filename' });
  }
  if (files.length > UPLOAD_LIMITS.maxFiles) problems.push({ path: 'files', code: 'BASE_TYPE_MAX_LENGTH', message: `Must be ${UPLOAD_LIMITS.maxFiles} or fewer in length.`, rule: 'upload.count' });

  const body = isRecord(message) ? message : {};
  const kept = new Set<string>(); // filenames the message will have: uploaded, or kept from before
  for (const f of byIndex.values()) kept.add(f.filename);
  const existingById = new Map(existing.map((a) => [a.id, a]));
  if (Array.isArray(body.attachments)) {
    body.attachments.forEach((entry, i) => {
      const id = isRecord(entry) ? String(entry.id ?? '') : '';
      const path = `${at}attachments.${i}.id`;
      if (/^\d{1,2}$/.test(id)) {
        if (!byIndex.has(Number(id))) problems.push({ path, code: 'ATTACHMENT_NOT_FOUND', message: `Attachment ${id} names files[${id}], which was not uploaded`, rule: 'upload.attachments' });
      } else if (existingById.has(id)) {
        kept.add(existingById.get(id)!.filename);
      } else {
        problems.push({ path, code: 'ATTACHMENT_NOT_FOUND', message: `Unknown attachment ${id}: ${existing.length ? 'not an attachment of this message' : 'a new message can only name its own files[n]'}`, rule: 'upload.attachments' });
      }
    });
  } else {
    // Without an `attachments` list an edit keeps the attachments the message had.
    for (const a of existing) kept.add(a.filename);
  }

  const embeds = Array.isArray(body.embeds) ? body.embeds : [];
  embeds.forEach((embed, i) => {
    if (!isRecord(embed)) return;
    for (const [where, read] of EMBED_URLS) {
      const url = read(embed);
      if (typeof url !== 'string' || !url.startsWith('attachment://')) continue;
      const name = url.slice('attachment://'.length);
      if (!kept.has(name)) problems.push({ path: `${at}embeds.${i}.${where}`, code: 'EMBED_ATTACHMENT_NOT_FOUND', message: `${url} names no file of this message`, rule: 'upload.embed_reference' });
    }
  });
  return problems.length ? { status: 400, problems } : { status: 200 };
}

/** `embed` with each `attachment://name` replaced by the URL of the attachment of that name, as Discord stores it. */
export function resolveAttachmentUrls<E>(embed: E, urlOf: (filename: string) => string | null): E {
  if (!isRecord(embed)) return embed;
  const copy: Record<string, unknown> = { ...embed };
  for (const key of ['image', 'thumbnail', 'author', 'footer']) {
    const part = copy[key];
    if (!isRecord(part)) continue;
    const field = key === 'author' || key === 'footer' ? 'icon_url' : 'url';
    const url = part[field];
    if (typeof url !== 'string' || !url.startsWith('attachment://')) continue;
    const resolved = urlOf(url.slice('attachment://'.length));
    if (resolved) copy[key] = { ...part, [field]: resolved };
  }
  return copy as E;
}
