// COPPA (US Children's Online Privacy Protection Act): regs.coppa = 1 says the placement is
// directed at children under 13. No personal data may leave the exchange: the decision strips
// user and device ids, user data, precise geo, and truncates the IP for every buyer.
import type { BidRequest } from '../openrtb/bid-request.ts';

export const coppaApplies = (request: BidRequest): boolean => request.regs?.coppa === 1;
