import { defineConfig } from 'vitest/config'
import vue from '@vitejs/plugin-vue'

// The console is served by the sync server (same origin), so the session cookie and /v1 just work.
// In development, Vite proxies /v1 (including the /v1/events stream) to a local server.
const target = process.env.STEWARD_SERVER ?? 'http://127.0.0.1:8911'

export default defineConfig({
  base: '/',
  plugins: [vue()],
  // vue-i18n feature flags: Composition API only, no devtools.
  define: {
    __VUE_I18N_LEGACY_API__: 'false',
    __VUE_I18N_FULL_INSTALL__: 'false',
    __INTLIFY_PROD_DEVTOOLS__: 'false',
  },
  clearScreen: false,
  server: {
    port: 5174,
    proxy: { '/v1': { target, changeOrigin: false } },
  },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2021',
    chunkSizeWarningLimit: 900,
    // No manualChunks: Rollup then keeps every module of a package put in a manual chunk, which
    // defeats Element Plus's tree-shaking (the whole library, 1 MB). The routes are lazy, so
    // ECharts (the overview) and qrcode (enrolment) land in chunks of their own anyway.
  },
  test: {
    environment: 'jsdom',
    include: ['src/**/*.test.ts'],
    setupFiles: ['src/testSetup.ts'],
    css: false,
    // Mounting a page of Element Plus tables takes seconds on a busy 2-core machine (CI runs the
    // Rust build beside nothing, but a developer's benchmark may); no test waits on a clock.
    testTimeout: 30_000,
    server: { deps: { inline: ['element-plus'] } },
  },
})
