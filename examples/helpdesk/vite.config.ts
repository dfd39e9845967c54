import react from '@vitejs/plugin-react';
import { defaultClientConditions, defineConfig } from 'vite';

// The agent app. The Node server (src/server/main.ts) serves the built files and the Pagedesk API from
// one origin, so the browser needs no CORS and never sees a token. Inside this repository the app is
// built against the packages' sources (the `@pagedesk/source` export condition), so the demo needs no
// package build first; an app outside it resolves the published `dist` as usual.
export default defineConfig({
  root: 'src/client',
  plugins: [react()],
  resolve: { conditions: ['@pagedesk/source', ...defaultClientConditions] },
  build: { outDir: '../../dist/client', emptyOutDir: true },
});
