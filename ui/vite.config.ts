import { defineConfig } from 'vitest/config'
import vue from '@vitejs/plugin-vue'

// The UI is served from the app binary (tauri://localhost); no network is needed at run time.
export default defineConfig({
  plugins: [vue()],
  // vue-i18n feature flags: Composition API only, no global <i18n-t> components, no devtools.
  define: {
    __VUE_I18N_LEGACY_API__: 'false',
    __VUE_I18N_FULL_INSTALL__: 'false',
    __INTLIFY_PROD_DEVTOOLS__: 'false',
  },
  clearScreen: false,
  server: { port: 5173, strictPort: true },
  build: { target: 'safari15', outDir: 'dist', emptyOutDir: true },
  test: { environment: 'happy-dom', include: ['src/**/*.test.ts'], setupFiles: ['src/testSetup.ts'] },
})
