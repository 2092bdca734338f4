const utf8Decoder = new TextDecoder('utf-8');
const utf8Encoder = new TextEncoder();

/**
 * Decodes a NUL-padded fixed-length C string: bytes up to the first NUL (or the whole field). Pure ASCII,
 * the common case, is decoded without TextDecoder, which is slow for short strings.
 */
export function decodeCString(bytes: Uint8Array, offset: number, length: number): string {
  let end = offset;
  const limit = offset + length;
  let ascii = true;
  while (end < limit) {
    const byte = bytes[end]!;
    if (byte === 0) break;
    if (byte > 0x7f) ascii = false;
    end++;
  }
  if (end === offset) return '';
  if (ascii) return String.fromCharCode.apply(null, bytes.subarray(offset, end) as unknown as number[]);
  return utf8Decoder.decode(bytes.subarray(offset, end));
}

/** Encodes `text` as UTF-8 into a zero-filled fixed field; returns false when it does not fit. */
export function encodeCString(text: string, bytes: Uint8Array, offset: number, length: number): boolean {
  const encoded = utf8Encoder.encode(text);
  if (encoded.length > length) return false;
  bytes.set(encoded, offset);
  return true;
}
