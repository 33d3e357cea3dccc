// A body read as text under a byte cap, for what the edge takes from outside: an SSP's request
// (request-gate) and a DSP's answer (fan-out). Unencoded with a Content-Length within the cap,
// the runtime reads exactly that many bytes, so the native text() is used; otherwise (no length,
// or a gzip body the runtime inflates) the stream is read chunk by chunk and given up past the
// cap, so a huge or endless body, or a zip bomb, stops there instead of filling the isolate.

export type CappedText = string | 'too_large' | 'corrupt';

export async function cappedText(
  body: Request | Response,
  limit: number,
  stream: ReadableStream<Uint8Array> | null = body.body,
): Promise<CappedText> {
  const lengthHeader = body.headers.get('content-length');
  const declared = Number(lengthHeader);
  if (declared > limit) {
    await stream?.cancel().catch(() => {});
    return 'too_large';
  }
  if (!stream) return '';
  if (stream === body.body && lengthHeader !== null && !body.headers.has('content-encoding'))
    return await body.text();
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
