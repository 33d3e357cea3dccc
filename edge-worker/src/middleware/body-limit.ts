// Reads the request body once, as text, under a byte cap (413 past it) whatever Content-Length
// claims; a gzip body (Content-Encoding: gzip) is inflated under the same cap, so a zip bomb
// stops at maxBytes.
import type { MiddlewareHandler } from 'hono';
import type { EdgeEnv } from '../env.ts';
import { problem } from '../outcomes.ts';

export interface BodyLimitOptions {
  maxBytes?: number;
}

export const bodyLimit = ({ maxBytes = 64 * 1024 }: BodyLimitOptions = {}): MiddlewareHandler<EdgeEnv> =>
  async function bodyLimit(c, next) {
    const limit = Number(c.env.MAX_BODY_BYTES) || maxBytes;
    const lengthHeader = c.req.header('content-length');
    const declared = Number(lengthHeader);
    if (declared > limit) return problem(c, { reason: 'body_too_large', limit });
    let stream = c.req.raw.body;
    if (!stream) return problem(c, { reason: 'invalid_request', field: '', message: 'empty body' });
    const encoding = (c.req.header('content-encoding') ?? 'identity').toLowerCase();
    if (encoding === 'gzip') stream = stream.pipeThrough(new DecompressionStream('gzip'));
    else if (encoding !== 'identity')
      return problem(c, { reason: 'unsupported_encoding', encoding: encoding.slice(0, 32) });
    // A declared length within the cap bounds the body already (the runtime reads exactly that
    // many bytes), so the native text() path is safe and cheaper than reading chunk by chunk.
    if (encoding === 'identity' && lengthHeader !== undefined && declared <= limit) {
      c.set('body', await c.req.raw.text());
      return next();
    }
    const read = await readCapped(stream, limit);
    if (read === 'too_large') return problem(c, { reason: 'body_too_large', limit });
    if (read === 'corrupt')
      return problem(c, { reason: 'invalid_request', field: '', message: 'body is not valid gzip' });
    c.set('body', read);
    await next();
  };

async function readCapped(
  stream: ReadableStream<Uint8Array>,
  limit: number,
): Promise<string | 'too_large' | 'corrupt'> {
  const reader = stream.getReader();
  const decoder = new TextDecoder();
  let size = 0;
  let text = '';
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      size += value.byteLength;
      if (size > limit) {
        await reader.cancel().catch(() => {});
        return 'too_large';
      }
      text += decoder.decode(value, { stream: true });
    }
  } catch {
    return 'corrupt';
  }
  return text + decoder.decode();
}
