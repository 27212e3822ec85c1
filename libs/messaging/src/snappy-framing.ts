import { compressSync, uncompressSync } from 'snappy';

// The Java client (snappy-java's SnappyOutputStream) frames snappy data: an 8-byte magic, two
// int32 versions, then blocks of [int32 length][raw snappy block]. librdkafka and others may send
// one raw snappy block instead; the Java consumer reads both, so do we.
const xerialMagic = Buffer.from([0x82, 0x53, 0x4e, 0x41, 0x50, 0x50, 0x59, 0x00]);
const xerialHeaderBytes = 16;
const xerialVersions = Buffer.from([0, 0, 0, 1, 0, 0, 0, 1]);
/** snappy-java's default block size: the Java client reads blocks of any size, we write these. */
const blockBytesMax = 32 * 1024;

function startsWithMagic(buffer: Buffer, at: number): boolean {
  return (
    buffer.length - at >= xerialHeaderBytes &&
    buffer.subarray(at, at + xerialMagic.length).equals(xerialMagic)
  );
}

/** Snappy as Kafka's Java client writes it (xerial framing), so every client can read it. */
export function snappyCompress(raw: Buffer): Buffer {
  const parts: Buffer[] = [xerialMagic, xerialVersions];
  for (let from = 0; from < raw.length; from += blockBytesMax) {
    const block = compressSync(raw.subarray(from, from + blockBytesMax));
    const length = Buffer.alloc(4);
    length.writeInt32BE(block.length);
    parts.push(length, block);
  }
  return Buffer.concat(parts);
}

/**
 * Decodes xerial-framed snappy (several streams may be concatenated, as snappy-java allows) or
 * one raw snappy block. Throws on a truncated or corrupt input.
 */
export function snappyDecompress(compressed: Buffer): Buffer {
  if (!startsWithMagic(compressed, 0)) return uncompressSync(compressed) as Buffer;
  const parts: Buffer[] = [];
  let at = 0;
  while (at < compressed.length) {
    if (startsWithMagic(compressed, at)) {
      at += xerialHeaderBytes;
      continue;
    }
    if (compressed.length - at < 4) throw new Error(`snappy: truncated block length at byte ${at}`);
    const length = compressed.readInt32BE(at);
    at += 4;
    if (length < 0 || at + length > compressed.length)
      throw new Error(`snappy: block of ${length} bytes overruns the input at byte ${at}`);
    parts.push(uncompressSync(compressed.subarray(at, at + length)) as Buffer);
    at += length;
  }
  return Buffer.concat(parts);
}
