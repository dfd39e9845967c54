// Link detection for message text, in ~1 KB instead of linkifyjs' ~10 KB gzip (a full TLD table and
// a state machine). It finds what agents see in chats: http(s)/mailto/tel URLs, e-mail addresses,
// www. hosts and bare domains. A bare domain needs a country TLD or a common generic one, so file
// names such as "node.js" or "notes.txt" stay text. Every href is vetted again by safeLinkUrl.

/** A link found in text: `[start, end)` and the address it points at. */
export interface FoundLink {
  start: number;
  end: number;
  href: string;
}

// Two-letter country TLDs (IANA), then the generic TLDs common in customer messages.
const CC =
  'acadaeafagaialamaoaqarasatauawaxazbabbbdbebfbgbhbibjbmbnbobrbsbtbvbwbybzcacccdcfcgchcickclcmcncocrcucvcwcxcyczdedjdkdmdodzeceeegereseteufifjfkfmfofrgagbgdgegfggghgiglgmgngpgqgrgsgtgugwgyhkhmhnhrhthuidieiliminioiqirisitjejmjojpkekgkhkikmknkpkrkwkykzlalblclilklrlsltlulvlymamcmdmemgmhmkmlmmmnmompmqmrmsmtmumvmwmxmymznancnenfngninlnonpnrnunzompapepfpgphpkplpmpnprpsptpwpyqarerorsrurwsasbscsdsesgshsisjskslsmsnsosrssstsusvsxsysztctdtftgthtjtktltmtntotrtttvtwtzuaugukusuyuzvavcvevgvivnvuwfwsyeytzazmzw';
const GENERIC =
  'com net org edu gov mil int info biz name pro mobi asia app dev page blog shop store online site tech cloud link live news xyz top club design email agency studio media digital world global travel';
const TLDS = new Set([...(CC.match(/../g) ?? []), ...GENERIC.split(' ')]);

// Every repetition that can fail is bounded (labels ≤ 63 characters, at most 10 of them; a local part
// ≤ 64), and a host's path is read only once the host is accepted, so a rejected attempt costs a
// bounded number of steps and hostile text (a long run of letters, or of "a.a.a.") is scanned in
// linear time rather than quadratic.
const LABEL = '[\\p{L}\\p{N}](?:[\\p{L}\\p{N}-]{0,61}[\\p{L}\\p{N}])?';
const HOST = `(?:${LABEL}\\.){1,10}\\p{L}{2,63}`;
/** The port and path after an accepted host (sticky: read from where the host ends). */
const TAIL = /(?::\d{1,5})?(?:[/?#][^\s<>"]*)?/y;
// Alternatives in priority order: a URL with a scheme, an e-mail address, then a host without scheme.
const PATTERN = new RegExp(
  `((?:https?:\\/\\/|mailto:|tel:)[^\\s<>"]+)|([\\p{L}\\p{N}._%+-]{1,64}@${HOST})|(${HOST})`,
  'giu',
);
const WORD = /[\p{L}\p{N}_@.%+-]/u;
const TRAILING = /[.,;:!?'"*_~]/;

// Drops sentence punctuation after a link, and closing brackets the link did not open.
function trimEnd(text: string): string {
  let end = text.length;
  for (;;) {
    const last = text[end - 1];
    if (last === undefined) break;
    if (TRAILING.test(last)) end--;
    else if (last === ')' || last === ']') {
      const open = last === ')' ? '(' : '[';
      const slice = text.slice(0, end);
      if (slice.split(open).length >= slice.split(last).length) break;
      end--;
    } else break;
  }
  return text.slice(0, end);
}

/**
 * Finds the links in plain text, left to right, without overlaps.
 *
 * @example
 * findLinks('mail help@pagedesk.dev'); // [{ start: 5, end: 22, href: 'mailto:help@pagedesk.dev' }]
 */
export function findLinks(text: string): FoundLink[] {
  const links: FoundLink[] = [];
  PATTERN.lastIndex = 0;
  for (let match = PATTERN.exec(text); match; match = PATTERN.exec(text)) {
    const start = match.index;
    const [, scheme, email, host] = match;
    // No link starts inside a rejected host either (its characters are word characters), so a
    // rejection skips past it: a failed attempt is never rescanned character by character.
    const skip = host ? host.length : 1;
    // Inside a longer word (e.g. "x.example.com" after "user@" or "a_b.com"): not a link start.
    if (start > 0 && !scheme && WORD.test(text[start - 1] as string)) {
      PATTERN.lastIndex = start + skip;
      continue;
    }
    if (host && !TLDS.has(host.slice(host.lastIndexOf('.') + 1).toLowerCase())) {
      PATTERN.lastIndex = start + skip;
      continue;
    }
    let whole = match[0];
    if (host) {
      TAIL.lastIndex = start + host.length;
      whole += TAIL.exec(text)?.[0] ?? '';
    }
    const raw = trimEnd(whole);
    if (scheme && /^[a-z]+:(?:\/\/)?$/i.test(raw)) continue;
    PATTERN.lastIndex = start + raw.length;
    links.push({
      start,
      end: start + raw.length,
      href: scheme ? raw : email ? `mailto:${raw}` : `http://${raw}`,
    });
  }
  return links;
}
