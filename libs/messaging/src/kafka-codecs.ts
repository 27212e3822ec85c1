import { promisify } from 'node:util';
import { gunzip, gzip } from 'node:zlib';
import { compress as zstdCompress, decompress as zstdDecompress } from '@mongodb-js/zstd';
import { CompressionCodecs, CompressionTypes } from 'kafkajs';
import { ConfigurationError } from '@tally/runtime';
import { compressFrameSync, decompressFrameSync } from 'lz4-napi';
import {
  lz4DecompressedBytesMax,
  snappyDecompressedBytes,
  zstdDecompressedBytesMax,
} from './decompressed-size';
import { snappyCompress, snappyDecompress } from './snappy-framing';

/** The codecs Kafka defines, by the names producers configure (`compression.type`). */
export const kafkaCompressions = ['none', 'gzip', 'snappy', 'lz4', 'zstd'] as const;
export type KafkaCompression = (typeof kafkaCompressions)[number];

const compressionTypes: Record<KafkaCompression, CompressionTypes> = {
  none: CompressionTypes.None,
  gzip: CompressionTypes.GZIP,
  snappy: CompressionTypes.Snappy,
  lz4: CompressionTypes.LZ4,
  zstd: CompressionTypes.ZSTD,
};

/** A record batch's attributes carry its codec in the low three bits. */
const codecMask = 0x07;
/** zstd's default level, the one the Java client uses unless told otherwise. */
const zstdLevel = 3;

interface KafkajsCodec {
  compress(encoder: { buffer: Buffer }): Promise<Buffer>;
  decompress(buffer: Buffer): Promise<Buffer>;
}

/** The kafkajs compression type of a codec name. */
export function compressionTypeOf(compression: KafkaCompression): CompressionTypes {
  return compressionTypes[compression];
}

/** The codec a record batch's attributes name: one of Kafka's, or `unknown(<id>)`. */
export function codecNameOf(attributes: number): string {
  const id = attributes & codecMask;
  return kafkaCompressions[id] ?? `unknown(${id})`;
}

/**
 * Parses a codec name from configuration; empty means the default, `none`. Anything else is a
 * start-up error naming the choices.
 */
export function parseKafkaCompression(value: string, source: string): KafkaCompression {
  const wanted = value.trim().toLowerCase() || 'none';
  const found = kafkaCompressions.find((name) => name === wanted);
  if (!found)
    throw new ConfigurationError(
      `${source}=${value} is not a Kafka codec: use one of ${kafkaCompressions.join(', ')}`,
    );
  return found;
}

/**
 * The most one record batch may decompress to. A legitimate batch is far smaller (a message over
 * 64 KiB is refused anyway, and producers close batches at their batch.size); a few hundred KiB
 * of gzip that unpack to 200 MB made the ledger grow to 1.1 GB and stall every partition. A batch
 * over it fails to decode, so the fetch guard reports it as an undecodable batch.
 */
export const decompressedBatchBytesMax = 32 * 1024 * 1024;

function tooLarge(codec: string, bytesMax?: number): Error {
  const size = bytesMax === undefined ? 'more than' : `up to ${bytesMax} bytes, over`;
  return new Error(
    `${codec}: the batch decompresses to ${size} the ${decompressedBatchBytesMax}-byte limit of one batch`,
  );
}

/** Refuses before decompressing when the codec's framing already says the batch is too large. */
function bounded(codec: string, bytesMax: number, decompress: () => Promise<Buffer> | Buffer) {
  if (bytesMax > decompressedBatchBytesMax) throw tooLarge(codec, bytesMax);
  return decompress();
}

const gzipAsync = promisify(gzip);
const gunzipAsync = promisify(gunzip);

// kafkajs ships gzip only and throws KafkaJSNotImplemented for the others, which crashed the
// consumer on the first snappy batch. The native codecs are N-API builds that npm installs
// as per-platform packages (no compiler, no download outside the registry; see
// docs/dependencies.md). snappy and lz4 decode synchronously: their batches take well under a
// millisecond, less than a hop to the thread pool. kafkajs's own gzip has no output limit, so
// gzip is replaced too: zlib stops at maxOutputLength instead of growing the buffer.
const codecs: Record<'gzip' | 'snappy' | 'lz4' | 'zstd', KafkajsCodec> = {
  gzip: {
    compress: (encoder) => gzipAsync(encoder.buffer),
    decompress: async (buffer) => {
      try {
        return await gunzipAsync(buffer, { maxOutputLength: decompressedBatchBytesMax });
      } catch (error) {
        if ((error as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE') throw tooLarge('gzip');
        throw error;
      }
    },
  },
  snappy: {
    compress: async (encoder) => snappyCompress(encoder.buffer),
    decompress: async (buffer) =>
      bounded('snappy', snappyDecompressedBytes(buffer), () => snappyDecompress(buffer)),
  },
  lz4: {
    // Kafka's LZ4 is the standard frame format (KIP-57), without checksums, as the Java client writes it.
    compress: async (encoder) =>
      compressFrameSync(encoder.buffer, { blockChecksums: false, contentChecksum: false }),
    decompress: async (buffer) =>
      bounded('lz4', lz4DecompressedBytesMax(buffer), () => decompressFrameSync(buffer)),
  },
  zstd: {
    compress: (encoder) => zstdCompress(encoder.buffer, zstdLevel),
    decompress: async (buffer) =>
      bounded('zstd', zstdDecompressedBytesMax(buffer), () => zstdDecompress(buffer)),
  },
};

/**
 * Ids 5-7 are no codec Kafka defines. kafkajs would read such a batch as uncompressed and
 * decode garbage; this codec makes it fail, so the fetch guard reports the batch instead.
 */
function unknownCodec(id: number): KafkajsCodec {
  const refuse = async (): Promise<never> => {
    throw new Error(`codec id ${id} is not one Kafka defines (${kafkaCompressions.join(', ')})`);
  };
  return { compress: refuse, decompress: refuse };
}

let registered = false;

/** Teaches kafkajs every codec (its registry is process-wide); safe to call more than once. */
export function registerKafkaCodecs(): void {
  if (registered) return;
  registered = true;
  const registry = CompressionCodecs as unknown as Record<number, () => KafkajsCodec>;
  registry[CompressionTypes.GZIP] = () => codecs.gzip;
  registry[CompressionTypes.Snappy] = () => codecs.snappy;
  registry[CompressionTypes.LZ4] = () => codecs.lz4;
  registry[CompressionTypes.ZSTD] = () => codecs.zstd;
  for (let id = kafkaCompressions.length; id <= codecMask; id += 1) {
    const codec = unknownCodec(id);
    registry[id] = () => codec;
  }
}
