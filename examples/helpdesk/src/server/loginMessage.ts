// Shared by the server's login callback page and the agent app that listens for it (no Node imports).

/** The `source` of the message the Facebook Login popup posts to the app that opened it. */
export const LOGIN_MESSAGE = 'pagedesk-demo-login';
