import { defineConfig } from 'vite';

// The web app's bundle: JSX through Preact, assets named by content hash
// under /assets (the API caches them immutable), no inline script or style
// (the API's Content-Security-Policy allows only this origin's).
export default defineConfig({
  oxc: { jsx: { runtime: 'automatic', importSource: 'preact' } },
  build: {
    outDir: 'dist',
    assetsDir: 'assets',
    assetsInlineLimit: 0,
    modulePreload: { polyfill: false },
    sourcemap: false,
  },
});
