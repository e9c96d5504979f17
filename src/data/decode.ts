// Strict decoding of data files: bytes to text with a fatal TextDecoder, so that bytes that are invalid in the
// file's encoding are an error naming the line instead of becoming U+FFFD unnoticed.
import { showValue } from '../tensor/errors';

/** Checks an encoding label (undefined: 'utf-8'); returns the label, or throws naming the option. */
export function checkEncoding(encoding: unknown, op: string): string {
  if (encoding === undefined) return 'utf-8';
  if (typeof encoding !== 'string') throw new TypeError(`${op}: encoding must be a string such as 'utf-8' or 'latin1', got ${showValue(encoding)}`);
  try {
    new TextDecoder(encoding);
  } catch {
    throw new RangeError(`${op}: encoding ${JSON.stringify(encoding)} is not an encoding TextDecoder knows; use a label such as 'utf-8', 'latin1', 'windows-1252' or 'utf-16le'`);
  }
  return encoding;
}

/**
 * Decodes a file chunk by chunk (a byte order mark of the encoding is skipped) and counts the line breaks it has
 * passed (\r\n, \n and \r each count once), so that invalid bytes are reported with the file's line number.
 */
export class StrictDecoder {
  readonly #decoder: TextDecoder;
  // NOTE: a second decoder one chunk behind the first: a TextDecoder's state cannot be copied, and when a chunk
  // fails, this one (at the state before that chunk) finds the first invalid byte by decoding it byte by byte.
  readonly #behind: TextDecoder;
  #breaks = 0;
  #lastWasCR = false;

  constructor(encoding: string, readonly op: string, readonly source: string) {
    this.#decoder = new TextDecoder(encoding, { fatal: true });
    this.#behind = new TextDecoder(encoding, { fatal: true });
  }

  /** The text of the next chunk; `end` flushes (a sequence cut off at the end of the file is invalid). */
  decode(bytes: Uint8Array, end = false): string {
    let text: string;
    try {
      text = this.#decoder.decode(bytes, { stream: !end });
    } catch {
      throw this.#invalid(bytes, end);
    }
    if (!end) this.#behind.decode(bytes, { stream: true });
    this.#count(text);
    return text;
  }

  #count(text: string): void {
    let breaks = 0;
    for (let i = text.indexOf('\r'); i >= 0; i = text.indexOf('\r', i + 1)) breaks++;
    for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) {
      if (!(i === 0 ? this.#lastWasCR : text.charCodeAt(i - 1) === 13)) breaks++;
    }
    if (text.length > 0) this.#lastWasCR = text.charCodeAt(text.length - 1) === 13;
    this.#breaks += breaks;
  }

  #invalid(bytes: Uint8Array, end: boolean): SyntaxError {
    let i = 0;
    try {
      for (; i < bytes.length; i++) this.#count(this.#behind.decode(bytes.subarray(i, i + 1), { stream: true }));
      if (end) this.#behind.decode();
    } catch {
      // the text before the invalid byte is counted
    }
    const name = this.#decoder.encoding;
    return new SyntaxError(`${this.op}: ${this.source} line ${this.#breaks + 1} is not valid ${name}` +
      `${i === bytes.length ? ' (the file ends inside a character)' : ''}; if the file is in another encoding, pass it as the ` +
      "encoding option (simdeep: --encoding), such as 'windows-1252' or 'utf-16le'");
  }
}
