// Creative Attributes (OpenRTB 2.5 list 5.3; AdCOM 1.0 "List: Creative Attributes", which
// OpenRTB 2.6 references). Used by battr on Banner/Video/Audio/Native and attr on Bid.
export const CreativeAttribute = {
  AudioAutoPlay: 1,
  AudioUserInitiated: 2,
  ExpandableAutomatic: 3,
  ExpandableClick: 4,
  ExpandableRollover: 5,
  InBannerVideoAutoPlay: 6,
  InBannerVideoUserInitiated: 7,
  Pop: 8,
  Provocative: 9,
  ShakyFlashing: 10,
  Surveys: 11,
  TextOnly: 12,
  UserInteractive: 13,
  WindowsDialog: 14,
  HasAudioToggle: 15,
  HasSkipButton: 16,
  AdobeFlash: 17,
} as const;
export type CreativeAttribute = (typeof CreativeAttribute)[keyof typeof CreativeAttribute];
