import type { Logger } from 'pino';
import type { QuorumConfig } from '../../config/index.js';
import type { Database } from '../../db/types.js';
import { InProcessBus } from './in-process.js';
import type { Bus } from './types.js';

/**
 * Picks the bus from the configuration: Redis when REDIS_URL is set, PostgreSQL LISTEN/NOTIFY when the
 * database is PostgreSQL, in-process otherwise (embedded mode, one node). The networked buses are
 * imported only when chosen: an embedded node never loads ioredis or pg.
 */
export async function createBus(
  config: QuorumConfig,
  database: Database,
  nodeId: string,
  logger: Logger,
): Promise<Bus> {
  if (config.redisUrl) {
    const { RedisBus } = await import('./redis.js');
    const bus = new RedisBus({ url: config.redisUrl, nodeId, logger });
    try {
      await bus.start();
    } catch (err) {
      // Redis down at start: keep going, ioredis keeps trying; state is re-read on reconnect.
      logger.warn(
        { err: (err as Error).message },
        'redis bus not reachable at start; retrying in the background',
      );
    }
    return bus;
  }
  if (config.database.kind === 'postgres') {
    const { PostgresBus } = await import('./postgres.js');
    const bus = new PostgresBus({ url: config.database.url, db: database.db, nodeId, logger });
    await bus.start();
    return bus;
  }
  return new InProcessBus(nodeId, logger);
}
