// The core's lease token codec: the shared codec (Web Crypto by default, as the edge verifies)
// given node:crypto's synchronous HMAC, which signs a grant without an async key import.
import { createHmac } from 'node:crypto';
import { createLeaseTokenCodec, type LeaseKeyring, type LeaseTokenCodec } from '@edge-rtb/shared/lease-token';

export const nodeLeaseTokenCodec = (keyring: LeaseKeyring): LeaseTokenCodec =>
  createLeaseTokenCodec(keyring, (key, data) => createHmac('sha256', key).update(data).digest());
