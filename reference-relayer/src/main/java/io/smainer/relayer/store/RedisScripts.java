package io.smainer.relayer.store;

import io.lettuce.core.RedisFuture;
import io.lettuce.core.RedisNoScriptException;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import io.lettuce.core.cluster.api.sync.RedisClusterCommands;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The Lua scripts of {@link RedisStore}, read from {@code io/smainer/relayer/store/redis/<name>.lua} with
 * {@code lib.lua} (the functions they share) in front of each. Each runs by its SHA ({@code EVALSHA}); a server that
 * lost its scripts (restarted, flushed) answers {@code NOSCRIPT}, and the script is loaded again and run once more.
 *
 * <p>Each call passes one key, the same for every script, as {@code KEYS[1]}: the scripts build the keys they touch
 * from the prefix in {@code ARGV[1]}, and on a Redis Cluster (where the prefix carries a hash tag, so every key is in
 * that key's slot) the client routes the call by it to the node that owns the slot. A standalone server ignores it.
 * On a cluster connection Lettuce sends {@code SCRIPT LOAD} to every node, so the node that runs a script has it.
 */
final class RedisScripts {
    private static final String DIR = "redis/";

    private final RedisClusterCommands<String, String> redis;
    private final RedisClusterAsyncCommands<String, String> async;
    private final String[] keys;
    private final Map<String, String> bodies = new ConcurrentHashMap<>();
    private final Map<String, String> shas = new ConcurrentHashMap<>();

    /**
     * @param redis the connection, standalone or cluster
     * @param async the same connection's asynchronous commands
     * @param slotKey a key in the slot of every key the scripts touch, passed as {@code KEYS[1]}
     */
    RedisScripts(RedisClusterCommands<String, String> redis, RedisClusterAsyncCommands<String, String> async,
            String slotKey) {
        this.redis = redis;
        this.async = async;
        this.keys = new String[] {slotKey};
    }

    /**
     * Runs a script and waits for its reply.
     *
     * @param name the script's file name without {@code .lua}
     * @param type what it returns
     * @param args its ARGV
     * @param <T> the reply's Java type for {@code type}
     * @return the reply
     */
    @SuppressWarnings("unchecked")
    <T> T run(String name, ScriptOutputType type, String... args) {
        try {
            return (T) redis.evalsha(sha(name), type, keys, args);
        } catch (RedisNoScriptException e) {
            return (T) redis.evalsha(reload(name), type, keys, args);
        }
    }

    /**
     * Sends a script without waiting: the caller collects the reply, and on {@code NOSCRIPT} runs it again with
     * {@link #run}.
     *
     * @param name the script's file name without {@code .lua}
     * @param type what it returns
     * @param args its ARGV
     * @param <T> the reply's Java type for {@code type}
     * @return the reply to come
     */
    <T> RedisFuture<T> send(String name, ScriptOutputType type, String... args) {
        return async.evalsha(sha(name), type, keys, args);
    }

    /**
     * Loads a script the server lost ({@code NOSCRIPT}) and sends it again, without blocking: for the callbacks of
     * {@link #send}, which run on the connection's thread.
     *
     * @param name the script's file name without {@code .lua}
     * @param type what it returns
     * @param args its ARGV
     * @param <T> the reply's Java type for {@code type}
     * @return the reply to come
     */
    <T> CompletionStage<T> reloadAndSend(String name, ScriptOutputType type, String... args) {
        return async.scriptLoad(body(name)).thenCompose(sha -> {
            shas.put(name, sha);
            return async.<T>evalsha(sha, type, keys, args);
        });
    }

    private String sha(String name) {
        return shas.computeIfAbsent(name, n -> redis.scriptLoad(body(n)));
    }

    private String reload(String name) {
        String sha = redis.scriptLoad(body(name));
        shas.put(name, sha);
        return sha;
    }

    private String body(String name) {
        return bodies.computeIfAbsent(name, n -> resource("lib") + "\n" + resource(n));
    }

    private static String resource(String name) {
        String path = DIR + name + ".lua";
        try (InputStream in = RedisScripts.class.getResourceAsStream(path)) {
            if (in == null) {
                throw new IllegalStateException("the Redis script " + path + " is missing from the class path");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("reading the Redis script " + path, e);
        }
    }
}
