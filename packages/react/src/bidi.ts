// Bidirectional-text safety for names a customer chose (file names above all). Pure; no 'use client'.

// Embeddings, overrides and isolates (U+202A–U+202E, U+2066–U+2069): inside a file name they only
// serve to disguise it ("\u202Egnp.exe" displays as "exe.png").
const BIDI_CONTROLS = /[\u202A-\u202E\u2066-\u2069]/g;

/**
 * A name as it should be displayed: without bidi embedding, override and isolate controls, so a
 * right-to-left override cannot disguise its extension. Render it isolated (`<bdi>`) as well.
 *
 * @example
 * displayName('\u202Egnp.exe'); // 'gnp.exe'
 */
export function displayName(name: string): string {
  return name.replace(BIDI_CONTROLS, '');
}
