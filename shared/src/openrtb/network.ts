// OpenRTB 2.6 section 3.2.23 Object: Network. The network the content is on (e.g. a TV
// network), as opposed to the channel (3.2.24) within it.
export interface Network {
  id?: string;
  name?: string;
  domain?: string;
  ext?: Record<string, unknown>;
}
