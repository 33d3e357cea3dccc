// OpenRTB 2.6 section 3.2.17 Object: Producer. Who made the content (may differ from the
// publisher that shows it).
export interface Producer {
  id?: string;
  name?: string;
  cattax?: number;
  cat?: string[];
  domain?: string;
  ext?: Record<string, unknown>;
}
