import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

// The agent app. The Node server (src/server/main.ts) serves the built files and the Pagedesk API from
// one origin, so the browser needs no CORS and never sees a token.
export default defineConfig({
  root: 'src/client',
  plugins: [react()],
  build: { outDir: '../../dist/client', emptyOutDir: true },
});
