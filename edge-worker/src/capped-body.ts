// A body read as text under a byte cap, for what the edge takes from outside: an SSP's request
// (request-gate) and a DSP's answer (fan-out). A Content-Length past the cap is refused unread.
// An unencoded body with a Content-Length within the cap is bounded by it (the runtime reads
// exactly that many bytes), so the native text() is used. An encoded body (gzip the runtime or
// we inflate) is read chunk by chunk and given up past the cap, so a zip bomb stops there.
//
// An unencoded body without a length (chunked) depends on who sends it:
// - 'stream' (SSP requests, anyone on the internet): read chunk by chunk under the cap;
// - 'native' (DSP answers, configured partners, read under the auction deadline): the native
//   text(), refused afterwards past the cap. Chunk by chunk re-enters the isolate per chunk and
//   cost ~0.25 ms of JS per 5-DSP auction (edge-profile); the deadline bounds what a partner can
//   send meanwhile.

export type CappedText = string | 'too_large' | 'corrupt';

export interface CapOptions {
  /** The body's stream when it is not the body's own (a DecompressionStream over it). */
  stream?: ReadableStream<Uint8Array> | null;
  chunked?: 'stream' | 'native';
}

export function cappedText(
  body: Request | Response,
  limit: number,
  { stream, chunked = 'stream' }: CapOptions = {},
): Promise<CappedText> {
  // Not async: the usual answer is the runtime's own text() promise, without a frame around it.
  // `body.body` is only touched to read chunk by chunk: the getter makes a ReadableStream
  // wrapper, six an auction (the request and five answers) for bodies text() reads natively.
  const lengthHeader = body.headers.get('content-length');
  if (Number(lengthHeader) > limit) return refuse(streamOf(body, stream));
  if (stream === undefined && !body.headers.has('content-encoding')) {
    if (lengthHeader !== null) return body.text();
    // UTF-16 units never outnumber UTF-8 bytes, so this refuses only bodies past the cap.
    if (chunked === 'native') return body.text().then((t) => (t.length > limit ? 'too_large' : t));
  }
  const own = streamOf(body, stream);
  return own ? readChunks(own, limit) : Promise.resolve('');
}

/** The stream to read or cancel: the caller's when given, else the body's own (a getter that makes a wrapper). */
function streamOf(
  body: Request | Response,
  stream: ReadableStream<Uint8Array> | null | undefined,
): ReadableStream<Uint8Array> | null {
  return stream === undefined ? body.body : stream;
}

async function refuse(stream: ReadableStream<Uint8Array> | null): Promise<CappedText> {
  await stream?.cancel().catch(() => {});
  return 'too_large';
}

async function readChunks(stream: ReadableStream<Uint8Array>, limit: number): Promise<CappedText> {
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
