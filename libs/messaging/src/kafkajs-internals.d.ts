// Types for the few kafkajs 2.2.4 internals the fetch guard (kafka-fetch-guard.ts) builds on.
// kafkajs is frozen upstream; kafka-fetch-guard.ts asserts the version it was written against.

declare module 'kafkajs/src/protocol/decoder' {
  class Decoder {
    constructor(buffer: Buffer);
    buffer: Buffer;
    offset: number;
    readInt8(): number;
    readInt16(): number;
    readInt32(): number;
    readInt64(): { toString(): string };
    readString(): string;
    readBytes(byteLength?: number): Buffer;
    canReadBytes(length: number): boolean;
    readArray<T>(reader: (decoder: Decoder) => T): T[];
    readArrayAsync<T>(reader: (decoder: Decoder) => Promise<T>): Promise<T[]>;
  }
  export = Decoder;
}

declare module 'kafkajs/src/protocol/recordBatch/v0/decoder' {
  import Decoder from 'kafkajs/src/protocol/decoder';
  function decodeRecordBatch(decoder: Decoder): Promise<{ records: unknown[] }>;
  export = decodeRecordBatch;
}

declare module 'kafkajs/src/protocol/messageSet/decoder' {
  import Decoder from 'kafkajs/src/protocol/decoder';
  function decodeMessageSet(decoder: Decoder, size?: number): Promise<unknown[]>;
  export = decodeMessageSet;
}

declare module 'kafkajs/src/protocol/requests/fetch' {
  interface FetchProtocol {
    request: unknown;
    response: { decode(rawData: Buffer): Promise<unknown>; parse(data: unknown): Promise<unknown> };
    requestTimeout: number;
  }
  type FetchRequestBuilder = (request: unknown) => FetchProtocol;
  const fetch: { versions: string[]; protocol(options: { version: number }): FetchRequestBuilder };
  export = fetch;
}

declare module 'kafkajs/src/protocol/recordBatch/crc32C' {
  /** The CRC-32C (Castagnoli) of the bytes, unsigned. */
  function crc32C(buffer: Buffer): number;
  export = crc32C;
}
