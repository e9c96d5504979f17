// Redis for queue searches (Node): connecting to a server with a clear error when it cannot be reached, and the
// RungStore that shares pruners' rung scores between the processes that run a study's trials. ioredis and bullmq
// are optional dependencies, imported on demand by a variable name so browser and edge bundles never include them.
import { nodeImport } from '../runtime/node';
import { showValue } from '../tensor/errors';
import type { RungStore } from './pruners';

/**
 * Where a queue's Redis server is: a `redis://` (or `rediss://`) URL, or ioredis options such as `{ host, port }`.
 * @example
 * const url: RedisConnection = 'redis://:secret@10.0.0.5:6379/0';
 * const options: RedisConnection = { host: '10.0.0.5', port: 6379, password: 'secret' };
 */
export type RedisConnection = string | Record<string, unknown>;

/** A MULTI transaction of ioredis (the commands the rung store uses). */
interface RedisTransaction {
  hset(key: string, field: string, value: string): RedisTransaction;
  hvals(key: string): RedisTransaction;
  exec(): Promise<[Error | null, unknown][] | null>;
}

/** The part of an ioredis client the queue uses. */
export interface RedisClient {
  multi(): RedisTransaction;
  connect(): Promise<void>;
  quit(): Promise<unknown>;
  disconnect(): void;
  on(event: string, listener: (...args: unknown[]) => void): unknown;
}

/** Imports an optional package by a name bundlers do not follow. */
export async function optionalImport<T>(name: string, op: string): Promise<T> {
  try {
    return await nodeImport<T>(name);
  } catch (error) {
    throw new Error(`${op}: queue searches need the ${name} package (npm install bullmq ioredis): ${(error as Error).message}`);
  }
}

/** How a connection is named in errors: its URL, or host:port of the options (a password is never shown). */
export function describeConnection(connection: RedisConnection): string {
  if (typeof connection === 'string') return connection.replace(/\/\/[^@/]*@/, '//***@');
  const { host = '127.0.0.1', port = 6379 } = connection as { host?: unknown; port?: unknown };
  return `redis://${String(host)}:${String(port)}`;
}

/** Throws unless `connection` is a redis:// URL or an object of ioredis options. */
export function checkConnection(connection: unknown, op: string): RedisConnection {
  if (typeof connection === 'string') {
    if (!/^rediss?:\/\/./.test(connection)) throw new RangeError(`${op}: connection must be a redis:// or rediss:// URL, got ${showValue(connection)}`);
    return connection;
  }
  if (typeof connection !== 'object' || connection === null || Array.isArray(connection)) {
    throw new TypeError(`${op}: connection must be a redis:// URL or ioredis options, got ${showValue(connection)}`);
  }
  return connection as Record<string, unknown>;
}

/**
 * Connects to Redis, waiting at most `timeoutMs` for the first connection; rejects with an Error naming the server
 * when it cannot be reached. Afterwards the client reconnects on its own (every second at most), and commands wait
 * for it (maxRetriesPerRequest null, which BullMQ's blocking connections need), so a restarted server only pauses
 * the work.
 */
export async function connectRedis(connection: RedisConnection, op: string, timeoutMs = 3000): Promise<RedisClient> {
  const io = await optionalImport<{ Redis?: unknown; default?: unknown }>('ioredis', op);
  const Redis = (io.Redis ?? io.default) as new (...args: unknown[]) => RedisClient;
  const settings = { maxRetriesPerRequest: null, lazyConnect: true, retryStrategy: (times: number) => Math.min(100 * times, 1000) };
  const client = typeof connection === 'string' ? new Redis(connection, settings) : new Redis({ ...connection, ...settings });
  let last = '';
  const noted = (error: unknown): void => void (last = (error as Error).message || (error as { code?: string }).code || String(error));
  client.on('error', noted); // ioredis reports each failed attempt here; without a listener they are printed
  let timer: ReturnType<typeof setTimeout> | undefined;
  try {
    await Promise.race([client.connect(), new Promise((_, reject) => (timer = setTimeout(() => reject(new Error('timeout')), timeoutMs)))]);
  } catch (error) {
    client.disconnect();
    const why = last || (error as Error).message;
    throw new Error(`${op}: cannot reach the Redis server at ${describeConnection(connection)} within ${timeoutMs / 1000} s (${why})`);
  } finally {
    clearTimeout(timer);
  }
  return client;
}

/**
 * A RungStore in Redis: one hash per rung (trial → score) under `prefix`, so every worker of a study sees the same
 * rungs, and a trial run again (after its worker died) replaces its own score instead of adding one.
 */
export function redisRungs(client: RedisClient, prefix: string): RungStore {
  return {
    record: async (bracket, rung, trial, score) => {
      const key = `${prefix}:rungs:${bracket}:${rung}`;
      const replies = await client.multi().hset(key, String(trial), String(score)).hvals(key).exec();
      const failed = replies?.find(([error]: [Error | null, unknown]) => error);
      if (!replies || failed) throw new Error(`the rung scores in Redis could not be updated: ${failed?.[0]?.message ?? 'the transaction was aborted'}`);
      return (replies[1][1] as string[]).map(Number);
    },
  };
}
