package io.smainer.relayer.it;

import static io.smainer.relayer.it.LocalNetwork.caps;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.smainer.chain.ChainId;
import io.smainer.chain.TokenAmount;
import io.smainer.chain.U256;
import io.smainer.client.SmainerClient;
import io.smainer.config.ConfigException;
import io.smainer.escrow.CreatedTask;
import io.smainer.escrow.EscrowEvent;
import io.smainer.escrow.EscrowStatus;
import io.smainer.escrow.EventCursor;
import io.smainer.fee.FeeMath;
import io.smainer.fee.Tier;
import io.smainer.protocol.Api;
import io.smainer.protocol.JobSpec;
import io.smainer.protocol.TaskStatus;
import io.smainer.relayer.RedisServer;
import io.smainer.testing.Await;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A relayer on a real three-node Redis Cluster ({@code redis.cluster=true}, {@code redis.prefix={it}:}): tasks
 * submitted over HTTP run on a provider over WebSocket and settle on the in-process ledger, each once, and every key
 * the relayer wrote is on the one node that owns the hash tag's slot. A cluster setting whose prefix has no hash tag
 * is refused at startup, naming the setting.
 */
class RedisClusterIT {
    private static final int TASKS = 12;
    private static RedisServer.Cluster cluster;
    @RegisterExtension
    final LocalNetwork.Scope networks = new LocalNetwork.Scope();

    @BeforeAll
    static void startCluster() throws Exception {
        cluster = RedisServer.startClusterOrSkip("RedisClusterIT");
    }

    @AfterAll
    static void stopCluster() {
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    void tasksSubmittedOverHttpRunAndSettleOnceWithEveryKeyOnTheNodeOwningTheTagsSlot() throws Exception {
        LocalNetwork net = networks.start(Map.of("redis.uri", cluster.uri(), "redis.cluster", "true", "redis.prefix",
                "{it}:", "settlement.max_delay_millis", "100"));
        TestProvider p = net.online(1, caps(4), TestProvider.Behaviour.HONEST);
        SmainerClient client = SmainerClient.builder().relayer(net.relayer.uri()).escrow(net.demander)
                .keyPair(net.demanderKey).chainId(ChainId.LOCAL).build();
        Map<U256, String> tasks = new LinkedHashMap<>();
        TokenAmount escrowed = TokenAmount.ZERO;
        BigInteger providerDue = BigInteger.ZERO;
        for (int i = 0; i < TASKS; i++) {
            JobSpec job = JobSpec.of("echo", Map.of(), ("task " + i).getBytes(StandardCharsets.UTF_8));
            CreatedTask funded = client.createEscrow(TokenAmount.parseStrk("0.2"), Tier.BASIC, job);
            Api.TaskCreated created = client.submit(funded.escrowId(), job);
            assertThat(created.status()).isEqualTo(TaskStatus.PENDING);
            tasks.put(funded.escrowId(), created.taskId());
            escrowed = escrowed.plus(funded.escrowed());
            providerDue = providerDue.add(FeeMath.flatSplit(funded.escrowed()).providerTotal().baseUnits());
        }
        Await.until(Duration.ofSeconds(60), () -> net.relayer.store().countByStatus().get(TaskStatus.SETTLED) == TASKS,
                () -> "all settled: " + net.relayer.store().countByStatus());

        Api.TaskResult result = client.awaitResult(tasks.values().iterator().next(), Duration.ofSeconds(5));
        assertThat(new String(result.result(), StandardCharsets.UTF_8)).isEqualTo("task 0");
        Map<U256, Integer> settlements = new HashMap<>();
        for (EscrowEvent e : net.demander.eventsAfter(EventCursor.START)) {
            if (e instanceof EscrowEvent.TaskSettled s) {
                settlements.merge(s.taskId(), 1, Integer::sum);
                assertThat(s.provider()).isEqualTo(p.address);
            }
        }
        assertThat(settlements.keySet()).containsExactlyInAnyOrderElementsOf(tasks.keySet());
        assertThat(settlements.values()).allMatch(n -> n == 1);
        for (U256 escrow : tasks.keySet()) {
            assertThat(net.demander.getTask(escrow).orElseThrow().status()).isEqualTo(EscrowStatus.COMPLETED);
        }
        assertThat(net.ledger.balanceOf(p.address).baseUnits()).isEqualTo(providerDue);
        assertThat(net.ledger.balanceOf(LocalNetwork.DEMANDER).baseUnits())
                .isEqualTo(LocalNetwork.MINTED.baseUnits().subtract(escrowed.baseUnits()));

        List<Long> keysPerNode = new ArrayList<>();
        for (RedisServer node : cluster.nodes()) {
            RedisClient c = RedisClient.create(node.uri());
            try (StatefulRedisConnection<String, String> conn = c.connect()) {
                keysPerNode.add((long) conn.sync().keys("{it}:*").size());
            } finally {
                c.shutdown();
            }
        }
        assertThat(keysPerNode).as("keys under {it}: on each node").filteredOn(n -> n > 0).hasSize(1);
        assertThat(keysPerNode.stream().mapToLong(Long::longValue).sum()).isGreaterThan(TASKS);
    }

    @Test
    void aClusterWhosePrefixHasNoHashTagIsRefusedAtStartupNamingTheSetting() {
        assertThatThrownBy(() -> networks.start(Map.of("redis.uri", cluster.uri(), "redis.cluster", "true",
                "redis.prefix", "it:"))).isInstanceOf(ConfigException.class)
                .hasMessageContaining("redis.prefix: with redis.cluster=true every key must be in one slot");
    }
}
