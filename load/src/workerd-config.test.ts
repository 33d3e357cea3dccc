import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import {
  type InstanceSlot,
  instanceUrls,
  renderWorkerdConfig,
  workerdServeCommand,
  writeInstanceConfigs,
} from './workerd-config.ts';

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
    expect(text).not.toContain('durableObjectStorage');
  });

  it('binds SQLite-backed Durable Objects stored on disk', () => {
    const text = renderWorkerdConfig({
      modulePath: 'out/index.js',
      address: '127.0.0.1:8787',
      compatibilityDate: '2026-07-01',
      compatibilityFlags: ['nodejs_compat'],
      bindings: { POP: 'local' },
      durableObjects: [{ binding: 'NOTICE_LEDGER', className: 'NoticeLedger', sql: true }],
      storageDir: '/tmp/do',
    });
    expect(text).toContain('(name = "NOTICE_LEDGER", durableObjectNamespace = (className = "NoticeLedger"))');
    expect(text).toContain(
      '(className = "NoticeLedger", uniqueKey = "edge-rtb-NoticeLedger", enableSql = true)',
    );
    expect(text).toContain('durableObjectStorage = (localDisk = "do-disk")');
    expect(text).toContain('(name = "do-disk", disk = (path = "/tmp/do", writable = true))');
    expect(text).toContain('compatibilityFlags = ["nodejs_compat"]');
  });
});

describe('several workerd instances (WORKERD_INSTANCES)', () => {
  it('gives each of several its own port next to the shared one', () => {
    expect(instanceUrls('http://127.0.0.1:8787', 3)).toEqual([
      'http://127.0.0.1:8788',
      'http://127.0.0.1:8789',
      'http://127.0.0.1:8790',
    ]);
    expect(instanceUrls('http://127.0.0.1:8800', 1)).toEqual(['http://127.0.0.1:8800']);
  });

  it('renders a shared socket without an address, and the direct one', () => {
    const text = renderWorkerdConfig({
      modulePath: 'out/w.js',
      directAddress: '127.0.0.1:8788',
      compatibilityDate: '2026-04-26',
      bindings: {},
    });
    expect(text).toContain('(name = "http", http = (), service = "main")');
    expect(text).toContain('(name = "direct", address = "127.0.0.1:8788", http = (), service = "main")');
  });

  it('serves one config with workerd itself and several through the launcher on the shared address', () => {
    expect(workerdServeCommand('/bin/workerd', ['a.capnp'], ['--inspector-addr=x'])).toEqual([
      '/bin/workerd',
      ['serve', 'a.capnp', '--inspector-addr=x'],
    ]);
    const [cmd, argv] = workerdServeCommand('/bin/workerd', ['a.capnp', 'b.capnp'], [], '127.0.0.1:8787');
    expect(cmd).toBe(process.execPath);
    expect(argv[0]).toMatch(/workerd-instances\.ts$/);
    expect(argv.slice(1, 3)).toEqual(['--listen', '127.0.0.1:8787']);
    expect(JSON.parse(argv[3] as string)).toEqual([
      ['/bin/workerd', 'serve', 'a.capnp'],
      ['/bin/workerd', 'serve', 'b.capnp'],
    ]);
  });

  it('refuses an inspector for several instances (one port), and several without a shared address', () => {
    expect(() =>
      workerdServeCommand('/bin/workerd', ['a.capnp', 'b.capnp'], ['--inspector-addr=x'], '127.0.0.1:1'),
    ).toThrow(/WORKERD_INSTANCES=1/);
    expect(() => workerdServeCommand('/bin/workerd', ['a.capnp', 'b.capnp'])).toThrow(/share/);
  });
});

describe('writeInstanceConfigs', () => {
  const render = (s: InstanceSlot) =>
    `${s.address ?? 'shared'} ${s.directAddress ?? '-'} ${s.index}/${s.count} ${s.suffix || '(one)'}`;
  const inDir = (f: (dir: string) => void) => {
    const dir = mkdtempSync(join(tmpdir(), 'workerd-config-'));
    try {
      f(dir);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  };

  it('writes workerd.capnp on the port for one instance (the default)', () =>
    inDir((dir) => {
      const configs = writeInstanceConfigs(dir, 8800, render);
      expect(configs).toEqual([join(dir, 'workerd.capnp')]);
      expect(readFileSync(configs[0] as string, 'utf8')).toBe('127.0.0.1:8800 - 0/1 (one)');
    }));

  it('writes one numbered config per instance, sharing the port, each on its own next to it', () =>
    inDir((dir) => {
      vi.stubEnv('WORKERD_INSTANCES', '2');
      try {
        const configs = writeInstanceConfigs(dir, 8800, render);
        expect(configs).toEqual([join(dir, 'workerd-0.capnp'), join(dir, 'workerd-1.capnp')]);
        expect(configs.map((c) => readFileSync(c, 'utf8'))).toEqual([
          'shared 127.0.0.1:8801 0/2 -0',
          'shared 127.0.0.1:8802 1/2 -1',
        ]);
      } finally {
        vi.unstubAllEnvs();
      }
    }));
});
