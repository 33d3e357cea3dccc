// Tells workers-types what the main module exports, so `exports.default` in workerd tests is typed.
declare namespace Cloudflare {
  interface GlobalProps {
    mainModule: typeof import('./index.ts');
  }
}
