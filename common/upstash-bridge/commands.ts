/**
 * Which Redis commands the local Upstash bridge will forward.
 *
 * Policy (an allow-list, so commands added to future Redis versions stay refused by default):
 *
 * 1. ALLOWED_COMMANDS: data commands on strings, bitmaps, keys, hashes, lists, sets, sorted sets,
 *    HyperLogLogs, geo indexes and streams, plus PING/ECHO/TIME/DBSIZE/PUBLISH. Everything else is
 *    refused unless the bridge was started with `allowAllCommands: true`. That refuses, among
 *    others, FLUSHALL, FLUSHDB, CONFIG, KEYS, EVAL, EVALSHA, SCRIPT, FUNCTION, DEBUG, SHUTDOWN,
 *    SAVE, BGSAVE, BGREWRITEAOF, REPLICAOF, SLAVEOF, MIGRATE, MODULE, ACL, CLIENT, DUMP, RESTORE,
 *    MOVE and SWAPDB: admin or whole-database commands a Lambda has no business sending.
 * 2. CONNECTION_BOUND_COMMANDS are refused even with `allowAllCommands`: the bridge multiplexes
 *    every caller over one Redis connection, so a command that blocks it (BLPOP, XREAD BLOCK, ...)
 *    or changes its state (MULTI, SELECT, SUBSCRIBE, MONITOR, ...) would break other callers.
 *    Transactions go through POST /multi-exec instead.
 *
 * A refused command answers like a Redis error, so @upstash/redis throws it with this message.
 */

const ALLOWED_COMMANDS: ReadonlySet<string> = new Set(
  [
    // strings
    "append decr decrby get getdel getex getrange getset incr incrby incrbyfloat lcs mget mset",
    "msetnx psetex set setex setnx setrange strlen substr",
    // bitmaps
    "bitcount bitfield bitfield_ro bitop bitpos getbit setbit",
    // keys
    "copy del exists expire expireat expiretime persist pexpire pexpireat pexpiretime pttl",
    "randomkey rename renamenx scan sort sort_ro touch ttl type unlink",
    // hashes
    "hdel hexists hget hgetall hincrby hincrbyfloat hkeys hlen hmget hmset hrandfield hscan hset",
    "hsetnx hstrlen hvals",
    // lists
    "lindex linsert llen lmove lmpop lpop lpos lpush lpushx lrange lrem lset ltrim rpop rpoplpush",
    "rpush rpushx",
    // sets
    "sadd scard sdiff sdiffstore sinter sintercard sinterstore sismember smembers smismember smove",
    "spop srandmember srem sscan sunion sunionstore",
    // sorted sets
    "zadd zcard zcount zdiff zdiffstore zincrby zinter zintercard zinterstore zlexcount zmpop",
    "zmscore zpopmax zpopmin zrandmember zrange zrangebylex zrangebyscore zrangestore zrank zrem",
    "zremrangebylex zremrangebyrank zremrangebyscore zrevrange zrevrangebylex zrevrangebyscore",
    "zrevrank zscan zscore zunion zunionstore",
    // hyperloglog, geo
    "pfadd pfcount pfmerge geoadd geodist geohash geopos georadius georadius_ro georadiusbymember",
    "georadiusbymember_ro geosearch geosearchstore",
    // streams (XREAD/XREADGROUP with BLOCK are refused below)
    "xack xadd xautoclaim xclaim xdel xgroup xinfo xlen xpending xrange xread xreadgroup",
    "xrevrange xsetid xtrim",
    // harmless server and pub/sub commands
    "ping echo time dbsize publish",
  ]
    .join(" ")
    .split(" "),
);

const TRANSACTION_COMMANDS: ReadonlySet<string> = new Set(
  "multi exec discard watch unwatch".split(" "),
);

const CONNECTION_BOUND_COMMANDS: ReadonlySet<string> = new Set(
  [
    ...TRANSACTION_COMMANDS,
    "select quit reset hello auth monitor",
    "subscribe psubscribe ssubscribe unsubscribe punsubscribe sunsubscribe",
    "blpop brpop brpoplpush blmove blmpop bzpopmin bzpopmax bzmpop wait waitaof",
  ]
    .join(" ")
    .split(" "),
);

/** Stream reads block the connection only when given the BLOCK option. */
const BLOCK_OPTION_COMMANDS: ReadonlySet<string> = new Set(["xread", "xreadgroup"]);

export interface CommandPolicy {
  /** Forward every command except the connection-bound ones. */
  allowAllCommands: boolean;
}

/**
 * Returns the Redis-style error message that refuses `command`, or null when it may be forwarded.
 * `command` is [name, ...args] as received in the request body.
 */
export function refusal(command: readonly string[], policy: CommandPolicy): string | null {
  const name = (command[0] ?? "").toLowerCase();
  if (CONNECTION_BOUND_COMMANDS.has(name) || blocksWithOption(name, command)) {
    const hint = TRANSACTION_COMMANDS.has(name) ? " (use redis.multi() for transactions)" : "";
    return (
      `ERR command '${name}' is not supported by the local bridge: it would block or change ` +
      `the Redis connection that all callers share${hint}`
    );
  }
  if (!policy.allowAllCommands && !ALLOWED_COMMANDS.has(name)) {
    return `ERR command '${name}' is not allowed by the local bridge (set allowAllCommands)`;
  }
  return null;
}

/** True for XREAD/XREADGROUP whose options (everything before STREAMS) include BLOCK. */
function blocksWithOption(name: string, command: readonly string[]): boolean {
  if (!BLOCK_OPTION_COMMANDS.has(name)) return false;
  for (const arg of command.slice(1)) {
    const option = arg.toLowerCase();
    if (option === "streams") return false;
    if (option === "block") return true;
  }
  return false;
}
