import { describe, expect, it } from 'vitest';
import { createLogger, type LogLevel } from './log.ts';

describe('createLogger', () => {
  it('writes one JSON object per line with base and child fields, filtered by level', () => {
    const lines: [LogLevel, string][] = [];
    const log = createLogger({ svc: 'core' }, 'info', (l, s) => lines.push([l, s]));
    log.debug('hidden');
    log.child({ req: 7 }).warn('slow', { ms: 12, err: new Error('boom') });
    expect(lines).toHaveLength(1);
    const [level, line] = lines[0]!;
    expect(level).toBe('warn');
    const obj = JSON.parse(line);
    expect(obj).toMatchObject({
      level: 'warn',
      msg: 'slow',
      svc: 'core',
      req: 7,
      ms: 12,
      err: { message: 'boom' },
    });
  });
});
