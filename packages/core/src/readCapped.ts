// Reading a web body with a byte cap: web streams only (no Buffer), so it runs in browsers, Node, Deno
// and workers. The media archiver reads Meta's CDN with it and the inbox API reads requests and uploads.

/**
 * Reads a whole body, at most `cap` bytes. Past the cap (declared or counted) it stops reading,
 * cancels the stream and answers undefined, so a huge body costs no more than `cap` bytes.
 *
 * @param body - The body stream (`request.body`, `response.body`); null reads as empty.
 * @param cap - The most bytes accepted.
 * @param declaredLength - The Content-Length, when the sender declared one: over `cap`, nothing is read.
 * @returns The bytes, or undefined when the body is longer than `cap`.
 * @example
 * const bytes = await readCapped(response.body, 8 * 1024 * 1024);
 * if (!bytes) throw new BodyTooLargeError(8 * 1024 * 1024);
 */
export async function readCapped(
  body: ReadableStream<Uint8Array> | null,
  cap: number,
  declaredLength?: number,
): Promise<Uint8Array | undefined> {
  if (declaredLength !== undefined && declaredLength > cap) {
    await body?.cancel().catch(() => {});
    return undefined;
  }
  if (!body) return new Uint8Array(0);
  const chunks: Uint8Array[] = [];
  let size = 0;
  const reader = body.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > cap) {
      await reader.cancel().catch(() => {});
      return undefined;
    }
    chunks.push(value);
  }
  // One chunk (a small JSON body) is the common case: no copy.
  if (chunks.length === 1) return chunks[0];
  const bytes = new Uint8Array(size);
  let at = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, at);
    at += chunk.byteLength;
  }
  return bytes;
}
