import Decoder from 'kafkajs/src/protocol/decoder';
import decodeMessageSet from 'kafkajs/src/protocol/messageSet/decoder';
import decodeRecordBatch from 'kafkajs/src/protocol/recordBatch/v0/decoder';
import fetchRequests from 'kafkajs/src/protocol/requests/fetch';
import crc32C from 'kafkajs/src/protocol/recordBatch/crc32C';
import { version as kafkajsVersion } from 'kafkajs/package.json';
import { codecNameOf } from './kafka-codecs';

/**
 * What the guard knows of a record batch it could not decode. It travels to the consumer on a
 * stand-in record placed where the batch's records would have been.
 */
export interface UndecodableBatchFound {
  firstOffset: string;
  lastOffset: string;
  codec: string;
  error: string;
  /** The batch as the broker sent it (Kafka's v2 record-batch format). */
  bytes: Buffer;
}

const undecodableBatchKey = Symbol('tally.undecodableBatch');
const guardedKafkajsVersion = '2.2.4';
/** The Fetch version kafkajs 2.2.4 uses with every broker since Kafka 2.3 (all 4.x brokers). */
const guardedFetchVersion = 11;

// Where the fields the report needs sit in a v2 record batch (Kafka's DefaultRecordBatch).
const batchLengthAt = 8;
const logOverheadBytes = 12;
const magicAt = 16;
const crcAt = 17;
/** The CRC-32C covers the batch from its attributes to its end. */
const attributesAt = 21;
const lastOffsetDeltaAt = 23;
const recordBatchMagic = 2;
/**
 * Decompressed bytes of one partition's records per fetch: each batch is bounded on its own
 * (decompressedBatchBytesMax), and a fetch of many small batches that each unpack far is
 * bounded here.
 */
const decodedBytesPerPartitionMax = 64 * 1024 * 1024;

interface DecodedRecord {
  key: Buffer | null;
  value: Buffer | null;
}

/** kafkajs's own threshold: fewer bytes than this left in a record set is a cut-off tail. */
const recordBatchOverheadBytes = 49;

/** The undecodable batch a consumed record stands in for, if it is such a stand-in. */
export function undecodableBatchOf(record: object): UndecodableBatchFound | undefined {
  return (record as { [undecodableBatchKey]?: UndecodableBatchFound })[undecodableBatchKey];
}

function standInFor(records: Buffer, start: number, error: unknown): object {
  const baseOffset = records.readBigInt64BE(start);
  const lastOffset = baseOffset + BigInt(records.readInt32BE(start + lastOffsetDeltaAt));
  const batchLength = records.readInt32BE(start + batchLengthAt);
  const end = Math.min(records.length, start + logOverheadBytes + Math.max(0, batchLength));
  const found: UndecodableBatchFound = {
    firstOffset: baseOffset.toString(),
    lastOffset: lastOffset.toString(),
    codec: codecNameOf(records.readInt16BE(start + attributesAt)),
    error: error instanceof Error ? error.message : String(error),
    bytes: Buffer.from(records.subarray(start, end)),
  };
  // Shaped like a kafkajs record so its Batch keeps it: the offset is the batch's last, which is
  // never below the offset fetched (its first, should a damaged header put the last before it),
  // and nothing marks it as a control or aborted record.
  return {
    offset: (lastOffset > baseOffset ? lastOffset : baseOffset).toString(),
    key: null,
    value: null,
    headers: {},
    timestamp: '-1',
    attributes: 0,
    magicByte: recordBatchMagic,
    isControlRecord: false,
    batchContext: {
      firstOffset: found.firstOffset,
      producerId: '-1',
      inTransaction: false,
      isControlBatch: false,
    },
    [undecodableBatchKey]: found,
  };
}

/**
 * Checks the CRC-32C of the record batch at `start` (kafkajs checks none, so a flipped byte on a
 * disk was decoded and applied as if it had been sent). A batch cut off by the end of the fetch
 * is not checked: kafkajs fetches it again whole.
 */
function checkCrc(records: Buffer, start: number): void {
  const end = start + logOverheadBytes + records.readInt32BE(start + batchLengthAt);
  if (end > records.length || end < start + attributesAt) return;
  const stated = records.readUInt32BE(start + crcAt);
  const computed = crc32C(records.subarray(start + attributesAt, end));
  if (stated !== computed) {
    throw new Error(
      `CRC mismatch: the batch states CRC-32C ${stated.toString(16).padStart(8, '0')}, its bytes give ${computed.toString(16).padStart(8, '0')}`,
    );
  }
}

/**
 * kafkajs's decodeMessages (fetch/v4/decodeMessages.js) with three changes: each record batch's
 * CRC is checked; a batch that fails the check or fails to decode (a codec it lacks, corrupt
 * bytes, over the decompressed limit of one batch) ends this partition's records with a
 * stand-in instead of failing the whole fetch response, which held every partition and topic of
 * the broker; and decoding stops once the partition's records hold
 * {@link decodedBytesPerPartitionMax} (the rest is fetched again after them). The record set was
 * already read whole, so the other partitions decode as usual.
 */
async function decodePartitionRecords(decoder: Decoder): Promise<unknown[]> {
  const size = decoder.readInt32();
  if (size <= 0 || !decoder.canReadBytes(size)) return [];
  const records = decoder.readBytes(size);
  if (records.readInt8(magicAt) !== recordBatchMagic)
    return decodeMessageSet(new Decoder(records), size);
  const batches = new Decoder(records);
  const decoded: unknown[] = [];
  let decodedBytes = 0;
  while (
    batches.canReadBytes(recordBatchOverheadBytes) &&
    decodedBytes < decodedBytesPerPartitionMax
  ) {
    const start = batches.offset;
    try {
      checkCrc(records, start);
      const batch = (await decodeRecordBatch(batches)).records as DecodedRecord[];
      for (const record of batch)
        decodedBytes += (record.key?.length ?? 0) + (record.value?.length ?? 0);
      decoded.push(...batch);
    } catch (error) {
      if ((error as Error).name === 'KafkaJSPartialMessageError') break;
      // The partition waits at this batch; the batches after it are fetched again after it.
      decoded.push(standInFor(records, start, error));
      break;
    }
  }
  return decoded;
}

/** kafkajs's fetch/v11/response.js decode, over {@link decodePartitionRecords}. */
async function decodeFetchV11(rawData: Buffer): Promise<unknown> {
  const decoder = new Decoder(rawData);
  const clientSideThrottleTime = decoder.readInt32();
  const errorCode = decoder.readInt16();
  const sessionId = decoder.readInt32();
  const responses = await decoder.readArrayAsync(async (topic) => ({
    topicName: topic.readString(),
    partitions: await topic.readArrayAsync(async (partition) => ({
      partition: partition.readInt32(),
      errorCode: partition.readInt16(),
      highWatermark: partition.readInt64().toString(),
      lastStableOffset: partition.readInt64().toString(),
      lastStartOffset: partition.readInt64().toString(),
      abortedTransactions: partition.readArray((aborted) => ({
        producerId: aborted.readInt64().toString(),
        firstOffset: aborted.readInt64().toString(),
      })),
      preferredReadReplica: partition.readInt32(),
      messages: await decodePartitionRecords(partition),
    })),
  }));
  return { throttleTime: 0, clientSideThrottleTime, errorCode, sessionId, responses };
}

let installed = false;

/**
 * Makes kafkajs decode Fetch v11 responses one record batch at a time (see
 * {@link decodePartitionRecords}). It replaces the decoder kafkajs picks for that version, an
 * internal of kafkajs 2.2.4, which is frozen upstream; another version fails here, at start, so
 * an upgrade re-checks this file instead of silently losing the guard.
 */
export function installFetchGuard(): void {
  if (installed) return;
  if (kafkajsVersion !== guardedKafkajsVersion) {
    throw new Error(
      `assertion failed: the fetch guard is written for kafkajs ${guardedKafkajsVersion}, found ${kafkajsVersion}`,
    );
  }
  installed = true;
  const original = fetchRequests.protocol;
  fetchRequests.protocol = ({ version }) => {
    const build = original({ version });
    if (version !== guardedFetchVersion) return build;
    return (request) => {
      const built = build(request);
      return { ...built, response: { ...built.response, decode: decodeFetchV11 } };
    };
  };
}
