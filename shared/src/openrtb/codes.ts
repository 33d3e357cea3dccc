// Reason codes OpenRTB 2.6 references from OpenRTB 3.0 / AdCOM lists: "List: No-Bid Reason
// Codes" (BidResponse.nbr, section 4.2.1) and "List: Loss Reason Codes" (the ${AUCTION_LOSS}
// macro, section 4.4). Values 500+ are exchange-specific and documented here.
export const NoBidReason = {
  UnknownError: 0,
  TechnicalError: 1,
  InvalidRequest: 2,
  KnownWebCrawler: 3,
  SuspectedNonHumanTraffic: 4,
  CloudDataCenterProxyIp: 5,
  UnsupportedDevice: 6,
  BlockedPublisher: 7,
  UnmatchedUser: 8,
  DailyUserCapMet: 9,
  DailyDomainCapMet: 10,
  AdsTxtAuthorizationUnavailable: 11,
  AdsTxtAuthorizationViolation: 12,
  AdsCertAuthenticationUnavailable: 13,
  AdsCertAuthenticationViolation: 14,
  InsufficientAuctionTime: 15,
  IncompleteSupplyChain: 16,
  BlockedSupplyChainNode: 17,
  // edge-rtb specific (500+):
  /** No bidder answered with a bid for any imp. */
  NoBids: 500,
  /** Bids came, but none cleared its floor. */
  AllBidsBelowFloor: 501,
  /** Bids came, but all were rejected (blocked, invalid, deal rules, unknown currency). */
  AllBidsRejected: 502,
} as const;
export type NoBidReason = (typeof NoBidReason)[keyof typeof NoBidReason];

export const LossReason = {
  Won: 0,
  InternalError: 1,
  Expired: 2,
  InvalidBidResponse: 3,
  InvalidDealId: 4,
  InvalidAuctionId: 5,
  InvalidAdvertiserDomain: 6,
  MissingMarkup: 7,
  MissingCreativeId: 8,
  MissingBidPrice: 9,
  MissingCreativeApproval: 10,
  BelowAuctionFloor: 100,
  BelowDealFloor: 101,
  LostToHigherBid: 102,
  LostToDealBid: 103,
  BuyerSeatBlocked: 104,
  CreativeFiltered: 200,
  CreativePendingProcessing: 201,
  CreativeDisapproved: 202,
  CreativeSizeNotAllowed: 203,
  CreativeIncorrectFormat: 204,
  AdvertiserExclusions: 205,
  AppStoreIdExclusions: 206,
  CreativeNotSecure: 207,
  LanguageExclusions: 208,
  CategoryExclusions: 209,
  CreativeAttributeExclusions: 210,
  AdTypeExclusions: 211,
  AnimationTooLong: 212,
  NotAllowedInDeal: 213,
  // edge-rtb specific (500+):
  /** The bid's currency has no rate in the config snapshot. */
  UnknownCurrency: 500,
  /** An open-market bid on an imp whose pmp.private_auction = 1. */
  OpenBidInPrivateAuction: 501,
} as const;
export type LossReason = (typeof LossReason)[keyof typeof LossReason];

/** Auction Type (section 3.2.1 BidRequest.at, 3.2.12 Deal.at). 500+ exchange-specific. */
export const AuctionType = {
  FirstPrice: 1,
  SecondPrice: 2,
  /** Deal.at only: the deal's bidfloor is the agreed price. */
  FixedPrice: 3,
} as const;
export type AuctionType = (typeof AuctionType)[keyof typeof AuctionType];

/** Markup type of a bid (section 4.2.3 Bid.mtype). */
export const MarkupType = { Banner: 1, Video: 2, Audio: 3, Native: 4 } as const;
export type MarkupType = (typeof MarkupType)[keyof typeof MarkupType];

/** Reverse lookup for events and logs: `codeName(LossReason, 102)` -> 'LostToHigherBid'. */
export function codeName(codes: Readonly<Record<string, number>>, value: number): string {
  for (const [name, v] of Object.entries(codes)) if (v === value) return name;
  return `code_${value}`;
}
