package io.smainer.relayer.store;

import io.lettuce.core.ClientOptions;
import io.lettuce.core.KeyScanCursor;
import io.lettuce.core.KeyValue;
import io.lettuce.core.LettuceFutures;
import io.lettuce.core.Limit;
import io.lettuce.core.Range;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisException;
import io.lettuce.core.RedisFuture;
import io.lettuce.core.RedisNoScriptException;
import io.lettuce.core.RedisURI;
import io.lettuce.core.ScanArgs;
import io.lettuce.core.ScanCursor;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.async.RedisAsyncCommands;
import io.lettuce.core.api.sync.RedisCommands;
import io.lettuce.core.pubsub.RedisPubSubAdapter;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import io.smainer.Require;
import io.smainer.chain.Felt;
import io.smainer.chain.U256;
import io.smainer.protocol.TaskStatus;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@link RelayerStore} on Redis (through Lettuce): state survives a relayer restart, and relayers
 * that share one Redis share tasks, nodes, nonces, leases and signals. Every write is one Lua script,
 * so it is atomic on the server: the escrow key and the task are created together, a compare-and-set
 * moves the task and its status and node indexes in one step, a nonce or a lease is checked and taken
 * in one step.
 *
 * <p>Layout, under a key prefix ({@link #DEFAULT_PREFIX}): {@code t:<id>} a hash (version, status,
 * in-flight node, sequence, JSON); {@code e:<escrow>} the escrow's task id; {@code s:<STATUS>} a sorted
 * set of task ids by sequence; {@code n:<node>} the ids in flight on a node; {@code all} every task by
 * sequence; {@code seq} the counter; {@code nodes} a hash of node JSON; {@code nonce:<scope>|<nonce>}
 * and {@code lease:<name>} with an expiry; {@code w:<task>} a task's webhook (attempt, due time, claim owner,
 * finished; kept {@link #WEBHOOK_RETENTION} once finished, or until its task is dropped) and {@code wq} a sorted
 * set of unfinished webhooks by due time; {@code c:SETTLED} and {@code c:FAILED} count every task that ever
 * reached them; {@code fin} the finished tasks held, by finishing time; {@code ef} the escrows of dropped FAILED
 * tasks still guarded; {@code qbytes} and {@code fbytes} the byte sums ({@link #queuedBytes()},
 * {@link #finishedBytes()}); signals go on the channel {@code signals}.
 *
 * <p>Retention ({@link Retention}), all inside the scripts, so two relayers on one Redis never drop a task
 * twice nor one that is not finished: the script that writes a final status (SETTLED or FAILED) also counts it
 * in {@code c:<STATUS>}, records the finishing time and the escrow in the task's hash, adds
 * {@code <sequence>|<task>|<escrow>|S or F|<bytes>} to {@code fin} (the sequence, zero-padded, orders tasks that
 * finished in the same millisecond), gives the task's key (and a SETTLED task's escrow key) a
 * PEXPIRE of the retention (none while a webhook is pending), then drops what {@code fin} holds past the
 * retention (ZRANGEBYSCORE), beyond the count cap (ZRANGE from the oldest) or beyond the byte budget (from the
 * oldest, never the last member), at most {@value #PRUNE_BATCH} of each a write: the task key, its webhook record, its entries in {@code s:<STATUS>}, {@code all} and
 * {@code fin}; O(log n) a task. A SETTLED task's escrow key goes with it (the escrow is SETTLED on chain,
 * which the intake refuses). A FAILED task's escrow may still be CREATED (until the demander cancels it), so
 * its escrow key stays and joins {@code ef}, trimmed to the count cap from the oldest (ZREMRANGEBYRANK): a
 * create on it answers {@link Retired}. A task whose webhook is pending when its turn comes leaves
 * {@code fin} and loses its expiry; the script that finishes the webhook puts it back with its original
 * finishing time. If no task finishes for a while, Redis's own expiry removes the task keys, and the index
 * entries and their bytes wait, bounded by the cap, for the next finish or {@link #pruneFinished()} (readers
 * skip ids whose key is gone).
 *
 * <p>Bytes ({@link RelayerStore}): each task's hash records what it added to a sum, {@code qb} while it is not
 * finished and {@code fb} once it is, and the {@code fin} member repeats {@code fb}; every script that changes
 * one changes the sum by the same amount in the same step, so the sums are exactly the recorded bytes of the
 * tasks held, however many relayers write. {@link #create(TaskRecord, long)} checks {@code qbytes} and adds the
 * task in one script: two relayers cannot jointly exceed the limit. A finished task's key may expire on its own
 * (PEXPIRE) while its bytes are still in {@code fbytes}: its {@code fin} member keeps them until the next
 * finishing write drops it, which subtracts the bytes the member records, so {@code fbytes} may read high for
 * a while after the key is gone, until the next finishing write or {@link #pruneFinished()}. Tasks stored before byte budgets have no {@code qb}: they count
 * as 0 until their next change, which adds what they hold, and their old {@code fin} members subtract nothing.
 * Nothing is recomputed at start: the sums are in Redis with the tasks.
 *
 * <p>Time: nonce and lease expiries are compared with the injected {@link Clock}, so relayers sharing a
 * Redis need clocks in step (NTP) to well within a lease's time to live. Redis's own key expiry only
 * collects what is past its time. The scripts build key names at run time, so this store needs a
 * single Redis (standalone or Sentinel-managed), not Redis Cluster.
 *
 * <p>Thread-safe: one multiplexed connection for commands, one for signals. {@link #close()} is
 * idempotent. A Redis error surfaces as Lettuce's unchecked {@code RedisException}.
 */
public final class RedisStore implements RelayerStore {
    /** The key prefix when none is configured. */
    public static final String DEFAULT_PREFIX = "smainer:";
    /** How long one Redis command may take. */
    public static final Duration DEFAULT_COMMAND_TIMEOUT = Duration.ofSeconds(5);

    /** How long a finished webhook's record is kept (so the task is not notified twice meanwhile). */
    public static final Duration WEBHOOK_RETENTION = Duration.ofDays(7);

    private static final Logger LOG = LoggerFactory.getLogger(RedisStore.class);

    /** Finished tasks dropped at most per write, for each of age and count. */
    static final int PRUNE_BATCH = 64;

    /**
     * Shared by the scripts that finish a task or its webhook. {@code drop(p, member, now, cap)} drops one
     * {@code fin} member (or parks it while its webhook is pending), subtracting from {@code fbytes} the bytes the
     * member records (what was added when it finished, also when the task's key already expired; a member written
     * before byte budgets has none and was never counted); {@code prune(p, now, retention, cap, max bytes)} drops
     * what is too old, too many or too large, oldest first, never the last member for bytes.
     */
    private static final String PRUNE = """
            local function drop(p, m, now, cap)
              redis.call('ZREM', p .. 'fin', m)
              local id, esc, kind, bytes = string.match(m, '^%d+|(.*)|(%d+)|([SF])|(%d+)$')
              if not id then
                id, esc, kind = string.match(m, '^%d+|(.*)|(%d+)|([SF])$')
                bytes = '0'
              end
              if not id then return end
              local tk, wk = p .. 't:' .. id, p .. 'w:' .. id
              if redis.call('HGET', wk, 'f') == '0' then
                redis.call('PERSIST', tk)
                return
              end
              redis.call('DEL', tk, wk)
              if bytes ~= '0' then redis.call('DECRBY', p .. 'fbytes', bytes) end
              redis.call('ZREM', p .. (kind == 'S' and 's:SETTLED' or 's:FAILED'), id)
              redis.call('ZREM', p .. 'all', id)
              local ek = p .. 'e:' .. esc
              if kind == 'S' then
                if redis.call('GET', ek) == id then redis.call('DEL', ek) end
              else
                redis.call('ZADD', p .. 'ef', now, esc)
                local over = redis.call('ZCARD', p .. 'ef') - cap
                if over > 0 then
                  for _, e in ipairs(redis.call('ZRANGE', p .. 'ef', 0, over - 1)) do redis.call('DEL', p .. 'e:' .. e) end
                  redis.call('ZREMRANGEBYRANK', p .. 'ef', 0, over - 1)
                end
              end
            end
            local function prune(p, now, ret, cap, maxb)
              local fk = p .. 'fin'
              for _, m in ipairs(redis.call('ZRANGEBYSCORE', fk, '-inf', now - ret, 'LIMIT', 0, PRUNE_BATCH)) do
                drop(p, m, now, cap)
              end
              local over = redis.call('ZCARD', fk) - cap
              if over > PRUNE_BATCH then over = PRUNE_BATCH end
              if over > 0 then
                for _, m in ipairs(redis.call('ZRANGE', fk, 0, over - 1)) do drop(p, m, now, cap) end
              end
              local n = 0
              while n < PRUNE_BATCH and tonumber(redis.call('GET', p .. 'fbytes') or '0') > maxb
                  and redis.call('ZCARD', fk) > 1 do
                drop(p, redis.call('ZRANGE', fk, 0, 0)[1], now, cap)
                n = n + 1
              end
            end
            """.replace("PRUNE_BATCH", Integer.toString(PRUNE_BATCH));

    /** ARGV: prefix, now millis, retention millis, cap, most finished bytes. Returns how many {@code fin} holds. */
    private static final String PRUNE_NOW = PRUNE + """
            prune(ARGV[1], tonumber(ARGV[2]), tonumber(ARGV[3]), tonumber(ARGV[4]), tonumber(ARGV[5]))
            return redis.call('ZCARD', ARGV[1] .. 'fin')
            """;

    /**
     * ARGV: prefix, task, escrow, JSON, sequence, the task's bytes, the limit of {@code qbytes}. Returns {1, ''}
     * created, {0, JSON} duplicate, {2, task} retired, {3, qbytes} over the limit, {-1, ''} id taken.
     */
    private static final String CREATE = """
            local p, id = ARGV[1], ARGV[2]
            local ek = p .. 'e:' .. ARGV[3]
            local existing = redis.call('GET', ek)
            if existing then
              local j = redis.call('HGET', p .. 't:' .. existing, 'j')
              if j then return {0, j} end
              return {2, existing}
            end
            local tk = p .. 't:' .. id
            if redis.call('EXISTS', tk) == 1 then return {-1, ''} end
            local q = redis.call('GET', p .. 'qbytes') or '0'
            if tonumber(q) + tonumber(ARGV[6]) > tonumber(ARGV[7]) then return {3, q} end
            if ARGV[6] ~= '0' then redis.call('INCRBY', p .. 'qbytes', ARGV[6]) end
            redis.call('SET', ek, id)
            redis.call('HSET', tk, 'v', '0', 's', 'PENDING', 'n', '', 'q', ARGV[5], 'qb', ARGV[6], 'j', ARGV[4])
            redis.call('ZADD', p .. 's:PENDING', ARGV[5], id)
            redis.call('ZADD', p .. 'all', ARGV[5], id)
            return {1, ''}
            """;

    /**
     * ARGV: prefix, task, version read, next version, next status, in-flight node or '', sequence, JSON, then for a
     * final status: now millis, escrow ('' otherwise), then retention millis, cap, the next version's bytes, the
     * most finished bytes. The bytes the hash records as counted in {@code qbytes} ({@code qb}; none for a task
     * stored before byte budgets, which counts as 0) are replaced by the next version's, or on finishing moved to
     * {@code fbytes} (and recorded in {@code fb} and in the {@code fin} member).
     */
    private static final String REPLACE = PRUNE + """
            local p, id = ARGV[1], ARGV[2]
            local tk = p .. 't:' .. id
            local cur = redis.call('HMGET', tk, 'v', 's', 'n', 'qb')
            if not cur[1] or cur[1] ~= ARGV[3] then return 0 end
            redis.call('ZREM', p .. 's:' .. cur[2], id)
            if cur[3] and cur[3] ~= '' then redis.call('SREM', p .. 'n:' .. cur[3], id) end
            redis.call('HSET', tk, 'v', ARGV[4], 's', ARGV[5], 'n', ARGV[6], 'j', ARGV[8])
            redis.call('ZADD', p .. 's:' .. ARGV[5], ARGV[7], id)
            if ARGV[6] ~= '' then redis.call('SADD', p .. 'n:' .. ARGV[6], id) end
            local ob, nb = tonumber(cur[4] or '0'), ARGV[13]
            if ARGV[9] and ARGV[9] ~= '' then
              if ob ~= 0 then redis.call('DECRBY', p .. 'qbytes', ob) end
              redis.call('HDEL', tk, 'qb')
              redis.call('HSET', tk, 'fb', nb)
              if nb ~= '0' then redis.call('INCRBY', p .. 'fbytes', nb) end
            elseif tonumber(nb) ~= ob then
              redis.call('HSET', tk, 'qb', nb)
              redis.call('INCRBY', p .. 'qbytes', tonumber(nb) - ob)
            end
            if ARGV[9] and ARGV[9] ~= '' then
              local now, esc, ret, cap = tonumber(ARGV[9]), ARGV[10], tonumber(ARGV[11]), tonumber(ARGV[12])
              local ck = p .. 'c:' .. ARGV[5]
              if redis.call('EXISTS', ck) == 0 then
                redis.call('SET', ck, redis.call('ZCARD', p .. 's:' .. ARGV[5]) - 1)
              end
              redis.call('INCR', ck)
              local kind = ARGV[5] == 'SETTLED' and 'S' or 'F'
              redis.call('HSET', tk, 'fa', ARGV[9], 'e', esc)
              redis.call('ZADD', p .. 'fin', now,
                  string.format('%020d', tonumber(ARGV[7])) .. '|' .. id .. '|' .. esc .. '|' .. kind .. '|' .. nb)
              if redis.call('HGET', p .. 'w:' .. id, 'f') ~= '0' then
                redis.call('PEXPIRE', tk, ret)
                if kind == 'S' then redis.call('PEXPIRE', p .. 'e:' .. esc, ret) end
              end
              prune(p, now, ret, cap, tonumber(ARGV[14]))
            end
            return 1
            """;

    private static final String BY_ESCROW = """
            local id = redis.call('GET', ARGV[1] .. 'e:' .. ARGV[2])
            if not id then return false end
            return redis.call('HGET', ARGV[1] .. 't:' .. id, 'j')
            """;

    /** ARGV: prefix, status key suffix, exclusive lower sequence, max. */
    private static final String BY_STATUS = """
            local p = ARGV[1]
            local ids = redis.call('ZRANGEBYSCORE', p .. 's:' .. ARGV[2], '(' .. ARGV[3], '+inf', 'LIMIT', 0, tonumber(ARGV[4]))
            local out = {}
            for i, id in ipairs(ids) do
              local j = redis.call('HGET', p .. 't:' .. id, 'j')
              if j then out[#out + 1] = j end
            end
            return out
            """;

    private static final String ON_NODE = """
            local p = ARGV[1]
            local ids = redis.call('SMEMBERS', p .. 'n:' .. ARGV[2])
            local out = {}
            for i, id in ipairs(ids) do
              local j = redis.call('HGET', p .. 't:' .. id, 'j')
              if j then out[#out + 1] = j end
            end
            return out
            """;

    private static final String RECENT = """
            local p = ARGV[1]
            local ids = redis.call('ZREVRANGE', p .. 'all', 0, tonumber(ARGV[2]) - 1)
            local out = {}
            for i, id in ipairs(ids) do
              local j = redis.call('HGET', p .. 't:' .. id, 'j')
              if j then out[#out + 1] = j end
            end
            return out
            """;

    /** ARGV: prefix, then every status name. The final ones are counted in {@code c:<STATUS>}. */
    private static final String COUNTS = """
            local out = {}
            for i = 2, #ARGV do
              local c = false
              if ARGV[i] == 'SETTLED' or ARGV[i] == 'FAILED' then c = redis.call('GET', ARGV[1] .. 'c:' .. ARGV[i]) end
              if c then out[#out + 1] = tonumber(c) else out[#out + 1] = redis.call('ZCARD', ARGV[1] .. 's:' .. ARGV[i]) end
            end
            return out
            """;

    /** ARGV: key, now millis, expires-at millis. Refused while a stored expiry is not before now. */
    private static final String NONCE = """
            local e = redis.call('GET', ARGV[1])
            local now = tonumber(ARGV[2])
            if e and tonumber(e) >= now then return 0 end
            local keep = tonumber(ARGV[3]) - now
            if keep < 1 then keep = 1 end
            redis.call('SET', ARGV[1], ARGV[3], 'PX', keep + 1000)
            return 1
            """;

    /** ARGV: key, owner, now millis, ttl millis. Taken when free, expired or already ours. */
    private static final String LEASE = """
            local cur = redis.call('HMGET', ARGV[1], 'o', 'e')
            local now, ttl = tonumber(ARGV[3]), tonumber(ARGV[4])
            if cur[1] and cur[1] ~= ARGV[2] and tonumber(cur[2]) >= now then return 0 end
            redis.call('HSET', ARGV[1], 'o', ARGV[2], 'e', tostring(now + ttl))
            redis.call('PEXPIRE', ARGV[1], ttl + 1000)
            return 1
            """;

    private static final String RELEASE = """
            if redis.call('HGET', ARGV[1], 'o') == ARGV[2] then redis.call('DEL', ARGV[1]) return 1 end
            return 0
            """;

    /** ARGV: prefix, task, due millis. Once per task. A finished task is kept (no expiry) while it is pending. */
    private static final String WH_ADD = """
            local k = ARGV[1] .. 'w:' .. ARGV[2]
            if redis.call('EXISTS', k) == 1 then return 0 end
            redis.call('HSET', k, 'a', '1', 'd', ARGV[3], 'o', '', 'f', '0')
            redis.call('ZADD', ARGV[1] .. 'wq', ARGV[3], ARGV[2])
            local tk = ARGV[1] .. 't:' .. ARGV[2]
            local t = redis.call('HMGET', tk, 's', 'e')
            if t[1] == 'SETTLED' or t[1] == 'FAILED' then
              redis.call('PERSIST', tk)
              if t[1] == 'SETTLED' and t[2] then redis.call('PERSIST', ARGV[1] .. 'e:' .. t[2]) end
            end
            return 1
            """;

    /**
     * ARGV: prefix, task, owner, now millis, lease millis. Returns the attempt claimed, 0 when not due or held,
     * -1 when finished or unknown. A claim whose lease ran out counts as an attempt made.
     */
    private static final String WH_CLAIM = """
            local k = ARGV[1] .. 'w:' .. ARGV[2]
            local h = redis.call('HMGET', k, 'a', 'd', 'o', 'f')
            if not h[1] or h[4] == '1' then return -1 end
            local now = tonumber(ARGV[4])
            if tonumber(h[2]) > now then return 0 end
            local a = tonumber(h[1])
            if h[3] ~= '' then a = a + 1 end
            local held = now + tonumber(ARGV[5])
            redis.call('HSET', k, 'a', tostring(a), 'd', tostring(held), 'o', ARGV[3])
            redis.call('ZADD', ARGV[1] .. 'wq', held, ARGV[2])
            return a
            """;

    /** ARGV: prefix, task, owner, attempt, next due millis. Only the claim's holder moves it on. */
    private static final String WH_RETRY = """
            local k = ARGV[1] .. 'w:' .. ARGV[2]
            local h = redis.call('HMGET', k, 'a', 'o', 'f')
            if not h[1] or h[3] == '1' or h[1] ~= ARGV[4] or h[2] ~= ARGV[3] then return 0 end
            redis.call('HSET', k, 'a', tostring(tonumber(ARGV[4]) + 1), 'd', ARGV[5], 'o', '')
            redis.call('ZADD', ARGV[1] .. 'wq', ARGV[5], ARGV[2])
            return 1
            """;

    /**
     * ARGV: prefix, task, owner, attempt, webhook retention millis, now millis, task retention millis, cap, most
     * finished bytes. A finished task the webhook held goes back among the finished, with its expiry and the
     * bytes it was counted with.
     */
    private static final String WH_FINISH = PRUNE + """
            local p, id = ARGV[1], ARGV[2]
            local k = p .. 'w:' .. id
            local h = redis.call('HMGET', k, 'a', 'o', 'f')
            if not h[1] or h[3] == '1' or h[1] ~= ARGV[4] or h[2] ~= ARGV[3] then return 0 end
            redis.call('HSET', k, 'o', '', 'f', '1')
            redis.call('ZREM', p .. 'wq', id)
            redis.call('PEXPIRE', k, tonumber(ARGV[5]))
            local tk = p .. 't:' .. id
            local t = redis.call('HMGET', tk, 's', 'e', 'fa', 'q', 'fb')
            if t[3] then
              local now, ret, cap = tonumber(ARGV[6]), tonumber(ARGV[7]), tonumber(ARGV[8])
              local fa = tonumber(t[3])
              local kind = t[1] == 'SETTLED' and 'S' or 'F'
              local member = string.format('%020d', tonumber(t[4])) .. '|' .. id .. '|' .. t[2] .. '|' .. kind
              if t[5] then member = member .. '|' .. t[5] end
              local left = fa + ret - now
              if left < 1 then left = 1 end
              redis.call('PEXPIRE', tk, left)
              if kind == 'S' then redis.call('PEXPIRE', p .. 'e:' .. t[2], left) end
              redis.call('ZADD', p .. 'fin', fa, member)
              prune(p, now, ret, cap, tonumber(ARGV[9]))
            end
            return 1
            """;

    private final Clock clock;
    private final Retention retention;
    private final String prefix;
    private final RedisClient client;
    private final StatefulRedisConnection<String, String> connection;
    private final RedisCommands<String, String> redis;
    /** The same connection, for the writes nobody waits for ({@link #putNode}, {@link #publish}). */
    private final RedisAsyncCommands<String, String> async;
    private final Duration commandTimeout;
    private final StatefulRedisPubSubConnection<String, String> pubSub;
    private final String channel;
    private final Map<String, String> shas = new ConcurrentHashMap<>();
    private final List<Consumer<Signal>> listeners = new CopyOnWriteArrayList<>();
    private final Object closeLock = new Object();
    private volatile boolean closed;

    private RedisStore(Builder b) {
        this.clock = Require.present("clock", b.clock);
        this.retention = Require.present("retention", b.retention);
        this.prefix = Require.text("prefix", b.prefix, 128);
        RedisURI uri = RedisURI.create(Require.text("redis_uri", b.uri, 1024));
        this.commandTimeout = Require.present("command_timeout", b.commandTimeout);
        uri.setTimeout(commandTimeout);
        this.client = RedisClient.create(uri);
        // while the connection is down a command fails at once instead of waiting out the timeout in a buffer: the
        // relayer answers 503 and its timers retry (GuardedStore), and Lettuce reconnects meanwhile
        client.setOptions(ClientOptions.builder().autoReconnect(true)
                .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
                .timeoutOptions(TimeoutOptions.enabled(b.commandTimeout)).build());
        StatefulRedisConnection<String, String> c = null;
        StatefulRedisPubSubConnection<String, String> ps = null;
        try {
            c = client.connect();
            ps = client.connectPubSub();
            this.channel = prefix + "signals";
            ps.addListener(new RedisPubSubAdapter<>() {
                @Override
                public void message(String ch, String message) {
                    if (channel.equals(ch)) {
                        deliver(message);
                    }
                }
            });
            ps.sync().subscribe(channel);
        } catch (RuntimeException e) {
            if (ps != null) {
                ps.close();
            }
            if (c != null) {
                c.close();
            }
            client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
            throw e;
        }
        this.connection = c;
        this.redis = c.sync();
        this.async = c.async();
        this.pubSub = ps;
    }

    /** @return a builder */
    public static Builder builder() {
        return new Builder();
    }

    // ---- tasks ----

    @Override
    public CreateResult create(TaskRecord task, long maxQueuedBytes) {
        if (task.version() != 0 || task.status() != TaskStatus.PENDING) {
            throw new IllegalArgumentException("a new task is PENDING at version 0: " + task.id());
        }
        long seq = redis.incr(prefix + "seq");
        TaskRecord stored = task.withSeq(seq);
        long bytes = task.heldBytes();
        List<Object> r = script(CREATE, ScriptOutputType.MULTI, prefix, task.id(), escrowKey(task.escrowId()),
                StoreCodec.taskToJson(stored), Long.toString(seq), Long.toString(bytes), Long.toString(maxQueuedBytes));
        long code = (Long) r.get(0);
        if (code == 3) {
            return new Busy(Long.parseLong(text(r.get(1))), bytes, maxQueuedBytes);
        }
        if (code == 1) {
            return new Created(stored);
        }
        if (code == 0) {
            return new Duplicate(StoreCodec.taskFromJson(text(r.get(1))));
        }
        if (code == 2) {
            return new Retired(text(r.get(1)));
        }
        throw new IllegalArgumentException("task id already used: " + task.id());
    }

    @Override
    public long queuedBytes() {
        return counter("qbytes");
    }

    @Override
    public long finishedBytes() {
        return counter("fbytes");
    }

    private long counter(String key) {
        String v = redis.get(prefix + key);
        return v == null ? 0 : Long.parseLong(v);
    }

    @Override
    public Optional<TaskRecord> task(String id) {
        String json = redis.hget(prefix + "t:" + id, "j");
        return json == null ? Optional.empty() : Optional.of(StoreCodec.taskFromJson(json));
    }

    @Override
    public Optional<TaskRecord> taskByEscrow(U256 escrowId) {
        Object json = script(BY_ESCROW, ScriptOutputType.VALUE, prefix, escrowKey(escrowId));
        return json == null ? Optional.empty() : Optional.of(StoreCodec.taskFromJson(text(json)));
    }

    @Override
    public boolean replace(TaskRecord current, TaskRecord next) {
        Long done = script(REPLACE, ScriptOutputType.INTEGER, replaceArgs(current, next));
        return done == 1L;
    }

    @Override
    public List<Boolean> replaceEach(List<TaskRecord> current, List<TaskRecord> next) {
        if (current.size() != next.size()) {
            throw new IllegalArgumentException("replaceEach needs as many next versions as tasks: " + current.size()
                    + " and " + next.size());
        }
        List<String[]> args = new ArrayList<>(current.size());
        for (int i = 0; i < current.size(); i++) {
            args.add(replaceArgs(current.get(i), next.get(i)));
        }
        String sha = shas.computeIfAbsent(REPLACE, redis::scriptLoad);
        List<RedisFuture<Long>> sent = new ArrayList<>(args.size());
        for (String[] a : args) {
            sent.add(async.evalsha(sha, ScriptOutputType.INTEGER, new String[0], a));
        }
        List<Boolean> out = new ArrayList<>(args.size());
        for (int i = 0; i < sent.size(); i++) {
            Long done;
            try {
                done = LettuceFutures.awaitOrCancel(sent.get(i), commandTimeout.toMillis(), TimeUnit.MILLISECONDS);
            } catch (RedisNoScriptException e) { // the server lost its scripts: this one did not run; load and run it
                done = script(REPLACE, ScriptOutputType.INTEGER, args.get(i));
            }
            out.add(done == 1L);
        }
        return out;
    }

    @Override
    public List<Optional<TaskRecord>> tasks(List<String> ids) {
        List<RedisFuture<String>> sent = new ArrayList<>(ids.size());
        for (String id : ids) {
            sent.add(async.hget(prefix + "t:" + id, "j"));
        }
        List<Optional<TaskRecord>> out = new ArrayList<>(ids.size());
        for (RedisFuture<String> f : sent) {
            String json = LettuceFutures.awaitOrCancel(f, commandTimeout.toMillis(), TimeUnit.MILLISECONDS);
            out.add(json == null ? Optional.empty() : Optional.of(StoreCodec.taskFromJson(json)));
        }
        return out;
    }

    /** ARGV of {@link #REPLACE}, after checking that {@code next} is {@code current}'s next version. */
    private String[] replaceArgs(TaskRecord current, TaskRecord next) {
        if (!current.id().equals(next.id()) || next.version() != current.version() + 1 || next.seq() != current.seq()) {
            throw new IllegalArgumentException("replace needs the same task at the next version: " + current.id() + " v"
                    + current.version() + " -> " + next.id() + " v" + next.version());
        }
        boolean inFlight = next.status() == TaskStatus.ASSIGNED || next.status() == TaskStatus.RUNNING;
        String node = inFlight ? next.nodeId().orElse("") : "";
        boolean last = next.status().isTerminal();
        return new String[] {prefix, next.id(), Long.toString(current.version()), Long.toString(next.version()),
                next.status().name(), node, Long.toString(next.seq()), StoreCodec.taskToJson(next),
                last ? Long.toString(clock.millis()) : "", last ? escrowKey(next.escrowId()) : "",
                Long.toString(retention.finishedForMillis()), Integer.toString(retention.maxFinished()),
                Long.toString(next.heldBytes()), Long.toString(retention.maxFinishedBytes())};
    }

    @Override
    public List<TaskRecord> tasksByStatus(TaskStatus status, long afterSeq, int max) {
        if (max <= 0) {
            return List.of();
        }
        return decoded(script(BY_STATUS, ScriptOutputType.MULTI, prefix, status.name(), Long.toString(afterSeq),
                Integer.toString(max)));
    }

    @Override
    public List<TaskRecord> tasksOnNode(String nodeId) {
        List<TaskRecord> out = new ArrayList<>();
        for (TaskRecord t : decoded(script(ON_NODE, ScriptOutputType.MULTI, prefix, nodeId))) {
            if ((t.status() == TaskStatus.ASSIGNED || t.status() == TaskStatus.RUNNING)
                    && t.nodeId().equals(Optional.of(nodeId))) {
                out.add(t);
            }
        }
        return out;
    }

    @Override
    public List<TaskRecord> recentTasks(int max) {
        if (max <= 0) {
            return List.of();
        }
        return decoded(script(RECENT, ScriptOutputType.MULTI, prefix, Integer.toString(max)));
    }

    @Override
    public Map<TaskStatus, Long> countByStatus() {
        TaskStatus[] all = TaskStatus.values();
        String[] args = new String[all.length + 1];
        args[0] = prefix;
        for (int i = 0; i < all.length; i++) {
            args[i + 1] = all[i].name();
        }
        List<Object> counts = script(COUNTS, ScriptOutputType.MULTI, args);
        Map<TaskStatus, Long> out = new EnumMap<>(TaskStatus.class);
        for (int i = 0; i < all.length; i++) {
            out.put(all[i], (Long) counts.get(i));
        }
        return out;
    }

    // ---- nonces, nodes, leases ----

    @Override
    public boolean useNonce(String scope, Felt nonce, Instant expiresAt) {
        Long ok = script(NONCE, ScriptOutputType.INTEGER, prefix + "nonce:" + scope + "|" + nonce.hex(),
                Long.toString(clock.millis()), Long.toString(expiresAt.toEpochMilli()));
        return ok == 1L;
    }

    @Override
    public void putNode(NodeRecord node) {
        unawaited(async.hset(prefix + "nodes", node.nodeId(), StoreCodec.nodeToJson(node)), "saving node " + node.nodeId());
    }

    @Override
    public Optional<NodeRecord> node(String nodeId) {
        String json = redis.hget(prefix + "nodes", nodeId);
        return json == null ? Optional.empty() : Optional.of(StoreCodec.nodeFromJson(json));
    }

    @Override
    public List<NodeRecord> nodes() {
        Map<String, String> all = new TreeMap<>(redis.hgetall(prefix + "nodes"));
        List<NodeRecord> out = new ArrayList<>(all.size());
        for (String json : all.values()) {
            out.add(StoreCodec.nodeFromJson(json));
        }
        return out;
    }

    @Override
    public boolean acquireLease(String name, String owner, Duration ttl) {
        long millis = Math.max(1, ttl.toMillis());
        Long ok = script(LEASE, ScriptOutputType.INTEGER, prefix + "lease:" + name, owner, Long.toString(clock.millis()),
                Long.toString(millis));
        return ok == 1L;
    }

    @Override
    public void releaseLease(String name, String owner) {
        if (closed) {
            return;
        }
        script(RELEASE, ScriptOutputType.INTEGER, prefix + "lease:" + name, owner);
    }

    // ---- webhooks ----

    @Override
    public boolean addWebhook(String taskId, Instant dueAt) {
        Long ok = script(WH_ADD, ScriptOutputType.INTEGER, prefix, taskId, Long.toString(dueAt.toEpochMilli()));
        return ok == 1L;
    }

    @Override
    public List<String> dueWebhooks(int max) {
        if (max <= 0) {
            return List.of();
        }
        return redis.zrangebyscore(prefix + "wq", Range.create(Double.NEGATIVE_INFINITY, (double) clock.millis()),
                Limit.create(0, max));
    }

    @Override
    public Optional<WebhookDelivery> claimWebhook(String taskId, String owner, Duration lease) {
        Long attempt = script(WH_CLAIM, ScriptOutputType.INTEGER, prefix, taskId, Require.text("owner", owner, 128),
                Long.toString(clock.millis()), Long.toString(Math.max(1, lease.toMillis())));
        return attempt > 0 ? Optional.of(new WebhookDelivery(taskId, attempt.intValue(), owner)) : Optional.empty();
    }

    @Override
    public boolean retryWebhook(WebhookDelivery claimed, Instant dueAt) {
        Long ok = script(WH_RETRY, ScriptOutputType.INTEGER, prefix, claimed.taskId(), claimed.owner(),
                Integer.toString(claimed.attempt()), Long.toString(dueAt.toEpochMilli()));
        return ok == 1L;
    }

    @Override
    public boolean finishWebhook(WebhookDelivery claimed) {
        Long ok = script(WH_FINISH, ScriptOutputType.INTEGER, prefix, claimed.taskId(), claimed.owner(),
                Integer.toString(claimed.attempt()), Long.toString(WEBHOOK_RETENTION.toMillis()),
                Long.toString(clock.millis()), Long.toString(retention.finishedForMillis()),
                Integer.toString(retention.maxFinished()), Long.toString(retention.maxFinishedBytes()));
        return ok == 1L;
    }

    @Override
    public void pruneFinished() {
        long before = Long.MAX_VALUE;
        long left;
        while ((left = this.<Long>script(PRUNE_NOW, ScriptOutputType.INTEGER, prefix, Long.toString(clock.millis()),
                Long.toString(retention.finishedForMillis()), Integer.toString(retention.maxFinished()),
                Long.toString(retention.maxFinishedBytes()))) < before) {
            before = left; // each script drops a bounded batch: Redis serves other clients between them
        }
    }

    @Override
    public Optional<WebhookState> webhook(String taskId) {
        List<KeyValue<String, String>> h = redis.hmget(prefix + "w:" + taskId, "a", "d", "o", "f");
        if (!h.get(0).hasValue()) {
            return Optional.empty();
        }
        String owner = h.get(2).getValueOrElse("");
        return Optional.of(new WebhookState(Integer.parseInt(h.get(0).getValue()), Long.parseLong(h.get(1).getValue()),
                owner.isEmpty() ? Optional.empty() : Optional.of(owner), "1".equals(h.get(3).getValueOrElse("0"))));
    }

    // ---- signals ----

    @Override
    public void publish(Signal signal) {
        if (closed) {
            return;
        }
        unawaited(async.publish(channel, signal.status().name() + " " + signal.taskId()), "publishing " + signal);
    }

    /**
     * A write sent without waiting for its reply: the connection sends commands in order, so this store's later
     * commands see it; only its failure is left to report.
     */
    private void unawaited(RedisFuture<?> sent, String what) {
        sent.whenComplete((ok, e) -> {
            if (e != null && !closed) {
                if (e instanceof RedisException) { // an outage: GuardedStore says so once, not per write
                    LOG.debug("{} failed: {}", what, e.toString());
                } else {
                    LOG.warn("{} failed: {}", what, e.toString());
                }
            }
        });
    }

    private void deliver(String message) {
        int space = message.indexOf(' ');
        Signal s;
        try {
            s = new Signal(message.substring(space + 1), TaskStatus.valueOf(message.substring(0, space)));
        } catch (RuntimeException e) {
            LOG.warn("ignoring a malformed signal on {}: {}", channel, e.toString());
            return;
        }
        for (Consumer<Signal> l : listeners) {
            try {
                l.accept(s);
            } catch (RuntimeException e) {
                LOG.warn("a signal listener failed on {}", s, e);
            }
        }
    }

    @Override
    public AutoCloseable subscribe(Consumer<Signal> listener) {
        Require.present("listener", listener);
        listeners.add(listener);
        return () -> listeners.remove(listener);
    }

    /**
     * Deletes every key under this store's prefix (tests, or an operator starting over). Never call it
     * on a Redis a running relayer uses.
     */
    public void wipe() {
        ScanCursor cursor = ScanCursor.INITIAL;
        ScanArgs args = ScanArgs.Builder.matches(prefix + "*").limit(500);
        do {
            KeyScanCursor<String> page = redis.scan(cursor, args);
            if (!page.getKeys().isEmpty()) {
                redis.del(page.getKeys().toArray(new String[0]));
            }
            cursor = page;
        } while (!cursor.isFinished());
    }

    @Override
    public void close() {
        synchronized (closeLock) {
            if (closed) {
                return;
            }
            closed = true;
        }
        listeners.clear();
        try {
            pubSub.close();
            connection.close();
        } finally {
            client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
        }
    }

    // ---- helpers ----

    private static String escrowKey(U256 escrowId) {
        return escrowId.value().toString();
    }

    @SuppressWarnings("unchecked")
    private <T> T script(String body, ScriptOutputType type, String... args) {
        String sha = shas.computeIfAbsent(body, redis::scriptLoad);
        try {
            return (T) redis.evalsha(sha, type, new String[0], args);
        } catch (RedisNoScriptException e) {
            // the server restarted or flushed its scripts: load again once
            sha = redis.scriptLoad(body);
            shas.put(body, sha);
            return (T) redis.evalsha(sha, type, new String[0], args);
        }
    }

    private static List<TaskRecord> decoded(List<Object> jsons) {
        List<TaskRecord> out = new ArrayList<>(jsons.size());
        for (Object j : jsons) {
            out.add(StoreCodec.taskFromJson(text(j)));
        }
        return out;
    }

    private static String text(Object o) {
        if (o instanceof byte[] b) {
            return new String(b, StandardCharsets.UTF_8);
        }
        return String.valueOf(o);
    }

    @Override
    public String toString() {
        return "RedisStore[prefix=" + prefix + "]";
    }

    /** Builds a {@link RedisStore}. */
    public static final class Builder {
        private String uri;
        private String prefix = DEFAULT_PREFIX;
        private Clock clock = Clock.systemUTC();
        private Duration commandTimeout = DEFAULT_COMMAND_TIMEOUT;
        private Retention retention = Retention.DEFAULT;

        private Builder() {
        }

        /**
         * @param v the server, e.g. {@code redis://127.0.0.1:6379/0} (a password goes in the URI, never in a log)
         * @return this
         */
        public Builder uri(String v) {
            this.uri = v;
            return this;
        }

        /** @param v the key prefix (relayers that share state use the same one) @return this */
        public Builder prefix(String v) {
            this.prefix = v;
            return this;
        }

        /**
         * @param v how long and how many finished tasks are kept ({@link Retention#DEFAULT} unless set)
         * @return this
         */
        public Builder retention(Retention v) {
            this.retention = v;
            return this;
        }

        /** @param v the time nonces, leases and finished tasks expire by @return this */
        public Builder clock(Clock v) {
            this.clock = v;
            return this;
        }

        /** @param v how long one command may take @return this */
        public Builder commandTimeout(Duration v) {
            this.commandTimeout = v;
            return this;
        }

        /**
         * Connects and subscribes to the signal channel.
         *
         * @return the store
         */
        public RedisStore build() {
            return new RedisStore(this);
        }
    }
}
