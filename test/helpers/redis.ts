export { TestRedis, freePort, REDIS_SERVER } from '../../src/bench/redis-server';
