// The bot that shares Acme's Messenger page with the helpdesk (Meta's handover protocol): the demo
// seeds a conversation it holds. Its id names it in the agent app (`routing.bot` message).

/** The demo bot's Meta app id and the name agents see for it. */
export const DEMO_BOT = { appId: '1357924680135792', name: 'Acme Assistant' } as const;
