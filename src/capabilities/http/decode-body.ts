import { Buffer } from 'node:buffer';

/**
 * Decodes a fetched body to text: the charset of the Content-Type header, else an XML prolog's
 * `encoding`, else an HTML `<meta charset>`, else UTF-8 (an unknown label also falls back to UTF-8).
 */
export function decodeBody(body: Uint8Array, contentType: string | null | undefined): string {
  const head = Buffer.from(body.buffer, body.byteOffset, Math.min(body.byteLength, 2048)).toString('latin1');
  const label =
    /charset\s*=\s*"?([\w.:-]+)/i.exec(contentType ?? '')?.[1] ??
    /^\s*<\?xml[^>]*\bencoding\s*=\s*["']([\w.:-]+)/i.exec(head)?.[1] ??
    /<meta[^>]+charset\s*=\s*["']?([\w.:-]+)/i.exec(head)?.[1] ??
    'utf-8';
  try {
    return new TextDecoder(label).decode(body);
  } catch {
    return new TextDecoder('utf-8').decode(body);
  }
}
