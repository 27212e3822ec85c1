import { execFile, spawn } from 'node:child_process';
import { createHash, randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { kafkaBrokers } from './kafka';

// Apache Kafka's own Java client as a producer and consumer no one here wrote: a small program
// (java-kafka/JavaKafkaClient.java) compiled at test time against the broker's jars, which
// scripts/kafka/kafka.sh already fetched with Maven (kafka-clients and the snappy, lz4 and zstd
// libraries it compresses with).

const run = promisify(execFile);
const root = path.resolve(__dirname, '..', '..');
const source = path.join(__dirname, 'java-kafka', 'JavaKafkaClient.java');
const javaOutputBytesMax = 64 * 1024 * 1024;

export type JavaCompression = 'none' | 'gzip' | 'snappy' | 'lz4' | 'zstd';

export interface JavaRecord {
  compression: JavaCompression;
  topic: string;
  /** Unset: the Java client's partitioner picks by key, as for any producer. */
  partition?: number;
  key: string;
  value: string;
}

export interface RecordPosition {
  topic: string;
  partition: number;
  offset: string;
}

let classesDir: Promise<string> | undefined;

function kafkaHome(): string {
  return path.resolve(root, process.env.TALLY_KAFKA_HOME ?? '.kafka');
}

async function brokerLibs(): Promise<string> {
  const libs = path.join(kafkaHome(), 'libs');
  // npm test starts the broker first, which fetches the jars; a broker from elsewhere may not have.
  if (!existsSync(path.join(libs, '.complete')))
    await run('bash', [path.join(root, 'scripts', 'kafka', 'kafka.sh'), 'fetch']);
  return libs;
}

// Compiled once per version of the source. Test workers may compile at the same time: each
// writes to a directory of its own and the first rename wins.
async function compile(): Promise<string> {
  const libs = await brokerLibs();
  const hash = createHash('sha256').update(readFileSync(source)).digest('hex').slice(0, 12);
  const target = path.join(kafkaHome(), 'java-client', hash);
  if (existsSync(target)) return target;
  const scratch = `${target}.${randomUUID()}`;
  mkdirSync(scratch, { recursive: true });
  await run('javac', ['-cp', path.join(libs, '*'), '-d', scratch, source]);
  try {
    renameSync(scratch, target);
  } catch (error) {
    rmSync(scratch, { recursive: true, force: true });
    if (!existsSync(target)) throw error;
  }
  return target;
}

async function java(args: string[], input?: string): Promise<string[]> {
  classesDir ??= compile();
  const classpath = [await classesDir, path.join(kafkaHome(), 'libs', '*')].join(path.delimiter);
  const child = spawn('java', [
    '-Dorg.slf4j.simpleLogger.defaultLogLevel=warn',
    '-cp',
    classpath,
    'JavaKafkaClient',
    ...args,
  ]);
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
  child.stderr.on(
    'data',
    (chunk: Buffer) => (stderr = (stderr + chunk.toString('utf8')).slice(-4_000)),
  );
  child.stdin.end(input ?? '');
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  if (code !== 0) throw new Error(`the Java client (${args[0]}) exited with ${code}: ${stderr}`);
  if (stdout.length > javaOutputBytesMax)
    throw new Error('assertion failed: the Java client printed more than expected');
  return stdout.split('\n').filter((line) => line.length > 0);
}

/**
 * Publishes with the Java producer, one producer per codec, each record where the Java client
 * puts it. `'flush'` entries end the batches before them. Returns each record's position.
 */
export async function javaProduce(records: (JavaRecord | 'flush')[]): Promise<RecordPosition[]> {
  const lines = records.map((record) => {
    if (record === 'flush') return 'flush';
    if (/[\t\n]/.test(record.key + record.value))
      throw new Error('assertion failed: a record for the Java client holds a tab or newline');
    return [
      record.compression,
      record.topic,
      record.partition ?? '-',
      record.key,
      record.value,
    ].join('\t');
  });
  const output = await java(['produce', kafkaBrokers().join(',')], `${lines.join('\n')}\n`);
  return output.map((line) => {
    const [topic, partition, offset] = line.split('\t');
    return { topic: topic as string, partition: Number(partition), offset: offset as string };
  });
}

/** Reads a topic from the beginning with the Java consumer until `count` records or `timeoutMs`. */
export async function javaConsume(
  topic: string,
  count: number,
  timeoutMs: number,
): Promise<(RecordPosition & { key: string; value: string })[]> {
  const output = await java([
    'consume',
    kafkaBrokers().join(','),
    topic,
    String(count),
    String(timeoutMs),
  ]);
  return output.map((line) => {
    const [partition, offset, key, ...value] = line.split('\t');
    return {
      topic,
      partition: Number(partition),
      offset: offset as string,
      key: key as string,
      value: value.join('\t'),
    };
  });
}

/** The broker's log dir that holds a partition (Admin.describeLogDirs). */
export async function brokerLogDir(topic: string, partition: number): Promise<string> {
  const [dir] = await java(['log-dir', kafkaBrokers().join(','), topic, String(partition)]);
  if (!dir)
    throw new Error(`assertion failed: the broker named no log dir for ${topic}-${partition}`);
  return dir;
}
