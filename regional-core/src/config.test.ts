import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from './config.ts';

describe('loadConfig', () => {
  it('defaults to single-node on 127.0.0.1:8080 with dev secrets', () => {
    const c = loadConfig({});
    expect(c).toMatchObject({ mode: 'single-node', host: '127.0.0.1', port: 8080 });
    expect(c.leaseKeys.current).toBe('dev1');
  });
  it('refuses cluster mode without secrets', () => {
    expect(() => loadConfig({ EDGE_RTB_MODE: 'cluster' })).toThrow(ConfigError);
  });
  it('parses rotatable lease keys, first is current', () => {
    const c = loadConfig({ LEASE_KEYS: 'k2:bbb,k1:aaa' });
    expect(c.leaseKeys).toEqual({ current: 'k2', keys: { k2: 'bbb', k1: 'aaa' } });
  });
  it('rejects a bad port', () => {
    expect(() => loadConfig({ CORE_PORT: 'x' })).toThrow(/CORE_PORT/);
  });
});
