import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import {
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
  it('puts them on consecutive ports', () => {
    expect(instanceUrls('http://127.0.0.1:8787', 3)).toEqual([
      'http://127.0.0.1:8787',
      'http://127.0.0.1:8788',
      'http://127.0.0.1:8789',
    ]);
    expect(instanceUrls('http://127.0.0.1:8790', 1)).toEqual(['http://127.0.0.1:8790']);
  });

  it('serves one config with workerd itself and several through the launcher', () => {
    expect(workerdServeCommand('/bin/workerd', ['a.capnp'], ['--inspector-addr=x'])).toEqual([
      '/bin/workerd',
      ['serve', 'a.capnp', '--inspector-addr=x'],
    ]);
    const [cmd, argv] = workerdServeCommand('/bin/workerd', ['a.capnp', 'b.capnp']);
    expect(cmd).toBe(process.execPath);
    expect(argv[0]).toMatch(/workerd-instances\.ts$/);
    expect(JSON.parse(argv[1] as string)).toEqual([
      ['/bin/workerd', 'serve', 'a.capnp'],
      ['/bin/workerd', 'serve', 'b.capnp'],
    ]);
  });

  it('refuses an inspector for several instances (one port)', () => {
    expect(() => workerdServeCommand('/bin/workerd', ['a.capnp', 'b.capnp'], ['--inspector-addr=x'])).toThrow(
      /WORKERD_INSTANCES=1/,
    );
  });
});

describe('writeInstanceConfigs', () => {
  const render = (address: string, suffix: string) => `${address} ${suffix || '(one)'}`;
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
      const configs = writeInstanceConfigs(dir, 8790, render);
      expect(configs).toEqual([join(dir, 'workerd.capnp')]);
      expect(readFileSync(configs[0] as string, 'utf8')).toBe('127.0.0.1:8790 (one)');
    }));

  it('writes one numbered config per instance on consecutive ports', () =>
    inDir((dir) => {
      vi.stubEnv('WORKERD_INSTANCES', '2');
      try {
        const configs = writeInstanceConfigs(dir, 8790, render);
        expect(configs).toEqual([join(dir, 'workerd-0.capnp'), join(dir, 'workerd-1.capnp')]);
        expect(configs.map((c) => readFileSync(c, 'utf8'))).toEqual([
          '127.0.0.1:8790 -0',
          '127.0.0.1:8791 -1',
        ]);
      } finally {
        vi.unstubAllEnvs();
      }
    }));
});
