// The emulator and the webhook run in Node route handlers only; nothing starts at build time.
/** @type {import('next').NextConfig} */
const nextConfig = {
  // The emulator opens its own HTTP server: keep it (and the server packages) out of the route bundles.
  serverExternalPackages: ['@pagedesk/emulator', '@pagedesk/node-webhook', '@pagedesk/core'],
};

export default nextConfig;
