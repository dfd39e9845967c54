// Runs inside the temporary npm project of scripts/check-packed.mjs, against the installed tarballs:
// `node smoke.mjs '["@pagedesk/core", ...]'`.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { Writable } from 'node:stream';

const require = createRequire(import.meta.url);
const names = JSON.parse(process.argv[2] ?? '[]');
assert.ok(names.length > 0, 'no package names given');

// Every JavaScript entry of every package, imported as ESM and required as CJS, with the same exports.
for (const name of names) {
  const manifest = JSON.parse(readFileSync(require.resolve(`${name}/package.json`), 'utf8'));
  for (const [subpath, target] of Object.entries(manifest.exports)) {
    if (typeof target === 'string') continue; // ./package.json
    const specifier = subpath === '.' ? name : `${name}/${subpath.slice(2)}`;
    // A stylesheet: the one built file, every rule scoped, no @import left to resolve.
    if (subpath.endsWith('.css')) {
      const css = readFileSync(require.resolve(specifier), 'utf8');
      assert.match(css, /\.pd-root \.pd-composer/, `${specifier} lacks the kit's rules`);
      assert.doesNotMatch(css, /@import/, `${specifier} still imports other files`);
      console.info(`${specifier}: ${css.length} characters of CSS`);
      continue;
    }
    const esm = Object.keys(await import(specifier)).filter((key) => key !== 'default');
    assert.ok(esm.length > 0, `${specifier} (ESM) exports nothing`);
    // An entry without a `require` condition is ESM-only on purpose (@pagedesk/core/testing imports vitest).
    if (!('require' in target)) {
      assert.throws(() => require(specifier), /ERR_PACKAGE_PATH_NOT_EXPORTED|not defined by "exports"/);
      console.info(`${specifier}: ${esm.length} exports, ESM only (as declared)`);
      continue;
    }
    const cjs = Object.keys(require(specifier)).filter((key) => key !== 'default' && key !== '__esModule');
    assert.deepEqual(esm.sort(), cjs.sort(), `${specifier}: ESM and CJS export different names`);
    console.info(`${specifier}: ${esm.length} exports, ESM and CJS`);
  }
}

// A webhook delivery signed as Meta signs it, verified and parsed by the packed @pagedesk/node-webhook.
{
  const { createWebhook, verifySignature, verifySignatureAsync } = await import('@pagedesk/node-webhook');
  const { signWebhookBody } = await import('@pagedesk/core/testing');
  const appSecret = 'packed-smoke-secret';
  const body = JSON.stringify({
    object: 'page',
    entry: [
      {
        id: '100',
        time: 1_700_000_000_000,
        messaging: [
          {
            sender: { id: '200' },
            recipient: { id: '100' },
            timestamp: 1_700_000_000_000,
            message: { mid: 'm.packed.1', text: 'Hello from the tarball' },
          },
        ],
      },
    ],
  });
  const signature = signWebhookBody(body, appSecret);
  assert.equal(verifySignature(body, signature, appSecret), true);
  assert.equal(verifySignature(`${body} `, signature, appSecret), false);
  assert.equal(await verifySignatureAsync(new TextEncoder().encode(body), signature, appSecret), true);
  const received = [];
  const webhook = createWebhook({
    appSecret,
    verifyToken: 'token',
    onEvents: (events) => received.push(...events),
  });
  const post = (header) =>
    webhook.fetch(
      new Request('http://127.0.0.1/webhook', {
        method: 'POST',
        body,
        headers: { 'x-hub-signature-256': header },
      }),
    );
  assert.equal((await post(signature)).status, 200);
  assert.equal((await post(signWebhookBody(body, 'wrong'))).status, 401);
  assert.deepEqual(
    received.map((event) => [event.kind, event.text]),
    [['message', 'Hello from the tarball']],
  );
  console.info('@pagedesk/node-webhook: a signed delivery verified and handed over; a wrong one refused');
}

// The inbox rendered to a string on the server, through ESM and through CJS.
for (const [label, load] of [
  [
    'ESM',
    async () => [
      await import('react'),
      await import('react-dom/server'),
      await import('@pagedesk/react'),
      await import('@pagedesk/react/testing'),
    ],
  ],
  [
    'CJS',
    async () => [
      require('react'),
      require('react-dom/server'),
      require('@pagedesk/react'),
      require('@pagedesk/react/testing'),
    ],
  ],
]) {
  const [React, server, kit, testing] = await load();
  const transport = testing.createFakeTransport({ now: () => Date.UTC(2026, 0, 1), conversations: 3 });
  const html = server.renderToString(
    React.createElement(kit.PagedeskProvider, { transport }, React.createElement(kit.Inbox)),
  );
  assert.match(html, /class="[^"]*pd-/, `${label}: the inbox rendered no Pagedesk markup`);
  console.info(`@pagedesk/react (${label}): <Inbox> rendered to ${html.length} characters of HTML`);
  // A panel the main entry loads on first render: streaming server rendering waits for its module
  // (`import()` of the ESM file, or of its CJS twin) and sends the real panel, not the placeholder.
  const streamed = await new Promise((resolve, reject) => {
    let out = '';
    const sink = new Writable({
      write(chunk, _encoding, done) {
        out += chunk;
        done();
      },
      final(done) {
        resolve(out);
        done();
      },
    });
    const stream = server.renderToPipeableStream(
      React.createElement(kit.PagedeskProvider, { transport }, React.createElement(kit.ChannelSettings)),
      { onAllReady: () => stream.pipe(sink), onShellError: reject, onError: reject },
    );
  });
  assert.match(streamed, /Loading channels/, `${label}: the lazily loaded <ChannelSettings> did not render`);
  console.info(`@pagedesk/react (${label}): the lazily loaded <ChannelSettings> streamed from the server`);
}
