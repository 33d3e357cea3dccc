// OpenRTB 2.6 section 3.2.20 Object: User. The human behind the device. `consent` (TCF string)
// and `eids` are 2.6 locations; the parser lifts 2.5's user.ext.consent / user.ext.eids here.
import { type Data, readData } from './data.ts';
import { type Eid, readEid } from './eid.ts';
import { type Geo, readGeo } from './geo.ts';
import { at, int, lift, type Obj, obj, objArr, type ReadCtx, str, strArr } from './read.ts';

export interface User {
  id?: string;
  buyeruid?: string;
  yob?: number;
  gender?: string;
  keywords?: string;
  kwarray?: string[];
  customdata?: string;
  geo?: Geo;
  data?: Data[];
  /** TCF v2 consent string when regs.gdpr = 1. */
  consent?: string;
  eids?: Eid[];
  ext?: Record<string, unknown>;
}

export function readUser(ctx: ReadCtx, o: Obj, path: string): void {
  lift(o, 'consent');
  lift(o, 'eids');
  for (const k of ['id', 'buyeruid', 'gender', 'keywords', 'customdata', 'consent']) str(ctx, o, k, path);
  int(ctx, o, 'yob', path, { min: 1900, max: 2100 });
  strArr(ctx, o, 'kwarray', path);
  const geo = obj(ctx, o, 'geo', path);
  if (geo) readGeo(ctx, geo, at(path, 'geo'));
  objArr(ctx, o, 'data', path, readData);
  objArr(ctx, o, 'eids', path, readEid);
}
