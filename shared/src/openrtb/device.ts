// OpenRTB 2.6 section 3.2.18 Object: Device. The device: user agent, IP, ids (ifa and the
// hashed dpid/did/mac ids privacy rules call "device ids"), type and geo.
import { type Geo, readGeo } from './geo.ts';
import { at, flag, int, num, type Obj, obj, type ReadCtx, str } from './read.ts';
import type { UserAgent } from './user-agent.ts';

/** Device Type (AdCOM 1.0 "List: Device Types", referenced by OpenRTB 2.6 device.devicetype). */
export const DeviceType = {
  MobileTablet: 1,
  PersonalComputer: 2,
  ConnectedTv: 3,
  Phone: 4,
  Tablet: 5,
  ConnectedDevice: 6,
  SetTopBox: 7,
  OutOfHome: 8,
} as const;
export type DeviceType = (typeof DeviceType)[keyof typeof DeviceType];

export interface Device {
  geo?: Geo;
  dnt?: 0 | 1;
  lmt?: 0 | 1;
  ua?: string;
  sua?: UserAgent;
  ip?: string;
  ipv6?: string;
  devicetype?: number;
  make?: string;
  model?: string;
  os?: string;
  osv?: string;
  hwv?: string;
  h?: number;
  w?: number;
  ppi?: number;
  pxratio?: number;
  js?: 0 | 1;
  geofetch?: 0 | 1;
  language?: string;
  langb?: string;
  carrier?: string;
  mccmnc?: string;
  connectiontype?: number;
  ifa?: string;
  didsha1?: string;
  didmd5?: string;
  dpidsha1?: string;
  dpidmd5?: string;
  macsha1?: string;
  macmd5?: string;
  ext?: Record<string, unknown>;
}

/** The fields holding device identifiers, in one list so scrubbing cannot miss one. */
export const DEVICE_ID_FIELDS = [
  'ifa',
  'didsha1',
  'didmd5',
  'dpidsha1',
  'dpidmd5',
  'macsha1',
  'macmd5',
] as const;

export function readDevice(ctx: ReadCtx, o: Obj, path: string): void {
  const geo = obj(ctx, o, 'geo', path);
  if (geo) readGeo(ctx, geo, at(path, 'geo'));
  flag(ctx, o, 'dnt', path);
  flag(ctx, o, 'lmt', path);
  for (const k of [
    'ua',
    'ip',
    'ipv6',
    'make',
    'model',
    'os',
    'osv',
    'language',
    'carrier',
    ...DEVICE_ID_FIELDS,
  ])
    str(ctx, o, k, path);
  obj(ctx, o, 'sua', path);
  int(ctx, o, 'devicetype', path, { min: 0 });
  int(ctx, o, 'w', path, { min: 0 });
  int(ctx, o, 'h', path, { min: 0 });
  num(ctx, o, 'pxratio', path, { min: 0 });
  flag(ctx, o, 'js', path);
  int(ctx, o, 'connectiontype', path, { min: 0 });
}
