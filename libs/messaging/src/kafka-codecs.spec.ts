import { CompressionCodecs } from 'kafkajs';
import { compressSync } from 'snappy';
import {
  codecNameOf,
  compressionTypeOf,
  decompressedBatchBytesMax,
  kafkaCompressions,
  parseKafkaCompression,
  registerKafkaCodecs,
} from './kafka-codecs';
import { messageBusFromEnvironment } from './message-bus.config';
import { snappyCompress, snappyDecompress } from './snappy-framing';
import { ConfigurationError, startFailureMessage } from '@tally/runtime';

interface Codec {
  compress(encoder: { buffer: Buffer }): Promise<Buffer>;
  decompress(buffer: Buffer): Promise<Buffer>;
}

function codecOf(id: number): Codec {
  registerKafkaCodecs();
  const factory = (CompressionCodecs as unknown as Record<number, (() => Codec) | undefined>)[id];
  if (!factory) throw new Error(`no codec registered for id ${id}`);
  return factory();
}

// Records compress well when they repeat, as JSON messages of one topic do; 100 kB spans
// several snappy blocks and lz4 blocks.
const records = Buffer.from(
  Array.from(
    { length: 400 },
    (_, index) => `{"eventId":"e-${index}","workspaceId":"w-${index % 7}","kind":"record.update"}`,
  ).join(''),
);

describe('Kafka codecs', () => {
  it.each(['gzip', 'snappy', 'lz4', 'zstd'] as const)(
    'gives back the bytes it compressed with %s, smaller',
    async (name) => {
      const codec = codecOf(compressionTypeOf(name));
      const compressed = await codec.compress({ buffer: records });
      expect(compressed.length).toBeLessThan(records.length / 4);
      expect((await codec.decompress(compressed)).equals(records)).toBe(true);
    },
  );

  it.each(['gzip', 'snappy', 'lz4', 'zstd'] as const)(
    'refuses a %s batch that decompresses to more than the limit of one batch',
    async (name) => {
      const codec = codecOf(compressionTypeOf(name));
      const bomb = await codec.compress({ buffer: Buffer.alloc(decompressedBatchBytesMax + 1) });
      expect(bomb.length).toBeLessThan(decompressedBatchBytesMax / 20);
      await expect(codec.decompress(bomb)).rejects.toThrow(`${name}: the batch decompresses to`);
      const atLimit = await codec.compress({ buffer: Buffer.alloc(decompressedBatchBytesMax) });
      expect((await codec.decompress(atLimit)).length).toBe(decompressedBatchBytesMax);
    },
  );

  it('reads an empty TALLY_KAFKA_COMPRESSION as the default, none', async () => {
    expect(parseKafkaCompression('', 'TALLY_KAFKA_COMPRESSION')).toBe('none');
    expect(parseKafkaCompression('  ', 'TALLY_KAFKA_COMPRESSION')).toBe('none');
    const bus = messageBusFromEnvironment('config-test', {
      KAFKA_BROKERS: '127.0.0.1:9',
      TALLY_KAFKA_COMPRESSION: '',
    });
    await bus.close();
  });

  it('stops a start with a bogus TALLY_KAFKA_COMPRESSION with one line naming the choices', () => {
    let thrown: unknown;
    try {
      messageBusFromEnvironment('config-test', {
        KAFKA_BROKERS: '127.0.0.1:9',
        TALLY_KAFKA_COMPRESSION: 'brotli',
      });
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(ConfigurationError);
    expect(startFailureMessage(thrown)).toBe(
      'cannot start: TALLY_KAFKA_COMPRESSION=brotli is not a Kafka codec: use one of none, gzip, snappy, lz4, zstd',
    );
  });

  it('refuses a batch whose codec id is none Kafka defines', async () => {
    for (const id of [5, 6, 7]) {
      await expect(codecOf(id).decompress(Buffer.from('anything'))).rejects.toThrow(
        `codec id ${id} is not one Kafka defines`,
      );
    }
  });

  it('names the codec of a record batch from its attributes', () => {
    expect([0, 1, 2, 3, 4, 5].map(codecNameOf)).toEqual([
      'none',
      'gzip',
      'snappy',
      'lz4',
      'zstd',
      'unknown(5)',
    ]);
    // The other attribute bits (timestamp type, transactional, control) do not change the codec.
    expect(codecNameOf(0x30 | 4)).toBe('zstd');
  });

  it('reads the codec to publish with from configuration, and refuses a name that is no codec', () => {
    expect(kafkaCompressions.map((name) => parseKafkaCompression(name.toUpperCase(), 'X'))).toEqual(
      [...kafkaCompressions],
    );
    expect(() => parseKafkaCompression('brotli', 'TALLY_KAFKA_COMPRESSION')).toThrow(
      'TALLY_KAFKA_COMPRESSION=brotli is not a Kafka codec: use one of none, gzip, snappy, lz4, zstd',
    );
  });
});

describe('snappy framing', () => {
  it('writes the Java client framing and reads it back', () => {
    const framed = snappyCompress(records);
    expect(framed.subarray(0, 8)).toEqual(
      Buffer.from([0x82, 0x53, 0x4e, 0x41, 0x50, 0x50, 0x59, 0x00]),
    );
    expect(snappyDecompress(framed).equals(records)).toBe(true);
  });

  it('reads one raw snappy block, as some producers send, and concatenated framed streams', () => {
    expect(snappyDecompress(compressSync(records)).equals(records)).toBe(true);
    const twice = Buffer.concat([snappyCompress(records), snappyCompress(records)]);
    expect(snappyDecompress(twice).equals(Buffer.concat([records, records]))).toBe(true);
  });

  it('fails on a truncated stream instead of returning part of it', () => {
    const framed = snappyCompress(records);
    expect(() => snappyDecompress(framed.subarray(0, framed.length - 10))).toThrow(
      /overruns the input/,
    );
  });
});
