// How many bytes a compressed record batch can decompress to, read from its codec's own framing
// before anything is decompressed. A batch of a few hundred KiB can unpack to gigabytes (a
// "decompression bomb"); the codecs refuse one whose bound is over the limit instead of
// allocating it. Each bound is an upper bound: a legitimate batch decompresses to at most it.

const xerialMagic = Buffer.from([0x82, 0x53, 0x4e, 0x41, 0x50, 0x50, 0x59, 0x00]);
const xerialHeaderBytes = 16;
const lz4FrameMagic = 0x184d2204;
const zstdFrameMagic = 0xfd2fb528;
/** Skippable frames (lz4 and zstd share the range) carry no content. */
const skippableMagicMask = 0xfffffff0;
const skippableMagic = 0x184d2a50;
/** zstd's Block_Maximum_Size: no block decompresses to more. */
const zstdBlockBytesMax = 128 * 1024;

function truncated(codec: string, at: number): Error {
  return new Error(`${codec}: truncated frame at byte ${at}`);
}

/** snappy's preamble: the block's uncompressed length as a little-endian base-128 varint. */
function snappyBlockLength(buffer: Buffer, at: number, end: number): number {
  let length = 0;
  for (let shift = 0, position = at; shift <= 28; shift += 7, position += 1) {
    if (position >= end) throw truncated('snappy', position);
    const byte = buffer[position] as number;
    length += (byte & 0x7f) * 2 ** shift;
    if ((byte & 0x80) === 0) return length;
  }
  throw new Error(`snappy: block length at byte ${at} is not a varint of 5 bytes or fewer`);
}

/** The exact decompressed size of a raw snappy block or of xerial-framed blocks. */
export function snappyDecompressedBytes(compressed: Buffer): number {
  const starts = (at: number): boolean =>
    compressed.length - at >= xerialHeaderBytes &&
    compressed.subarray(at, at + xerialMagic.length).equals(xerialMagic);
  if (!starts(0)) return snappyBlockLength(compressed, 0, compressed.length);
  let total = 0;
  for (let at = 0; at < compressed.length;) {
    if (starts(at)) {
      at += xerialHeaderBytes;
      continue;
    }
    if (compressed.length - at < 4) throw truncated('snappy', at);
    const length = compressed.readInt32BE(at);
    if (length < 0 || at + 4 + length > compressed.length) throw truncated('snappy', at);
    total += snappyBlockLength(compressed, at + 4, at + 4 + length);
    at += 4 + length;
  }
  return total;
}

const lz4BlockBytesMax: Record<number, number> = {
  4: 64 * 1024,
  5: 256 * 1024,
  6: 1024 * 1024,
  7: 4 * 1024 * 1024,
};

/** One LZ4 frame (KIP-57, the standard frame format): its bound and where it ends. */
function lz4Frame(buffer: Buffer, start: number): { bytesMax: number; end: number } {
  const flags = buffer[start + 4];
  const descriptor = buffer[start + 5];
  if (flags === undefined || descriptor === undefined) throw truncated('lz4', start);
  const blockBytesMax = lz4BlockBytesMax[(descriptor >> 4) & 0x07];
  if (blockBytesMax === undefined) throw new Error(`lz4: bad block size id at byte ${start + 5}`);
  const blockChecksumBytes = flags & 0x10 ? 4 : 0;
  let at = start + 6 + (flags & 0x08 ? 8 : 0) + (flags & 0x01 ? 4 : 0) + 1;
  let bytesMax = 0;
  for (;;) {
    if (at + 4 > buffer.length) throw truncated('lz4', at);
    const word = buffer.readUInt32LE(at);
    at += 4;
    if (word === 0) break;
    const size = word & 0x7fffffff;
    // An uncompressed block (high bit) is its own size; a compressed one at most a whole block.
    bytesMax += word & 0x80000000 ? size : blockBytesMax;
    at += size + blockChecksumBytes;
  }
  return { bytesMax, end: at + (flags & 0x04 ? 4 : 0) };
}

/** Block headers of one zstd frame: raw and RLE blocks state their size, others are at most 128 KiB. */
function zstdFrame(buffer: Buffer, start: number): { bytesMax: number; end: number } {
  const descriptor = buffer[start + 4];
  if (descriptor === undefined) throw truncated('zstd', start);
  const contentSizeFlag = descriptor >> 6;
  const singleSegment = (descriptor & 0x20) !== 0;
  const dictionaryIdBytes = [0, 1, 2, 4][descriptor & 0x03] as number;
  const contentSizeBytes = [singleSegment ? 1 : 0, 2, 4, 8][contentSizeFlag] as number;
  let at = start + 5 + (singleSegment ? 0 : 1) + dictionaryIdBytes + contentSizeBytes;
  let bytesMax = 0;
  for (let last = false; !last;) {
    if (at + 3 > buffer.length) throw truncated('zstd', at);
    const header = buffer.readUIntLE(at, 3);
    at += 3;
    last = (header & 0x01) !== 0;
    const type = (header >> 1) & 0x03;
    const size = header >> 3;
    if (type === 3) throw new Error(`zstd: reserved block type at byte ${at - 3}`);
    bytesMax += type === 2 ? zstdBlockBytesMax : size;
    at += type === 1 ? 1 : size;
  }
  return { bytesMax, end: at + (descriptor & 0x04 ? 4 : 0) };
}

/** Walks concatenated frames (skippable ones hold nothing) and sums their bounds. */
function framesBytesMax(
  codec: string,
  buffer: Buffer,
  magic: number,
  frame: (buffer: Buffer, start: number) => { bytesMax: number; end: number },
): number {
  let total = 0;
  for (let at = 0; at < buffer.length;) {
    if (at + 4 > buffer.length) throw truncated(codec, at);
    const found = buffer.readUInt32LE(at);
    if ((found & skippableMagicMask) === skippableMagic) {
      if (at + 8 > buffer.length) throw truncated(codec, at);
      at += 8 + buffer.readUInt32LE(at + 4);
      continue;
    }
    if (found !== magic) throw new Error(`${codec}: no frame magic at byte ${at}`);
    const { bytesMax, end } = frame(buffer, at);
    total += bytesMax;
    at = end;
  }
  return total;
}

/** At most how many bytes LZ4 frames decompress to. */
export function lz4DecompressedBytesMax(compressed: Buffer): number {
  return framesBytesMax('lz4', compressed, lz4FrameMagic, lz4Frame);
}

/** At most how many bytes zstd frames decompress to. */
export function zstdDecompressedBytesMax(compressed: Buffer): number {
  return framesBytesMax('zstd', compressed, zstdFrameMagic, zstdFrame);
}
