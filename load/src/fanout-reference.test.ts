import { describe, expect, it } from 'vitest';
import { parseBareWork } from './fanout-reference.ts';

describe('OVERHEAD_BARE_WORK', () => {
  it('is no added work when unset or blank', () => {
    expect(parseBareWork(undefined)).toBeUndefined();
    expect(parseBareWork('  ')).toBeUndefined();
  });

  it('takes either amount, the other defaulting to none', () => {
    expect(parseBareWork('{"spinIterations":150000}')).toEqual({ spinIterations: 150000, garbageObjects: 0 });
    expect(parseBareWork('{"garbageObjects":1000,"spinIterations":0}')).toEqual({
      spinIterations: 0,
      garbageObjects: 1000,
    });
  });

  it('names what to fix in anything else', () => {
    expect(parseBareWork('spin=5')).toEqual({ error: expect.stringContaining('must be JSON') });
    expect(parseBareWork('[1]')).toEqual({ error: expect.stringContaining('JSON object') });
    expect(parseBareWork('{"spin":5}')).toEqual({ error: expect.stringContaining('unknown key spin') });
    expect(parseBareWork('{"spinIterations":-1}')).toEqual({ error: expect.stringContaining('integer') });
    expect(parseBareWork('{"garbageObjects":1.5}')).toEqual({ error: expect.stringContaining('integer') });
    expect(parseBareWork('{"spinIterations":1e9}')).toEqual({ error: expect.stringContaining('100000000') });
  });
});
