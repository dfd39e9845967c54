import { createParser, type EventSourceMessage } from 'eventsource-parser';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseSseChunk, type SseParserState } from '../httpTransport.js';

// parseSseChunk against eventsource-parser (a well-kept spec implementation, dev dependency only: the
// React bundle budget has no room for it) on generated streams, cut into chunks at every position.

type Parsed = { id?: string; event?: string; data: string };

const parseAll = (chunks: string[]): Parsed[] => {
  const state: SseParserState = { buffer: '' };
  return chunks.flatMap((chunk) => parseSseChunk(state, chunk));
};

function reference(stream: string): Parsed[] {
  const events: Parsed[] = [];
  const parser = createParser({
    onEvent: (message: EventSourceMessage) => {
      const event: Parsed = { data: message.data };
      if (message.id !== undefined) event.id = message.id;
      if (message.event !== undefined) event.event = message.event;
      events.push(event);
    },
  });
  parser.feed(stream);
  return events;
}

// The spec's browser default turns an empty `event:` into "message"; both parsers leave it unset or empty.
const normalise = (events: Parsed[]) =>
  events.map(({ id, event, data }) => ({ id, event: event === '' ? undefined : event, data }));

const lineText = fc.string({ unit: fc.constantFrom('a', 'b', ' ', ':', 'é', '😀', '{', '"', '\0', 'x') });
const ending = fc.constantFrom('\n', '\r\n', '\r');
const line = fc.oneof(
  fc.record({ field: fc.constantFrom('data', 'id', 'event', 'retry', 'other'), value: lineText }),
  fc.record({ field: fc.constant(''), value: lineText }), // a comment (": ...")
  fc.record({ field: fc.constant('data'), value: fc.constant(null) }), // "data" without a colon
);
const block = fc.array(fc.tuple(line, ending), { minLength: 1, maxLength: 5 });
const stream = fc
  .array(fc.tuple(block, ending), { minLength: 1, maxLength: 5 })
  .map((blocks) =>
    blocks
      .map(
        ([lines, blank]) =>
          lines
            .map(([{ field, value }, end]) =>
              field === ''
                ? `:${value}${end}`
                : value === null
                  ? `${field}${end}`
                  : `${field}: ${value}${end}`,
            )
            .join('') + blank,
      )
      .join(''),
  );

describe('parseSseChunk', () => {
  it('assembles events across chunks, ignores comments and handles CRLF', () => {
    const state = { buffer: '' };
    expect(parseSseChunk(state, ': ping\n\nid: 1\nevent: typing\nda')).toEqual([]);
    expect(parseSseChunk(state, 'ta: {"a":1}\r\n\r\nid: 2\ndata: x\ndata: y\n\n')).toEqual([
      { id: '1', event: 'typing', data: '{"a":1}' },
      { id: '2', data: 'x\ny' },
    ]);
    expect(state.buffer).toBe('');
  });

  it('keeps one event when a chunk ends between the \\r and \\n of a line end', () => {
    expect(parseAll(['data: a\r', '\ndata: b\r\n\r', '\n'])).toEqual([{ data: 'a\nb' }]);
    expect(parseAll(['data: a\r\n\r', '\ndata: b\r\n\r\n'])).toEqual([{ data: 'a' }, { data: 'b' }]);
  });

  it('delivers a CR-terminated event at once, without waiting for the next chunk', () => {
    const state: SseParserState = { buffer: '' };
    expect(parseSseChunk(state, 'data: a\r\r')).toEqual([{ data: 'a' }]);
    expect(parseSseChunk(state, '\rdata: b\r\r')).toEqual([{ data: 'b' }]);
  });

  it('ignores an id holding U+0000, as the spec says', () => {
    expect(parseAll(['id: a\0b\ndata: x\n\n'])).toEqual([{ data: 'x' }]);
  });

  it('gives the same events as eventsource-parser for any stream', () => {
    fc.assert(
      fc.property(stream, (text) => {
        // A trailing comment line settles a final lone \r for the reference, which waits for a \n.
        const complete = `${text}:\n`;
        expect(normalise(parseAll([complete]))).toEqual(normalise(reference(complete)));
      }),
      { numRuns: 500 },
    );
  });

  it('gives the same events whatever the chunking: split at every position, or at many', () => {
    fc.assert(
      fc.property(stream, fc.array(fc.nat(), { maxLength: 8 }), (text, cuts) => {
        const whole = parseAll([text]);
        for (let i = 0; i <= text.length; i++) {
          expect(parseAll([text.slice(0, i), text.slice(i)])).toEqual(whole);
        }
        const points = [...new Set(cuts.map((c) => c % (text.length + 1)))].sort((a, b) => a - b);
        const chunks = [0, ...points, text.length]
          .slice(0, -1)
          .map((start, k, starts) => text.slice(start, starts[k + 1] ?? text.length));
        expect(parseAll(chunks)).toEqual(whole);
      }),
      { numRuns: 300 },
    );
  });
});
