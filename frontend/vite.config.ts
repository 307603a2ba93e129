/// <reference types="vitest/config" />
import { fileURLToPath } from 'node:url'
import { defineConfig } from 'vite'

// One ES module exporting render(), written into the Python package (tb_plugin/static/index.js).
// Settings and their reasons: docs/frontend.md ("Stack").
const outDir = fileURLToPath(new URL('../tb_plugin/static', import.meta.url))

export default defineConfig({
  define: {
    // Library mode leaves process.env.NODE_ENV in place; ECharts reads it.
    'process.env.NODE_ENV': JSON.stringify('production'),
  },
  build: {
    outDir,
    emptyOutDir: false, // the folder also holds committed font files
    target: 'es2022',
    copyPublicDir: false,
    sourcemap: false,
    // Never inline assets as data: URLs (fonts are copied as files by scripts/copy-fonts.mjs).
    assetsInlineLimit: 0,
    lib: {
      entry: fileURLToPath(new URL('src/index.ts', import.meta.url)),
      formats: ['es'],
      fileName: () => 'index.js',
    },
    rolldownOptions: {
      output: {
        minify: true, // library mode keeps whitespace for 'es' unless asked
        codeSplitting: false, // one file
      },
    },
  },
  test: {
    environment: 'happy-dom',
    include: ['src/**/*.test.{ts,tsx}', 'test/**/*.test.{ts,tsx}'],
  },
})
