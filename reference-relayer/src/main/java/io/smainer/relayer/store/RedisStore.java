package io.smainer.relayer.store;

import io.lettuce.core.AbstractRedisClient;
import io.lettuce.core.ClientOptions;
import io.lettuce.core.KeyValue;
import io.lettuce.core.LettuceFutures;
import io.lettuce.core.Limit;
import io.lettuce.core.Range;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisException;
import io.lettuce.core.RedisFuture;
import io.lettuce.core.RedisNoScriptException;
import io.lettuce.core.RedisURI;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.api.StatefulConnection;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.cluster.ClusterClientOptions;
import io.lettuce.core.cluster.ClusterTopologyRefreshOptions;
import io.lettuce.core.cluster.RedisClusterClient;
import io.lettuce.core.cluster.RedisClusterURIUtil;
import io.lettuce.core.cluster.api.StatefulRedisClusterConnection;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import io.lettuce.core.cluster.api.sync.RedisClusterCommands;
import io.lettuce.core.pubsub.RedisPubSubAdapter;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import io.smainer.Require;
import io.smainer.chain.ContractAddress;
import io.smainer.chain.Felt;
import io.smainer.chain.U256;
import io.smainer.protocol.TaskStatus;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@link RelayerStore} on Redis (through Lettuce): state survives a relayer restart, and relayers
 * that share one Redis share tasks, nodes, nonces, leases and signals. Every write is one Lua script
 * ({@code src/main/resources/io/smainer/relayer/store/redis/*.lua}, run by {@link RedisScripts}), so it is atomic
 * on the server: the escrow key and the task are created together, a compare-and-set moves the task and its
 * status and node indexes in one step, a nonce or a lease is checked and taken in one step, and the signal of a
 * task's new status is published by the script that stores it.
 *
 * <p>Layout, under a key prefix ({@link #DEFAULT_PREFIX}): {@code t:<id>} a hash (version, status,
 * in-flight node, sequence, {@code j} the record as created and {@code m} what its changes set, as JSON: a change
 * rewrites the few hundred bytes of {@code m}, never the payload; {@link StoreCodec#taskFromParts});
 * {@code e:<escrow>} the escrow's task id; {@code s:<STATUS>} a sorted set of task ids by sequence; {@code n:<node>} the ids in flight on a node; {@code all} every task by
 * sequence; {@code seq} the counter; {@code nodes} a hash of node JSON; {@code nonce:<scope>|<nonce>}
 * and {@code lease:<name>} with an expiry; {@code w:<task>} a task's webhook (attempt, due time, claim owner,
 * finished; kept {@link #WEBHOOK_RETENTION} once finished, or until its task is dropped) and {@code wq} a sorted
 * set of unfinished webhooks by due time; {@code c:SETTLED} and {@code c:FAILED} count every task that ever
 * reached them; {@code fin} the finished tasks held, by finishing time; {@code ef} the escrows of dropped FAILED
 * tasks still guarded; {@code qbytes} and {@code fbytes} the byte sums ({@link #queuedBytes()},
 * {@link #finishedBytes()}); the {@link SlashRecords}: {@code ev:<reason hash>} a piece of evidence's JSON,
 * {@code sp} and {@code sw} hashes of provider to reason hash (slashes to initiate, slashes watched) and {@code sd}
 * a hash of disputed task to reason hash, none with an expiry ({@code evidence-keep.lua} and {@code slash.lua}
 * write them); signals go on the channel {@code signals}.
 *
 * <p>Retention ({@link Retention}), all inside the scripts, so two relayers on one Redis never drop a task
 * twice nor one that is not finished: the script that writes a final status (SETTLED or FAILED) also counts it
 * in {@code c:<STATUS>}, records the finishing time and the escrow in the task's hash, adds
 * {@code <sequence>|<task>|<escrow>|S or F|<bytes>} to {@code fin} (the sequence, zero-padded, orders tasks that
 * finished in the same millisecond), gives the task's key (and a SETTLED task's escrow key) a
 * PEXPIRE of the retention (none while a webhook is pending), then drops what {@code fin} holds past the
 * retention (ZRANGEBYSCORE), beyond the count cap (ZRANGE from the oldest) or beyond the byte budget (from the
 * oldest, never the last member), at most {@value #PRUNE_BATCH} of each a write: the task key, its webhook
 * record, its entries in {@code s:<STATUS>}, {@code all} and {@code fin}; O(log n) a task. A SETTLED task's escrow key goes with it (the escrow is SETTLED on chain,
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
 * a while after the key is gone, until the next finishing write or {@link #pruneFinished()}. Nothing is recomputed at start: the sums are in Redis with the tasks.
 *
 * <p>Time: nonce and lease expiries are compared with the injected {@link Clock}, so relayers sharing a
 * Redis need clocks in step (NTP) to well within a lease's time to live. Redis's own key expiry only
 * collects what is past its time.
 *
 * <p>Redis Cluster ({@link Builder#cluster}): the scripts build key names at run time from the prefix, so every key
 * must be in one slot: the prefix must carry a hash tag ({@code {smainer}:}, {@link #hasHashTag}), and each script
 * call names one key of that slot so that the client sends it to the node that owns it. The whole store then lives
 * on one shard: a cluster gives failover and a managed cluster-mode Redis, not more writes a second.
 *
 * <p>Thread-safe: one multiplexed connection for commands, one for signals (on a cluster, PUBLISH reaches every
 * node's subscribers). {@link #close()} is
 * idempotent. A Redis error surfaces as Lettuce's unchecked {@code RedisException}.
 */
public final class RedisStore implements RelayerStore {
    /** The key prefix when none is configured. */
    public static final String DEFAULT_PREFIX = "smainer:";
    /**
     * A key prefix with a hash tag ({@link #hasHashTag}), as a regular expression: a constant, so that the settings
     * can check a prefix without loading this class (and Lettuce, an optional dependency).
     */
    public static final String HASH_TAGGED = "(?s)[^{]*\\{[^}]+}.*";
    /** How long one Redis command may take. */
    public static final Duration DEFAULT_COMMAND_TIMEOUT = Duration.ofSeconds(5);

    /** How long a finished webhook's record is kept (so the task is not notified twice meanwhile). */
    public static final Duration WEBHOOK_RETENTION = Duration.ofDays(7);

    private static final Logger LOG = LoggerFactory.getLogger(RedisStore.class);

    /** Finished tasks dropped at most per write, for each of age and count ({@code PRUNE_BATCH} in lib.lua). */
    static final int PRUNE_BATCH = 64;

    private final Clock clock;
    private final Retention retention;
    private final String prefix;
    private final AbstractRedisClient client;
    private final StatefulConnection<String, String> connection;
    private final RedisClusterCommands<String, String> redis;
    /** The same connection, for the writes nobody waits for ({@link #putNode}). */
    private final RedisClusterAsyncCommands<String, String> async;
    private final Duration commandTimeout;
    private final StatefulRedisPubSubConnection<String, String> pubSub;
    private final String channel;
    private final RedisScripts scripts;
    private final List<Consumer<Signal>> listeners = new CopyOnWriteArrayList<>();
    private final Object closeLock = new Object();
    private volatile boolean closed;

    private RedisStore(Builder b) {
        this.clock = Require.present("clock", b.clock);
        this.retention = Require.present("retention", b.retention);
        this.prefix = Require.text("prefix", b.prefix, 128);
        if (b.cluster && !hasHashTag(prefix)) {
            throw new IllegalArgumentException("prefix: on a Redis Cluster every key must be in one slot, so the prefix "
                    + "needs a hash tag such as {smainer}: (got " + prefix + ")");
        }
        String uri = Require.text("redis_uri", b.uri, 1024);
        this.commandTimeout = Require.present("command_timeout", b.commandTimeout);
        TimeoutOptions timeouts = TimeoutOptions.enabled(commandTimeout);
        RedisClusterClient clusterClient = null;
        RedisClient single = null;
        if (b.cluster) {
            List<RedisURI> seeds = RedisClusterURIUtil.toRedisURIs(URI.create(uri)); // one node or several, by commas
            seeds.forEach(s -> s.setTimeout(commandTimeout));
            clusterClient = RedisClusterClient.create(seeds);
            // it opens a node's connection on the first command for that node, and would refuse that command while the
            // connection opens (REJECT_COMMANDS, tried: every first command failed): here a command sent while a node is
            // not connected waits for it, up to the command timeout (GuardedStore lets one call at a time wait so). It
            // follows a failover: a MOVED reply or a lost node makes it read the slots' owners again.
            clusterClient.setOptions(ClusterClientOptions.builder().autoReconnect(true)
                    .disconnectedBehavior(ClientOptions.DisconnectedBehavior.ACCEPT_COMMANDS).timeoutOptions(timeouts)
                    .topologyRefreshOptions(ClusterTopologyRefreshOptions.builder().enableAllAdaptiveRefreshTriggers()
                            .build()).build());
            this.client = clusterClient;
        } else {
            RedisURI one = RedisURI.create(uri);
            one.setTimeout(commandTimeout);
            single = RedisClient.create(one);
            // while the connection is down a command fails at once instead of waiting out the timeout in a buffer: the
            // relayer answers 503 and its timers retry (GuardedStore), and Lettuce reconnects meanwhile
            single.setOptions(ClientOptions.builder().autoReconnect(true)
                    .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
                    .timeoutOptions(timeouts).build());
            this.client = single;
        }
        StatefulConnection<String, String> c = null;
        StatefulRedisPubSubConnection<String, String> ps = null;
        try {
            if (clusterClient != null) {
                StatefulRedisClusterConnection<String, String> cluster = clusterClient.connect();
                c = cluster;
                this.redis = cluster.sync();
                this.async = cluster.async();
                ps = clusterClient.connectPubSub();
            } else {
                StatefulRedisConnection<String, String> one = single.connect();
                c = one;
                this.redis = one.sync();
                this.async = one.async();
                ps = single.connectPubSub();
            }
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
        this.pubSub = ps;
        this.scripts = new RedisScripts(redis, async, prefix + "seq");
    }

    /**
     * Whether a key prefix carries a Redis hash tag: a non-empty part between its first {@code '{'} and the first
     * {@code '}'} after it. Redis Cluster hashes only that part of a key, so every key under such a prefix is in one
     * slot, whatever follows (task ids, node ids).
     *
     * @param prefix the key prefix
     * @return true when it has one ({@link #HASH_TAGGED})
     */
    public static boolean hasHashTag(String prefix) {
        return prefix.matches(HASH_TAGGED);
    }

    /** @return a builder */
    public static Builder builder() {
        return new Builder();
    }

    // ---- tasks ----

    @Override
    public CreateResult create(TaskRecord task, Room room, Optional<NonceUse> nonce) {
        StoreChecks.creatable(task);
        long bytes = task.heldBytes();
        // the JSON with seq 0, cut where the sequence goes: the script puts the one it takes from seq there
        String json = StoreCodec.taskToJson(task.withSeq(0));
        String head = "{\"id\":" + StoreCodec.string(task.id()) + ",\"seq\":";
        if (!json.startsWith(head + "0,")) {
            throw new IllegalStateException("a task's JSON must start with its id and sequence, got " + json.substring(0,
                    Math.min(json.length(), 80)));
        }
        List<Object> r = scripts.run("create", ScriptOutputType.MULTI, prefix, task.id(), escrowKey(task.escrowId()),
                head, json.substring(head.length() + 1), Long.toString(bytes), Long.toString(room.maxQueuedBytes()),
                Long.toString(room.maxPending()), nonce.map(n -> nonceKey(n.scope(), n.nonce())).orElse(""),
                Long.toString(clock.millis()), nonce.map(n -> Long.toString(n.expiresAt().toEpochMilli())).orElse("0"));
        long code = (Long) r.get(0);
        switch ((int) code) {
            case 1:
                return new Created(task.withSeq(Long.parseLong(text(r.get(1)))));
            case 0:
                return new Duplicate(fromParts(r.get(1), r.size() > 2 ? r.get(2) : null));
            case 2:
                return new Retired(text(r.get(1)));
            case 3:
                return new Busy(Long.parseLong(text(r.get(1))), bytes, room.maxQueuedBytes());
            case 4:
                return new Full(Long.parseLong(text(r.get(1))), room.maxPending());
            case 5:
                return new Replayed(nonce.orElseThrow().nonce());
            default:
                throw new IllegalArgumentException("task id already used: " + task.id());
        }
    }

    @Override
    public Admission admission(U256 escrowId) {
        List<Object> r = scripts.run("admission", ScriptOutputType.MULTI, prefix, escrowKey(escrowId));
        return new Admission((Long) r.get(0), (Long) r.get(1), r.size() > 2
                ? Optional.of(fromParts(r.get(2), r.size() > 3 ? r.get(3) : null)) : Optional.empty());
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
        return parts(redis.hmget(prefix + "t:" + id, "j", "m"));
    }

    @Override
    public Optional<TaskRecord> taskByEscrow(U256 escrowId) {
        List<TaskRecord> found = decoded(scripts.run("by-escrow", ScriptOutputType.MULTI, prefix, escrowKey(escrowId)));
        return found.isEmpty() ? Optional.empty() : Optional.of(found.get(0));
    }

    @Override
    public boolean replace(TaskRecord current, TaskRecord next) {
        Long done = scripts.run("replace", ScriptOutputType.INTEGER, replaceArgs(current, next));
        return done == 1L;
    }

    @Override
    public void replaceUnawaited(TaskRecord current, TaskRecord next) {
        String[] args = replaceArgs(current, next);
        if (closed) {
            return;
        }
        scripts.<Long>send("replace", ScriptOutputType.INTEGER, args).whenComplete((ok, e) -> {
            if (e instanceof RedisNoScriptException) { // the server lost its scripts: load it and send it once more
                unawaited(scripts.reloadAndSend("replace", ScriptOutputType.INTEGER, args), "moving task " + next.id() + " on");
            } else if (e != null) {
                report("moving task " + next.id() + " on", e);
            }
        });
    }

    @Override
    public List<Boolean> replaceEach(List<TaskRecord> current, List<TaskRecord> next) {
        StoreChecks.pairs(current, next);
        List<String[]> args = new ArrayList<>(current.size());
        for (int i = 0; i < current.size(); i++) {
            args.add(replaceArgs(current.get(i), next.get(i)));
        }
        List<RedisFuture<Long>> sent = new ArrayList<>(args.size());
        for (String[] a : args) {
            sent.add(scripts.send("replace", ScriptOutputType.INTEGER, a));
        }
        List<Boolean> out = new ArrayList<>(args.size());
        for (int i = 0; i < sent.size(); i++) {
            Long done;
            try {
                done = LettuceFutures.awaitOrCancel(sent.get(i), commandTimeout.toMillis(), TimeUnit.MILLISECONDS);
            } catch (RedisNoScriptException e) { // the server lost its scripts: this one did not run; load and run it
                done = scripts.run("replace", ScriptOutputType.INTEGER, args.get(i));
            }
            out.add(done == 1L);
        }
        return out;
    }

    @Override
    public List<Optional<TaskRecord>> tasks(List<String> ids) {
        List<RedisFuture<List<KeyValue<String, String>>>> sent = new ArrayList<>(ids.size());
        for (String id : ids) {
            sent.add(async.hmget(prefix + "t:" + id, "j", "m"));
        }
        List<Optional<TaskRecord>> out = new ArrayList<>(ids.size());
        for (RedisFuture<List<KeyValue<String, String>>> f : sent) {
            out.add(parts(LettuceFutures.awaitOrCancel(f, commandTimeout.toMillis(), TimeUnit.MILLISECONDS)));
        }
        return out;
    }

    /** ARGV of {@link #REPLACE}, after checking that {@code next} is {@code current}'s next version. */
    private String[] replaceArgs(TaskRecord current, TaskRecord next) {
        StoreChecks.nextVersion(current, next);
        String node = next.status().isInFlight() ? next.nodeId().orElse("") : "";
        boolean last = next.status().isTerminal();
        return new String[] {prefix, next.id(), Long.toString(current.version()), Long.toString(next.version()),
                next.status().name(), node, Long.toString(next.seq()), StoreCodec.changesToJson(next),
                last ? Long.toString(clock.millis()) : "", last ? escrowKey(next.escrowId()) : "",
                Long.toString(retention.finishedForMillis()), Integer.toString(retention.maxFinished()),
                Long.toString(next.heldBytes()), Long.toString(retention.maxFinishedBytes())};
    }

    @Override
    public List<TaskRecord> tasksByStatus(TaskStatus status, long afterSeq, int max) {
        if (max <= 0) {
            return List.of();
        }
        return decoded(scripts.run("by-status", ScriptOutputType.MULTI, prefix, status.name(), Long.toString(afterSeq),
                Integer.toString(max)));
    }

    @Override
    public List<TaskRecord> tasksOnNode(String nodeId) {
        List<TaskRecord> out = new ArrayList<>();
        for (TaskRecord t : decoded(scripts.run("on-node", ScriptOutputType.MULTI, prefix, nodeId))) {
            if (t.status().isInFlight() && t.nodeId().equals(Optional.of(nodeId))) {
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
        return decoded(scripts.run("recent", ScriptOutputType.MULTI, prefix, Integer.toString(max)));
    }

    @Override
    public Map<TaskStatus, Long> countByStatus() {
        TaskStatus[] all = TaskStatus.values();
        String[] args = new String[all.length + 1];
        args[0] = prefix;
        for (int i = 0; i < all.length; i++) {
            args[i + 1] = all[i].name();
        }
        List<Object> counts = scripts.run("counts", ScriptOutputType.MULTI, args);
        Map<TaskStatus, Long> out = new EnumMap<>(TaskStatus.class);
        for (int i = 0; i < all.length; i++) {
            out.put(all[i], (Long) counts.get(i));
        }
        return out;
    }

    // ---- nonces, nodes, leases ----

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
        Long ok = scripts.run("lease", ScriptOutputType.INTEGER, prefix + "lease:" + name, owner, Long.toString(clock.millis()),
                Long.toString(millis));
        return ok == 1L;
    }

    @Override
    public void releaseLease(String name, String owner) {
        if (closed) {
            return;
        }
        scripts.run("release", ScriptOutputType.INTEGER, prefix + "lease:" + name, owner);
    }

    // ---- webhooks ----

    @Override
    public boolean addWebhook(String taskId, Instant dueAt) {
        Long ok = scripts.run("webhook-add", ScriptOutputType.INTEGER, prefix, taskId, Long.toString(dueAt.toEpochMilli()));
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
        Long attempt = scripts.run("webhook-claim", ScriptOutputType.INTEGER, prefix, taskId, Require.text("owner", owner, 128),
                Long.toString(clock.millis()), Long.toString(Math.max(1, lease.toMillis())));
        return attempt > 0 ? Optional.of(new WebhookDelivery(taskId, attempt.intValue(), owner)) : Optional.empty();
    }

    @Override
    public boolean retryWebhook(WebhookDelivery claimed, Instant dueAt) {
        Long ok = scripts.run("webhook-retry", ScriptOutputType.INTEGER, prefix, claimed.taskId(), claimed.owner(),
                Integer.toString(claimed.attempt()), Long.toString(dueAt.toEpochMilli()));
        return ok == 1L;
    }

    @Override
    public boolean finishWebhook(WebhookDelivery claimed) {
        Long ok = scripts.run("webhook-finish", ScriptOutputType.INTEGER, prefix, claimed.taskId(), claimed.owner(),
                Integer.toString(claimed.attempt()), Long.toString(WEBHOOK_RETENTION.toMillis()),
                Long.toString(clock.millis()), Long.toString(retention.finishedForMillis()),
                Integer.toString(retention.maxFinished()), Long.toString(retention.maxFinishedBytes()));
        return ok == 1L;
    }

    @Override
    public void pruneFinished() {
        long before = Long.MAX_VALUE;
        long left;
        while ((left = scripts.<Long>run("prune", ScriptOutputType.INTEGER, prefix, Long.toString(clock.millis()),
                Long.toString(retention.finishedForMillis()), Integer.toString(retention.maxFinished()),
                Long.toString(retention.maxFinishedBytes()))) < before) {
            before = left; // each script drops a bounded batch: Redis serves other clients between them
        }
    }

    // ---- slash records ----

    @Override
    public Optional<Felt> keepEvidence(Felt reasonHash, String json, ContractAddress provider,
            Optional<String> disputedTask) {
        String before = scripts.run("evidence-keep", ScriptOutputType.VALUE, prefix, reasonHash.hex(), json,
                provider.hex(), disputedTask.orElse(""));
        return Optional.ofNullable(before).map(Felt::parse);
    }

    @Override
    public Optional<String> evidence(Felt reasonHash) {
        return Optional.ofNullable(redis.get(prefix + "ev:" + reasonHash.hex()));
    }

    @Override
    public Optional<Felt> disputeOf(String taskId) {
        return Optional.ofNullable(redis.hget(prefix + "sd", taskId)).map(Felt::parse);
    }

    @Override
    public Map<ContractAddress, Felt> slashesToInitiate() {
        return slashes("sp");
    }

    @Override
    public Map<ContractAddress, Felt> slashesWatched() {
        return slashes("sw");
    }

    private Map<ContractAddress, Felt> slashes(String key) {
        Map<ContractAddress, Felt> out = new LinkedHashMap<>();
        new TreeMap<>(redis.hgetall(prefix + key)).forEach((p, h) -> out.put(ContractAddress.parse(p), Felt.parse(h)));
        return out;
    }

    @Override
    public void slashInitiated(ContractAddress provider, Felt reasonHash) {
        moveSlash("initiated", provider, reasonHash);
    }

    @Override
    public void watchSlash(ContractAddress provider, Felt reasonHash) {
        moveSlash("watch", provider, reasonHash);
    }

    @Override
    public void dropInitiation(ContractAddress provider, Felt reasonHash) {
        moveSlash("dropped", provider, reasonHash);
    }

    @Override
    public void slashEnded(ContractAddress provider, Felt reasonHash) {
        moveSlash("ended", provider, reasonHash);
    }

    private void moveSlash(String what, ContractAddress provider, Felt reasonHash) {
        scripts.run("slash", ScriptOutputType.INTEGER, prefix, what, provider.hex(), reasonHash.hex());
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

    /**
     * A write sent without waiting for its reply: the connection sends commands in order, so this store's later
     * commands see it; only its failure is left to report.
     */
    private void unawaited(CompletionStage<?> sent, String what) {
        sent.whenComplete((ok, e) -> {
            if (e != null) {
                report(what, e);
            }
        });
    }

    private void report(String what, Throwable e) {
        if (closed) {
            return;
        }
        if (e instanceof RedisException) { // an outage: GuardedStore says so once, not per write
            LOG.debug("{} failed: {}", what, e.toString());
        } else {
            LOG.warn("{} failed: {}", what, e.toString());
        }
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

    private String nonceKey(String scope, Felt nonce) {
        return prefix + "nonce:" + scope + "|" + nonce.hex();
    }

    private static String escrowKey(U256 escrowId) {
        return escrowId.value().toString();
    }

    /** Tasks as the scripts return them: j and m for each, m null when the task never changed. */
    private static List<TaskRecord> decoded(List<Object> parts) {
        List<TaskRecord> out = new ArrayList<>(parts.size() / 2);
        for (int i = 0; i + 1 < parts.size(); i += 2) {
            out.add(fromParts(parts.get(i), parts.get(i + 1)));
        }
        return out;
    }

    private static TaskRecord fromParts(Object created, Object changes) {
        return StoreCodec.taskFromParts(text(created), changes == null ? null : text(changes));
    }

    /** A task's {@code HMGET j m}: empty when its key is gone. */
    private static Optional<TaskRecord> parts(List<KeyValue<String, String>> jm) {
        if (!jm.get(0).hasValue()) {
            return Optional.empty();
        }
        return Optional.of(StoreCodec.taskFromParts(jm.get(0).getValue(), jm.get(1).getValueOrElse(null)));
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
        private boolean cluster;

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
         * @param v true for a Redis Cluster ({@link #uri} names one of its nodes, or several separated by commas:
         *     {@code redis://10.0.0.1:7000,10.0.0.2:7000}); the prefix must then carry a hash tag
         *     ({@link RedisStore#hasHashTag}), or {@link #build} refuses it
         * @return this
         */
        public Builder cluster(boolean v) {
            this.cluster = v;
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
