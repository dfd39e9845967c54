import react from '@vitejs/plugin-react';
import { defaultClientConditions, defineConfig } from 'vite';

// The agent app. The Node server (src/server/main.ts) serves the built files and the Pagedesk API from
// one origin, so the browser needs no CORS and never sees a token. PAGEDESK_SOURCE=1 builds against the
// packages' src/ (tests do, so they need no package build first).
export default defineConfig({
  root: 'src/client',
  plugins: [react()],
  resolve: {
    conditions: process.env['PAGEDESK_SOURCE']
      ? ['@pagedesk/source', ...defaultClientConditions]
      : [...defaultClientConditions],
  },
  build: { outDir: '../../dist/client', emptyOutDir: true },
});
