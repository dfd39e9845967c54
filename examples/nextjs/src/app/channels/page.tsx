import { ChannelsClient } from '../ChannelsClient';

// The channel settings: each page's and account's status, and connecting more through "Facebook Login"
// (the emulator's admin token here).
export const dynamic = 'force-dynamic';

export default function ChannelsPage() {
  return <ChannelsClient />;
}
