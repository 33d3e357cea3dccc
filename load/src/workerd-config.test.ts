import { describe, expect, it } from 'vitest';
import { renderWorkerdConfig } from './workerd-config.ts';

describe('renderWorkerdConfig', () => {
  it('embeds the module, binds text values safely and allows loopback outbound', () => {
    const text = renderWorkerdConfig({
      modulePath: '/tmp/x/worker.js',
      address: '127.0.0.1:8790',
      compatibilityDate: '2025-09-01',
      bindings: { DSP_URLS: 'http://127.0.0.1:9101/,"q"' },
    });
    expect(text).toContain('esModule = embed "/tmp/x/worker.js"');
    expect(text).toContain('(name = "DSP_URLS", text = "http://127.0.0.1:9101/,\\"q\\"")');
    expect(text).toContain('allow = ["local", "private", "public"]');
    expect(text).toContain('address = "127.0.0.1:8790"');
  });
});
