import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

// Every Quorum node serves the built files under /admin (src/http/admin-ui.ts). Asset names carry a
// content hash, so the server can cache them for a year; index.html is never cached.
export default defineConfig({
  base: '/admin/',
  plugins: [react()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    // The charts library alone is a few hundred kB; one warning per build would only be noise.
    chunkSizeWarningLimit: 1500,
  },
  server: {
    // `npm run dev --workspace admin-ui` next to a node on :1337: the APIs are proxied to it.
    proxy: {
      '/admin/api': 'http://localhost:1337',
      '/api': 'http://localhost:1337',
      '/metrics': 'http://localhost:1337',
    },
  },
});
