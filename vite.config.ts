import path from 'node:path'
import react from '@vitejs/plugin-react'
import { defineConfig } from 'vite'

// One build, one entry per web app: the public portal (/), the staff console (/console/), the
// provider survey (/survey/), the chat widget (/widget/); and the widget's embed script, a plain
// script at a fixed address (/widget/embed.js) that other sites include.
export default defineConfig({
  root: path.resolve(import.meta.dirname, 'web'),
  base: '/',
  plugins: [react()],
  build: {
    outDir: path.resolve(import.meta.dirname, 'dist/web'),
    emptyOutDir: true,
    // No inline scripts or data: modules: everything is a file served by Relais, under a strict CSP.
    modulePreload: { polyfill: false },
    assetsInlineLimit: 0,
    rollupOptions: {
      input: {
        portal: path.resolve(import.meta.dirname, 'web/index.html'),
        console: path.resolve(import.meta.dirname, 'web/console/index.html'),
        survey: path.resolve(import.meta.dirname, 'web/survey/index.html'),
        widget: path.resolve(import.meta.dirname, 'web/widget/index.html'),
        embed: path.resolve(import.meta.dirname, 'web/widget/embed.ts'),
      },
      output: {
        entryFileNames: (chunk) => (chunk.name === 'embed' ? 'widget/embed.js' : 'assets/[name]-[hash].js'),
      },
    },
  },
  server: { proxy: { '/api': 'http://127.0.0.1:3000' } },
})
