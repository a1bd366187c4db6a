// Builds the front end into web/dist, which `argan serve` serves at /. Everything the page
// needs (scripts, styles, the Ketcher editor and its WebAssembly) ends up in dist: no CDN.
import { defineConfig } from 'vite';

export default defineConfig({
  base: '/',
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    sourcemap: false,
    // The Ketcher chunk carries Indigo's WebAssembly (~28 MB); it loads only on the
    // registration page.
    chunkSizeWarningLimit: 40000,
    rollupOptions: {
      onLog(level, log, handler) {
        // MUI's "use client" directives and Ketcher's eval are known and harmless here.
        if (log.code === 'MODULE_LEVEL_DIRECTIVE' || log.code === 'EVAL') return;
        handler(level, log);
      },
    },
  },
  define: {
    // Some Ketcher modules read process.env.NODE_ENV at run time.
    'process.env.NODE_ENV': JSON.stringify('production'),
  },
  server: {
    proxy: { '/api': 'http://localhost:8080' },
  },
});
