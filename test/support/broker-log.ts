import { FileHandle, open, readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { brokerLogDir } from './java-kafka-client';

// Damages one record batch where the broker keeps it, as a disk fault or a broken producer
// library would leave it: the broker validates batches when they arrive, so bytes it serves
// but no consumer can decode can only be made in its log. The test broker runs on this machine
// (scripts/kafka/kafka.sh); the broker serves fetches from the page cache these writes change.

const recordsAt = 61;
const attributesAt = 21;
const batchLengthAt = 8;
const logOverheadBytes = 12;
const codecMask = 0x07;

/**
 * How to damage the batch: its compressed payload, its codec id (5, which Kafka does not define),
 * or bytes of an uncompressed value replaced by as many others (the CRC no longer matches).
 */
export type BatchDamage = 'payload' | 'unknown-codec' | { replace: string; with: string };

async function findBatch(
  topic: string,
  partition: number,
  baseOffset: string,
): Promise<{ file: string; position: number }> {
  const dir = path.join(await brokerLogDir(topic, partition), `${topic}-${partition}`);
  const segments = (await readdir(dir)).filter((name) => name.endsWith('.log')).sort();
  for (const segment of segments) {
    const file = path.join(dir, segment);
    const bytes = await readFile(file);
    for (
      let position = 0;
      position + recordsAt <= bytes.length;
      position += logOverheadBytes + bytes.readInt32BE(position + batchLengthAt)
    ) {
      if (bytes.readBigInt64BE(position).toString() === baseOffset) return { file, position };
    }
  }
  throw new Error(`no record batch starts at offset ${baseOffset} in ${dir}`);
}

async function replaceInBatch(
  handle: FileHandle,
  position: number,
  from: string,
  to: string,
): Promise<void> {
  if (Buffer.byteLength(from) !== Buffer.byteLength(to))
    throw new Error('assertion failed: a replacement keeps the batch length');
  const header = Buffer.alloc(logOverheadBytes);
  await handle.read(header, 0, logOverheadBytes, position);
  const batch = Buffer.alloc(logOverheadBytes + header.readInt32BE(batchLengthAt));
  await handle.read(batch, 0, batch.length, position);
  const at = batch.indexOf(from, recordsAt);
  if (at < 0) throw new Error(`assertion failed: the batch holds no ${from}`);
  await handle.write(Buffer.from(to), 0, Buffer.byteLength(to), position + at);
}

/** Damages the batch of `topic`-`partition` whose first offset is `baseOffset`. */
export async function damageBatch(
  topic: string,
  partition: number,
  baseOffset: string,
  damage: BatchDamage,
): Promise<void> {
  const { file, position } = await findBatch(topic, partition, baseOffset);
  const handle = await open(file, 'r+');
  try {
    if (typeof damage === 'object') {
      await replaceInBatch(handle, position, damage.replace, damage.with);
      return;
    }
    if (damage === 'payload') {
      // The first bytes of a compressed payload are its codec's header (zstd's magic number, gzip's id).
      await handle.write(Buffer.from([0xde, 0xad, 0xbe, 0xef]), 0, 4, position + recordsAt);
      return;
    }
    const attributes = Buffer.alloc(2);
    await handle.read(attributes, 0, 2, position + attributesAt);
    attributes.writeInt16BE((attributes.readInt16BE(0) & ~codecMask) | 5);
    await handle.write(attributes, 0, 2, position + attributesAt);
  } finally {
    await handle.close();
  }
}
