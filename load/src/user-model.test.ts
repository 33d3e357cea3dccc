import { describe, expect, it } from 'vitest';
import { DEFAULT_USER_MODEL, groundTruth } from './user-model.ts';

describe('groundTruth', () => {
  it('is stable per pair and differs across pairs', () => {
    expect(groundTruth('u1', 'c1')).toEqual(groundTruth('u1', 'c1'));
    expect(groundTruth('u1', 'c1').pClick).not.toEqual(groundTruth('u2', 'c1').pClick);
  });

  it('averages near the base rates and stays a probability', () => {
    let ctr = 0;
    let cvr = 0;
    const n = 20_000;
    for (let i = 0; i < n; i++) {
      const g = groundTruth(`u${i}`, `c${i % 37}`);
      expect(g.pClick).toBeGreaterThan(0);
      expect(g.pClick).toBeLessThanOrEqual(0.5);
      ctr += g.pClick;
      cvr += g.pConvert;
    }
    expect(ctr / n).toBeGreaterThan(DEFAULT_USER_MODEL.baseCtr * 0.8);
    expect(ctr / n).toBeLessThan(DEFAULT_USER_MODEL.baseCtr * 1.2);
    expect(cvr / n).toBeGreaterThan(DEFAULT_USER_MODEL.baseCvr * 0.8);
    expect(cvr / n).toBeLessThan(DEFAULT_USER_MODEL.baseCvr * 1.2);
  });
});
