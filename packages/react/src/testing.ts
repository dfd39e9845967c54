'use client';

// @pagedesk/react/testing: the in-memory fake transport for tests, stories and demos. It lives apart
// from the main entry because no production inbox ships it: generated data and fake rules would
// otherwise count against every host's bundle when imported with `export *` or without tree shaking.
export { createFakeTransport, type FakeTransport, type FakeTransportOptions } from './fakeTransport.js';
