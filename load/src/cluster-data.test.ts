import { describe, expect, it } from 'vitest';
import { clusterDataNames } from './cluster-data.ts';

describe('clusterDataNames', () => {
  it('names a run database and topic prefix safe as identifiers', () => {
    const n = clusterDataNames('redis-down-2026-11-25T18-02-17-618Z');
    expect(n.database).toBe('edge_rtb_load_redis_down_2026_11_25t18_02_17_618z');
    expect(n.database).toMatch(/^[a-z0-9_]{1,63}$/);
    expect(n.topicPrefix).toBe('load.redis_down_2026_11_25t18_02_17_618z.');
  });
  it('keeps PostgreSQL names within 63 bytes', () => {
    expect(clusterDataNames('x'.repeat(200)).database.length).toBe(63);
  });
});
