// End to end through parse -> decide -> scrub: a 2.5-style request carrying ids in every place
// they can hide (including the ext locations the parser lifts) leaks none of them to a buyer
// that may not have them, whatever else the request holds.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseBidRequest } from '../openrtb/parse.ts';
import { decidePrivacy } from './decide.ts';
import { scrubRequest } from './scrub.ts';
import { readPrivacySignals } from './signals.ts';
import { encodeTcf } from './test-encoder.ts';

const SECRETS = ['SECRET-UID', 'SECRET-BUYER', 'SECRET-EID', 'SECRET-IFA', 'SECRET-MD5', 'SECRET-SEG'];

function body(regs: Record<string, unknown>, consent?: string) {
  return JSON.stringify({
    id: 'r',
    imp: [{ id: '1', banner: { w: 300, h: 250 } }],
    app: { bundle: 'com.x' },
    device: {
      ifa: 'SECRET-IFA',
      dpidmd5: 'SECRET-MD5',
      ip: '198.51.100.23',
      geo: { lat: 48.85, lon: 2.35, country: 'FRA' },
    },
    user: {
      id: 'SECRET-UID',
      buyeruid: 'SECRET-BUYER',
      data: [{ id: 'd', segment: [{ id: 'SECRET-SEG' }] }],
      ext: { eids: [{ source: 's', uids: [{ id: 'SECRET-EID' }] }], ...(consent ? { consent } : {}) },
    },
    regs: { ext: regs },
  });
}

function scrubbedFor(text: string, buyer = { gvlVendorId: 42, tcfPurposes: [1, 2, 3, 4] }) {
  const r = parseBidRequest(text);
  if (!r.ok) throw new Error(JSON.stringify(r.error));
  return JSON.stringify(
    scrubRequest(r.value.request, decidePrivacy(readPrivacySignals(r.value.request), buyer)),
  );
}

describe('parse -> decide -> scrub', () => {
  it('leaks no id, segment, precise geo or full IP under GDPR without consent, US opt-out or COPPA', () => {
    for (const regs of [{ gdpr: 1 }, { us_privacy: '1YYN' }, { coppa: 1 }]) {
      const out = regs.coppa
        ? scrubbedFor(body({}).replace('"regs":{"ext":{}}', '"regs":{"coppa":1}'))
        : scrubbedFor(body(regs));
      for (const s of SECRETS) expect(out).not.toContain(s);
      expect(out).not.toContain('48.85');
      expect(out).not.toContain('198.51.100.23');
      expect(out).toContain('198.51.100.0');
    }
  });

  it('forwards everything to a consented vendor', () => {
    const consent = encodeTcf({ purposes: [1, 2, 3, 4], vendors: [42], specialFeatures: [1] });
    const out = scrubbedFor(body({ gdpr: 1 }, consent));
    for (const s of SECRETS) expect(out).toContain(s);
  });

  it('for any vendor/purpose mix, a denied permission leaves no trace of its fields', () => {
    fc.assert(
      fc.property(
        fc.subarray([1, 2, 3, 4, 5, 7, 9, 10]),
        fc.subarray([1, 2, 3, 4]),
        fc.subarray([41, 42, 43]),
        fc.boolean(),
        (purposes, needed, vendors, geo) => {
          const consent = encodeTcf({ purposes, vendors, specialFeatures: geo ? [1] : [] });
          const text = body({ gdpr: 1 }, consent);
          const r = parseBidRequest(text);
          if (!r.ok) throw new Error('fixture');
          const d = decidePrivacy(readPrivacySignals(r.value.request), {
            gvlVendorId: 42,
            tcfPurposes: needed,
          });
          const out = scrubbedFor(text, { gvlVendorId: 42, tcfPurposes: needed });
          if (!d.userIds)
            for (const s of ['SECRET-UID', 'SECRET-BUYER', 'SECRET-EID']) expect(out).not.toContain(s);
          if (!d.deviceIds) for (const s of ['SECRET-IFA', 'SECRET-MD5']) expect(out).not.toContain(s);
          if (!d.userData) expect(out).not.toContain('SECRET-SEG');
          if (!d.preciseGeo) expect(out).not.toContain('48.85');
          if (!d.fullIp) expect(out).not.toContain('198.51.100.23');
        },
      ),
    );
  });
});
