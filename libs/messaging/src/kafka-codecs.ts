import { compress as zstdCompress, decompress as zstdDecompress } from '@mongodb-js/zstd';
import { CompressionCodecs, CompressionTypes } from 'kafkajs';
import { compressFrameSync, decompressFrameSync } from 'lz4-napi';
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

/** Parses a codec name from configuration; anything else is a start-up error naming the choices. */
export function parseKafkaCompression(value: string, source: string): KafkaCompression {
  const found = kafkaCompressions.find((name) => name === value.trim().toLowerCase());
  if (!found)
    throw new Error(
      `${source}=${value} is not a Kafka codec: use one of ${kafkaCompressions.join(', ')}`,
    );
  return found;
}

// kafkajs ships gzip only and throws KafkaJSNotImplemented for the others, which crashed the
// consumer on the first snappy batch. The native codecs are N-API builds that npm installs
// as per-platform packages (no compiler, no download outside the registry; see
// docs/dependencies.md). snappy and lz4 decode synchronously: their batches take well under a
// millisecond, less than a hop to the thread pool.
const codecs: Record<'snappy' | 'lz4' | 'zstd', KafkajsCodec> = {
  snappy: {
    compress: async (encoder) => snappyCompress(encoder.buffer),
    decompress: async (buffer) => snappyDecompress(buffer),
  },
  lz4: {
    // Kafka's LZ4 is the standard frame format (KIP-57), without checksums, as the Java client writes it.
    compress: async (encoder) =>
      compressFrameSync(encoder.buffer, { blockChecksums: false, contentChecksum: false }),
    decompress: async (buffer) => decompressFrameSync(buffer),
  },
  zstd: {
    compress: (encoder) => zstdCompress(encoder.buffer, zstdLevel),
    decompress: (buffer) => zstdDecompress(buffer),
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
  registry[CompressionTypes.Snappy] = () => codecs.snappy;
  registry[CompressionTypes.LZ4] = () => codecs.lz4;
  registry[CompressionTypes.ZSTD] = () => codecs.zstd;
  for (let id = kafkaCompressions.length; id <= codecMask; id += 1) {
    const codec = unknownCodec(id);
    registry[id] = () => codec;
  }
}
