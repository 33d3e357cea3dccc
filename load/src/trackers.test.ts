import { describe, expect, it } from 'vitest';
import { classify, extractTrackers } from './trackers.ts';

describe('extractTrackers', () => {
  it('finds HTML pixels and click wrappers, decoding entities', () => {
    const adm =
      '<a href="http://127.0.0.1:8787/t/click?x=1&amp;y=2"><img src="http://cdn.example/ad.png"></a>' +
      '<img src="http://127.0.0.1:8787/t/imp?x=1&amp;s=abc" width=1 height=1>';
    expect(extractTrackers(adm)).toEqual({
      impressions: ['http://127.0.0.1:8787/t/imp?x=1&s=abc'],
      clicks: ['http://127.0.0.1:8787/t/click?x=1&y=2'],
      conversions: [],
    });
  });

  it('reads VAST and native markup', () => {
    const vast =
      '<VAST version="4.0"><Ad><InLine><Impression><![CDATA[http://127.0.0.1:8787/imp?a=1]]></Impression>' +
      '<ClickThrough><![CDATA[http://127.0.0.1:8787/click?a=1]]></ClickThrough></InLine></Ad></VAST>';
    expect(extractTrackers(vast).impressions).toEqual(['http://127.0.0.1:8787/imp?a=1']);
    expect(extractTrackers(vast).clicks).toEqual(['http://127.0.0.1:8787/click?a=1']);
    const native = JSON.stringify({
      native: {
        link: { url: 'http://127.0.0.1:8787/click/x' },
        imptrackers: ['http://127.0.0.1:8787/imp/x'],
      },
    });
    expect(extractTrackers(native)).toMatchObject({
      impressions: ['http://127.0.0.1:8787/imp/x'],
      clicks: ['http://127.0.0.1:8787/click/x'],
    });
  });

  it('never keeps a URL off the loopback interface', () => {
    expect(extractTrackers('<img src="http://tracker.example/imp?x=1">').impressions).toEqual([]);
  });

  it('classifies conversions', () => {
    expect(classify('http://127.0.0.1:8787/conv?c=1')).toBe('conversions');
    expect(classify('http://127.0.0.1:8787/v1/other')).toBeUndefined();
  });
});
