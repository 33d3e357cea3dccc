import { describe, expect, it } from 'vitest';
import { isIdempotencyKey } from './lease-api.ts';

describe('lease API idempotency keys', () => {
  it('accepts what an edge generates (a UUID) and base64url ids', () => {
    expect(isIdempotencyKey(crypto.randomUUID())).toBe(true);
    expect(isIdempotencyKey('AbC_-0123456789xyz')).toBe(true);
    expect(isIdempotencyKey('a'.repeat(64))).toBe(true);
  });

  it('rejects keys that are too short to be unique, too long, or would leak into Redis key syntax', () => {
    for (const bad of [
      '',
      'short',
      'a'.repeat(15),
      'a'.repeat(65),
      `${'a'.repeat(16)}{x}`,
      `${'a'.repeat(16)}:`,
    ])
      expect(isIdempotencyKey(bad), bad).toBe(false);
    expect(isIdempotencyKey(1234567890123456)).toBe(false);
    expect(isIdempotencyKey(null)).toBe(false);
  });
});
