'use client';

import { ChannelSettings } from '@pagedesk/react';

/** Stands in for Facebook Login: a real helpdesk runs the JS SDK's FB.login and returns its token. */
async function facebookLogin(): Promise<string | null> {
  const response = await fetch('/demo/login');
  if (!response.ok) return null;
  const { userAccessToken } = (await response.json()) as { userAccessToken: string };
  return userAccessToken;
}

// `onConnect` and `onReauthorize` are functions, which a server component cannot pass to a client one:
// the channel settings live in this client module.
export function ChannelsClient() {
  return <ChannelSettings onConnect={facebookLogin} onReauthorize={() => facebookLogin()} />;
}
