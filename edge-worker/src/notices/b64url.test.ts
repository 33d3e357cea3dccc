import { Buffer } from 'node:buffer';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { b64urlDecode, b64urlEncode, b64urlOfBinary } from './b64url.ts';

describe('base64url', () => {
  it("encodes any bytes as Node's base64url does, and decodes them back", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 20_000 }), (bytes) => {
        const text = b64urlEncode(bytes);
        expect(text).toBe(Buffer.from(bytes).toString('base64url'));
        expect(b64urlDecode(text)).toEqual(bytes);
      }),
      { numRuns: 300 },
    );
  });

  it('encodes a binary string the same way, and refuses text outside the alphabet', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary-ascii', maxLength: 2_000 }), (s) => {
        expect(b64urlOfBinary(s)).toBe(Buffer.from(s, 'latin1').toString('base64url'));
      }),
    );
    expect(b64urlOfBinary('\u00fb\u00ff')).toBe('-_8');
    expect(b64urlDecode('a+b/')).toBeNull();
  });
});
