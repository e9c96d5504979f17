// The text the builds inline each kernel module as (tsup.config.ts, vitest.config.ts): bytes 0–87 are one character
// each and bytes 88–255 two, from 90 printable ASCII characters. Base64 is denser before compression but packs 3
// bytes into 4 characters, so a byte sequence that repeats in the module is written differently at each offset and
// gzip finds few repeats: the kernels gzip to 30 KB as base64 and to 24 KB as this text (raw: 23 KB). Small bytes are
// the common ones in wasm (LEB128 immediates, local indices), hence one character for them.
// NOTE: the quotes, the backslash and < are left out, so that minifiers write the string as it is (no escapes) and a
// script inlined in HTML never holds "</script".

/** Characters of the text, in the order of their values 0–89: printable ASCII without " ' ` \ and <. */
const ALPHABET = ' !#$%&()*+,-./0123456789:;=>?@ABCDEFGHIJKLMNOPQRSTUVWXYZ[]^_abcdefghijklmnopqrstuvwxyz{|}~';
/** Bytes below this are one character; the others a prefix (value 88 or 89) and a second character. */
const SINGLE = 88;

/** The text of `bytes`: byte b < 88 is ALPHABET[b]; b ≥ 88 is ALPHABET[88 + ⌊(b − 88)/88⌋] + ALPHABET[(b − 88) % 88]. */
export function encodeWasmText(bytes: Uint8Array): string {
  let text = '';
  for (const b of bytes) {
    text += b < SINGLE ? ALPHABET[b] : ALPHABET[SINGLE + Math.floor((b - SINGLE) / SINGLE)] + ALPHABET[(b - SINGLE) % SINGLE];
  }
  return text;
}

/** The bytes of a text from encodeWasmText (other text gives bytes that fail to compile as wasm). */
export function decodeWasmText(text: string): Uint8Array<ArrayBuffer> {
  // A character's byte, or minus the base of the bytes it is the prefix of (-88 or -176).
  const value = new Int16Array(128);
  for (let i = 0; i < ALPHABET.length; i++) {
    value[ALPHABET.charCodeAt(i)] = i < SINGLE ? i : -(SINGLE + (i - SINGLE) * SINGLE);
  }
  // NOTE: TextEncoder gives the character codes of ASCII text at native speed, faster than charCodeAt in a loop; the
  // bytes are written over them, never ahead of the character being read.
  const chars = new TextEncoder().encode(text);
  let n = 0;
  for (let i = 0; i < chars.length; i++) {
    const v = value[chars[i]];
    chars[n++] = v >= 0 ? v : value[chars[++i]] - v;
  }
  return chars.subarray(0, n);
}
