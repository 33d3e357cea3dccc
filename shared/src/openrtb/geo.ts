// OpenRTB 2.6 section 3.2.19 Object: Geo. Location of the device (device.geo, where it is now)
// or the user (user.geo, home). lat/lon are what privacy rules call "precise geo".
import { int, num, type Obj, type ReadCtx, str } from './read.ts';

export interface Geo {
  lat?: number;
  lon?: number;
  /** 1 GPS/location services, 2 IP address, 3 user provided. */
  type?: number;
  accuracy?: number;
  lastfix?: number;
  ipservice?: number;
  /** ISO-3166-1 alpha-3. */
  country?: string;
  region?: string;
  regionfips104?: string;
  metro?: string;
  city?: string;
  zip?: string;
  utcoffset?: number;
  ext?: Record<string, unknown>;
}

export function readGeo(ctx: ReadCtx, o: Obj, path: string): void {
  num(ctx, o, 'lat', path, { min: -90, max: 90 });
  num(ctx, o, 'lon', path, { min: -180, max: 180 });
  int(ctx, o, 'type', path);
  int(ctx, o, 'accuracy', path, { min: 0 });
  for (const k of ['country', 'region', 'metro', 'city', 'zip']) str(ctx, o, k, path);
  int(ctx, o, 'utcoffset', path);
}
