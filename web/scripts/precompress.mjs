// Writes a gzip (.gz) and a brotli (.br) copy next to every compressible file of web/dist, so
// that `argan serve` can answer `Accept-Encoding: br` / `gzip` with the ready file instead of
// compressing on each request (Ketcher and Indigo's WebAssembly are 15 MB raw, about 3.5 MB
// compressed). Run by `npm run build` after Vite.
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';

const dist = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..', 'dist');
const COMPRESSIBLE = /\.(js|mjs|css|html|svg|wasm|json|txt|map)$/;
const MIN_BYTES = 1024;

function* files(dir) {
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) yield* files(full);
    else if (COMPRESSIBLE.test(entry.name)) yield full;
  }
}

let raw = 0;
let br = 0;
for (const file of files(dist)) {
  const data = fs.readFileSync(file);
  if (data.length < MIN_BYTES) continue;
  const gz = zlib.gzipSync(data, { level: 9 });
  const brotli = zlib.brotliCompressSync(data, {
    params: {
      [zlib.constants.BROTLI_PARAM_QUALITY]: 9,
      [zlib.constants.BROTLI_PARAM_SIZE_HINT]: data.length,
      [zlib.constants.BROTLI_PARAM_MODE]: file.endsWith('.wasm') ? zlib.constants.BROTLI_MODE_GENERIC : zlib.constants.BROTLI_MODE_TEXT,
    },
  });
  // A compressed copy that saves nothing is not worth sending.
  if (gz.length < data.length) fs.writeFileSync(file + '.gz', gz);
  if (brotli.length < data.length) fs.writeFileSync(file + '.br', brotli);
  raw += data.length;
  br += Math.min(brotli.length, data.length);
}
console.log(`precompressed web/dist: ${(raw / 1e6).toFixed(1)} MB → ${(br / 1e6).toFixed(1)} MB with brotli`);
