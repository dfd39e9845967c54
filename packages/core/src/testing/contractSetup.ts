// Set-up shared by the sections of the store contract (storeContract.ts and the describe*Contract
// files it calls): each section gets the empty store made for the current test through `getStore`.

/** Tries to change an object a store returned; frozen objects throw in strict mode, which is fine. */
export function tamper(apply: () => void): void {
  try {
    apply();
  } catch {
    // frozen: the store protects itself this way
  }
}
