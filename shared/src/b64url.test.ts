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

  it('accepts only the canonical spelling, so a signed token has one', () => {
    expect(b64urlDecode('AA')).toEqual(new Uint8Array([0]));
    // Same byte: 'B' differs from 'A' only in bits atob drops.
    expect(b64urlDecode('AB')).toBeNull();
    expect(b64urlDecode('AAB')).toBeNull(); // [0, 0] is 'AAA'
    expect(b64urlDecode('A')).toBeNull(); // no encoder writes a 4n+1 length
    fc.assert(
      fc.property(
        fc.uint8Array({ minLength: 1, maxLength: 64 }),
        fc.integer({ min: 1, max: 3 }),
        (bytes, bump) => {
          const text = b64urlEncode(bytes);
          if (text.length % 4 === 0) return; // whole groups have no spare bits
          const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
          const last = alphabet.indexOf(text.at(-1)!);
          const spare = text.length % 4 === 2 ? 4 : 2; // low bits of the last character atob ignores
          const twin =
            text.slice(0, -1) + alphabet[(last & ~((1 << spare) - 1)) | (bump & ((1 << spare) - 1))];
          if (twin === text) return;
          expect(b64urlDecode(twin)).toBeNull();
        },
      ),
    );
  });
});
