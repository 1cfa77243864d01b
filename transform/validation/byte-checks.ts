import { createHash } from 'node:crypto';
import { Transform } from 'node:stream';

/**
 * Looks at the raw bytes on their way to the CSV parser, which would otherwise hide both problems: a
 * UTF-8 byte-order mark (the parser strips it) and bytes that are not UTF-8 (decoding replaces them).
 * It keeps nothing but a few counters, so a file of any size streams through.
 */
export interface ByteFacts {
  bom: boolean;
  /** The 1-based line holding the first byte that is not valid UTF-8. */
  invalidUtf8Line?: number;
  /**
   * The first line as text (up to 64 KiB), to tell a comma or semicolon file when its quoting stops
   * the parser before it hands over the header.
   */
  firstLine: string;
  /** SHA-256 of the whole file (hex), once it has been read: a file the state store recorded is history. */
  sha256: string;
}

export function byteChecks(): { stream: Transform; facts: ByteFacts } {
  const facts: ByteFacts = { bom: false, firstLine: '', sha256: '' };
  const hash = createHash('sha256');
  const head: Buffer[] = [];
  let headBytes = 0;
  let headDone = false;
  let first = true;
  let line = 1;
  // Continuation bytes still expected, and the range the next one must fall in (UTF-8 forbids overlong
  // forms and surrogates by narrowing the second byte's range).
  let need = 0;
  let low = 0x80;
  let high = 0xbf;

  const invalid = () => {
    facts.invalidUtf8Line ??= line;
    need = 0;
  };

  const stream = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      hash.update(chunk);
      if (first) {
        first = false;
        if (chunk[0] === 0xef && chunk[1] === 0xbb && chunk[2] === 0xbf) facts.bom = true;
      }
      if (!headDone) {
        const end = chunk.indexOf(0x0a);
        head.push(end < 0 ? chunk : chunk.subarray(0, end));
        headBytes += end < 0 ? chunk.length : end;
        if (end >= 0 || headBytes >= 65_536) {
          headDone = true;
          facts.firstLine = Buffer.concat(head).toString('utf8');
        }
      }
      if (facts.invalidUtf8Line === undefined) {
        for (let i = 0; i < chunk.length; i += 1) {
          const byte = chunk[i]!;
          if (need > 0) {
            if (byte < low || byte > high) {
              invalid();
              break;
            }
            need -= 1;
            low = 0x80;
            high = 0xbf;
            continue;
          }
          if (byte === 0x0a) line += 1;
          if (byte < 0x80) continue;
          if (byte >= 0xc2 && byte <= 0xdf) need = 1;
          else if (byte === 0xe0) [need, low] = [2, 0xa0];
          else if (byte === 0xed) [need, high] = [2, 0x9f];
          else if (byte >= 0xe1 && byte <= 0xef) need = 2;
          else if (byte === 0xf0) [need, low] = [3, 0x90];
          else if (byte === 0xf4) [need, high] = [3, 0x8f];
          else if (byte >= 0xf1 && byte <= 0xf3) need = 3;
          else {
            invalid();
            break;
          }
        }
      }
      done(null, chunk);
    },
    flush(done) {
      facts.sha256 = hash.digest('hex');
      if (!headDone) facts.firstLine = Buffer.concat(head).toString('utf8');
      // A multi-byte character cut off by the end of the file.
      if (need > 0) invalid();
      done();
    },
  });
  return { stream, facts };
}
