// Builds the front end into web/dist, which `argan serve` serves at /. Everything the page
// needs (scripts, styles, the Ketcher editor and its WebAssembly) ends up in dist: no CDN.
import { defineConfig } from 'vite';

export default defineConfig({
  base: '/',
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    sourcemap: false,
    // The Ketcher chunks (editor ~1.6 MB, Indigo WebAssembly ~7.5 MB) load only where a
    // structure is drawn.
    chunkSizeWarningLimit: 40000,
    rollupOptions: {
      onLog(level, log, handler) {
        // MUI's "use client" directives and Ketcher's eval are known and harmless here.
        if (log.code === 'MODULE_LEVEL_DIRECTIVE' || log.code === 'EVAL') return;
        handler(level, log);
      },
    },
  },
  resolve: {
    // The Content-Security-Policy (server/http/security_headers.h) allows no string
    // evaluation. paper's full build compiles its PaperScript parser with Function() as soon as
    // it loads; Ketcher uses only paper's geometry, which the core build has without it.
    alias: [{ find: /^paper$/, replacement: 'paper/dist/paper-core.js' }],
  },
  define: {
    // Some Ketcher modules read process.env.NODE_ENV at run time.
    'process.env.NODE_ENV': JSON.stringify('production'),
    // ...and some expect Node's `global`.
    global: 'globalThis',
  },
  // Ketcher's Indigo runs in a module worker that loads its WebAssembly as a separate file
  // (streamed and compiled by the browser rather than decoded from base64).
  worker: { format: 'es' },
  server: {
    proxy: { '/api': 'http://localhost:8080' },
  },
});
