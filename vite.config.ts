import { defineConfig } from 'vite'
import { VitePWA } from 'vite-plugin-pwa'
import { securityHeaders } from './scripts/vite-security-headers.ts'

// Where these used to live; the policy itself is core/security-headers.ts.
export { CONTENT_SECURITY_POLICY, SECURITY_HEADERS } from './core/security-headers.ts'

export default defineConfig({
  build: {
    target: 'es2022',
    outDir: 'dist',
    emptyOutDir: true,
    chunkSizeWarningLimit: 2048
  },
  worker: { format: 'es' },
  plugins: [
    // The CSP and the other security headers (core/security-headers.ts): in dist/ and from every Vite server.
    securityHeaders(),
    VitePWA({
      strategies: 'injectManifest',
      srcDir: 'sw',
      filename: 'service-worker.ts',
      injectRegister: false,
      manifest: false,
      injectManifest: {
        rollupFormat: 'es',
        globPatterns: ['**/*.{js,css,html,svg,png,wasm,webmanifest}'],
        // The install sheet's screenshots are fetched when it opens, not kept offline.
        globIgnores: ['screenshots/**'],
        maximumFileSizeToCacheInBytes: 8 * 1024 * 1024
      },
      devOptions: { enabled: false }
    })
  ]
})
