// The one place adapters are registered. A DSP's snapshot entry names its adapter; partners
// speaking plain OpenRTB use 'generic' (an alias is configuration, not code).
import { generic } from './generic/index.ts';
import { pulse } from './pulse/index.ts';
import type { Adapter } from './types.ts';

export const ADAPTERS: Readonly<Record<string, Adapter>> = { generic, pulse };

export function adapterFor(name: string): Adapter | undefined {
  return Object.hasOwn(ADAPTERS, name) ? ADAPTERS[name] : undefined;
}
