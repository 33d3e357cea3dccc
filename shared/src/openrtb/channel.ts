// OpenRTB 2.6 section 3.2.24 Object: Channel. The channel the content is on (e.g. a local
// station of a network).
export interface Channel {
  id?: string;
  name?: string;
  domain?: string;
  ext?: Record<string, unknown>;
}
