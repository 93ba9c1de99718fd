package io.smainer.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.smainer.chain.ContractAddress;
import io.smainer.chain.Felt;
import io.smainer.chain.TokenAmount;
import io.smainer.chain.U256;
import io.smainer.crypto.AccountSignature;
import io.smainer.crypto.Signature;
import io.smainer.fee.BasisPoints;
import io.smainer.fee.Tier;
import java.math.BigInteger;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.assertj.core.api.Assertions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class ProtocolCodecTest {
    private static final ProtocolCodec CODEC = ProtocolCodec.create();
    private static final Signature SIG = new Signature(Felt.parse("0x1234"), Felt.parse("0x5678"));
    private static final JobSpec JOB = new JobSpec("matmul-f32", Map.of("n", "2"), new byte[] {1, 2, 3}, 60_000, 1 << 20);
    private static final NodeCapabilities CAPS = new NodeCapabilities("node-a", List.of("matmul-f32", "sha256-batch"),
            List.of(new NodeCapabilities.GpuInfo("NVIDIA H100", 80L << 30, "9.0")), Tier.PREMIUM, 4);

    static Stream<Message> everyMessageType() {
        return Stream.of(
                new Messages.Challenge("c1", Felt.of(77), 1_800_000_000L, "SN_SEPOLIA", "smainer"),
                new Messages.NodeRegister("r1", ContractAddress.of(0xabc), Felt.of(77), 1_800_000_000L, SIG, CAPS),
                new Messages.Ack("a1", "r1", "node-1", 30),
                new Messages.NodeHeartbeat("h1", 1, 4),
                new Messages.TaskAssigned("t1", "task-9", U256.of(9), JOB, SettlementMode.EFFORT,
                        TokenAmount.parseStrk("2.2"), 1_800_000_000_000L),
                new Messages.TaskAssigned("t1b", "task-9", U256.of(9), JOB, SettlementMode.EFFORT,
                        TokenAmount.parseStrk("2.2"), 1_800_000_000_000L, Optional.of(TokenAmount.parseStrk("0.25")),
                        Optional.of(BasisPoints.of(35_000))),
                new Messages.TaskAccepted("t2", "task-9"),
                new Messages.TaskCompleted("t3", "task-9", new byte[] {9, 8}, Felt.of(5), SIG,
                        Optional.of(new EffortMetrics(100, 200, 3_000, 7)), Optional.of(TokenAmount.parseStrk("0.4"))),
                new Messages.TaskCompleted("t4", "task-9", new byte[0], Felt.of(5), SIG, Optional.empty(), Optional.empty()),
                new Messages.TaskFailed("t5", "task-9", "out of memory", true),
                new Messages.TaskRevoked("t6", "task-9", "timed out"),
                new Messages.Ping("p1"),
                new Messages.Pong("p2", "p1"),
                new Messages.ErrorMessage("e1", "r1", "invalid_field", "nonce: expected the challenge's nonce", Optional.of("nonce")));
    }

    @ParameterizedTest
    @MethodSource("everyMessageType")
    void everyMessageRoundTripsThroughItsJson(Message message) {
        String json = CODEC.encode(message);
        assertThat(json).startsWith("{\"v\":1,\"type\":\"" + message.type() + "\",\"id\":\"" + message.id() + "\"");
        assertThat(CODEC.decode(json)).isEqualTo(message);
    }

    @Test
    void writesChainTypesInTheirWireForms() {
        String json = CODEC.encode(new Messages.TaskAssigned("t1", "task-9", U256.of(BigInteger.TWO.pow(130)), JOB,
                SettlementMode.FLAT, TokenAmount.parseStrk("1.5"), 5));
        assertThat(json).contains("\"escrow_id\":\"1361129467683753853853498429727072845824\"")
                .contains("\"escrow_amount\":\"1500000000000000000\"")
                .contains("\"settlement\":\"flat\"")
                .contains("\"payload\":\"AQID\"")
                .contains("\"timeout_millis\":60000");
    }

    @ParameterizedTest
    @MethodSource("lenientOrLossy")
    void parsesStrictlyAndExplainsInWordsForPeople(String json, String field) {
        assertThatThrownBy(() -> CODEC.decode(json)).isInstanceOfSatisfying(ProtocolException.class, e -> {
            assertThat(e.field()).isEqualTo(field);
            assertThat(e.getMessage()).doesNotContain("Exception").doesNotContain("com.google").doesNotContain("$.")
                    .doesNotContain("setStrictness");
        });
    }

    static Stream<Arguments> lenientOrLossy() {
        String ok = "{\"v\":1,\"type\":\"node_heartbeat\",\"id\":\"h\",\"running\":1}";
        return Stream.of(
                Arguments.of("{\"v\":4294967297,\"type\":\"ping\",\"id\":\"x\"}", "v"),
                Arguments.of("{\"v\":1.0,\"type\":\"ping\",\"id\":\"x\"}", "v"),
                Arguments.of("/* c */" + ok, "payload"),
                Arguments.of(ok.replace("\"id\"", "'id'"), "payload"),
                Arguments.of(ok.replace("\"id\"", "id"), "payload"),
                Arguments.of(ok.replace("\"id\":\"h\"", "\"id\":\"h\",\"id\":\"i\""), "id"),
                Arguments.of(ok + " {}", "payload"),
                Arguments.of("[".repeat(100) + "]".repeat(100), "payload"),
                Arguments.of(ok.replace(":1}", ":NaN}"), "payload"));
    }

    @Test
    void readsIntegersExactlyNeverWrappedNorTruncated() {
        String json = "{\"kind\":\"echo\",\"params\":{},\"payload\":\"AQ==\",\"timeout_millis\":%s,\"max_memory_bytes\":0}";
        assertThat(CODEC.fromJson(json.formatted("1000"), JobSpec.class).timeoutMillis()).isEqualTo(1000);
        for (String bad : List.of("18446744073709552616", "1.5", "1e400", "\"1000\"")) {
            assertThatThrownBy(() -> CODEC.fromJson(json.formatted(bad), JobSpec.class))
                    .isInstanceOfSatisfying(ProtocolException.class, e -> {
                        assertThat(e.field()).isEqualTo("timeout_millis");
                        assertThat(e.getMessage()).contains("whole number");
                    });
        }
    }

    @Test
    void refusesAnUnknownType() {
        assertThatThrownBy(() -> CODEC.decode("{\"v\":1,\"type\":\"node_explode\",\"id\":\"x\"}"))
                .isInstanceOf(ProtocolException.class)
                .satisfies(e -> assertThat(((ProtocolException) e).field()).isEqualTo("type"))
                .hasMessageContaining("node_explode");
    }

    @Test
    void refusesAnotherProtocolVersion() {
        assertThatThrownBy(() -> CODEC.decode("{\"v\":2,\"type\":\"ping\",\"id\":\"x\"}"))
                .isInstanceOf(ProtocolException.class)
                .satisfies(e -> assertThat(((ProtocolException) e).field()).isEqualTo("v"));
    }

    @Test
    void namesAMissingField() {
        assertThatThrownBy(() -> CODEC.decode("{\"v\":1,\"type\":\"task_accepted\",\"id\":\"x\"}"))
                .isInstanceOf(ProtocolException.class)
                .satisfies(e -> assertThat(((ProtocolException) e).field()).isEqualTo("task_id"));
    }

    @Test
    void namesAMalformedNestedField() {
        String json = CODEC.encode(new Messages.NodeRegister("r1", ContractAddress.of(0xabc), Felt.of(77), 5, SIG, CAPS))
                .replace("\"nonce\":\"0x4d\"", "\"nonce\":\"0xnothex\"");
        assertThatThrownBy(() -> CODEC.decode(json))
                .isInstanceOf(ProtocolException.class)
                .satisfies(e -> assertThat(((ProtocolException) e).field()).isEqualTo("nonce"))
                .hasMessageContaining("0xnothex");
        String badTier = CODEC.encode(new Messages.NodeRegister("r1", ContractAddress.of(0xabc), Felt.of(77), 5, SIG, CAPS))
                .replace("\"premium\"", "\"platinum\"");
        assertThatThrownBy(() -> CODEC.decode(badTier))
                .isInstanceOf(ProtocolException.class)
                .satisfies(e -> assertThat(((ProtocolException) e).field()).isEqualTo("capabilities.tier"));
    }

    @Test
    void namesAFieldOfTheWrongJsonType() {
        assertThatThrownBy(() -> CODEC.decode("{\"v\":1,\"type\":\"node_heartbeat\",\"id\":\"x\",\"running\":\"lots\",\"capacity\":1}"))
                .isInstanceOf(ProtocolException.class)
                .satisfies(e -> assertThat(((ProtocolException) e).field()).isEqualTo("running"));
    }

    @Test
    void refusesAnOversizedPayloadBeforeParsingIt() {
        ProtocolCodec small = ProtocolCodec.withMaxSize(100);
        String big = "{\"v\":1,\"type\":\"ping\",\"id\":\"" + "x".repeat(200) + "\"}";
        assertThatThrownBy(() -> small.decode(big))
                .isInstanceOf(ProtocolException.class)
                .satisfies(e -> assertThat(((ProtocolException) e).field()).isEqualTo("payload"))
                .hasMessageContaining("at most 100 characters");
    }

    @Test
    void refusesMalformedJson() {
        assertThatThrownBy(() -> CODEC.decode("{\"v\":1,")).isInstanceOf(ProtocolException.class)
                .satisfies(e -> assertThat(((ProtocolException) e).field()).isEqualTo("payload"));
        assertThatThrownBy(() -> CODEC.decode("[1,2]")).isInstanceOf(ProtocolException.class);
    }

    @Test
    void restBodiesRoundTripWithOptionalFieldsLeftOut() {
        Api.SubmitTask submit = new Api.SubmitTask(U256.of(3), JOB, null, ContractAddress.of(0xdead), Felt.of(1), 99, SIG,
                Optional.empty());
        String json = CODEC.toJson(submit);
        assertThat(json).doesNotContain("webhook_url").contains("\"settlement\":\"flat\"");
        assertThat(CODEC.fromJson(json, Api.SubmitTask.class)).isEqualTo(submit);
    }

    @Test
    void jobContentHashCommitsToEveryField() {
        Felt h = JOB.contentHash();
        assertThat(new JobSpec("matmul-f32", Map.of("n", "2"), new byte[] {1, 2, 3}, 60_000, 1 << 20).contentHash()).isEqualTo(h);
        assertThat(new JobSpec("matmul-f32", Map.of("n", "3"), new byte[] {1, 2, 3}, 60_000, 1 << 20).contentHash()).isNotEqualTo(h);
        assertThat(new JobSpec("matmul-f32", Map.of("n", "2"), new byte[] {1, 2, 4}, 60_000, 1 << 20).contentHash()).isNotEqualTo(h);
        assertThat(new JobSpec("matmul-f32", Map.of("n", "2"), new byte[] {1, 2, 3}, 60_001, 1 << 20).contentHash()).isNotEqualTo(h);
    }

    @Test
    void readsOptionalFieldsLeftOutOfARestBodyAsEmpty() {
        Api.ErrorBody e = CODEC.fromJson("{\"error\":\"not_found\",\"message\":\"no task\"}", Api.ErrorBody.class);
        Assertions.assertThat(e.field()).isEmpty();
        Api.TaskView v = new Api.TaskView("t1", TaskStatus.PENDING, U256.of(1),
                ContractAddress.of(2), "echo", Optional.empty(), 0, Optional.empty(),
                Optional.empty(), Optional.empty(), 1, 2, Optional.of("all busy"));
        Assertions.assertThat(CODEC.fromJson(CODEC.toJson(v), Api.TaskView.class)).isEqualTo(v);
    }

    private static final String ASSIGNED = "{\"v\":1,\"type\":\"task_assigned\",\"id\":\"a9\",\"task_id\":\"t-9\","
            + "\"escrow_id\":\"9\",\"job\":{\"kind\":\"echo\",\"params\":{},\"payload\":\"AQ==\",\"timeout_millis\":1000,"
            + "\"max_memory_bytes\":0},\"settlement\":\"effort\",\"escrow_amount\":\"1000\",\"deadline_millis\":5";

    @Test
    void writesEffortPricingAsBaseUnitsAndBasisPoints() {
        String json = CODEC.encode(new Messages.TaskAssigned("t1", "task-9", U256.of(9), JOB, SettlementMode.EFFORT,
                TokenAmount.parseStrk("2.2"), 5, Optional.of(TokenAmount.parseStrk("0.25")), Optional.of(BasisPoints.of(22_000))));
        assertThat(json).endsWith("\"deadline_millis\":5,\"effort_base_price\":\"250000000000000000\",\"tier_multiplier\":22000}");
        Messages.TaskAssigned back = (Messages.TaskAssigned) CODEC.decode(json);
        assertThat(back.effortPrice()).contains(new Messages.EffortPrice(TokenAmount.parseStrk("0.25"), BasisPoints.of(22_000)));
    }

    @Test
    void readsAnAssignmentFromARelayerWithoutEffortPricingAsHavingNone() {
        Messages.TaskAssigned t = (Messages.TaskAssigned) CODEC.decode(ASSIGNED + "}");
        assertThat(t.effortBasePrice()).isEmpty();
        assertThat(t.tierMultiplier()).isEmpty();
        assertThat(t.effortPrice()).isEmpty();
        assertThat(CODEC.encode(t)).isEqualTo(ASSIGNED + "}");
    }

    @Test
    void namesABadEffortBasePrice() {
        for (String bad : List.of("\"0\"", "\"-5\"", "\"0.1\"", "\"abc\"", "100")) {
            assertThatThrownBy(() -> CODEC.decode(ASSIGNED + ",\"effort_base_price\":" + bad + ",\"tier_multiplier\":22000}"))
                    .as(bad).isInstanceOf(ProtocolException.class)
                    .satisfies(e -> assertThat(((ProtocolException) e).field()).isEqualTo("effort_base_price"));
        }
    }

    @Test
    void namesABadTierMultiplier() {
        for (String bad : List.of("9999", "100001", "-1", "22000.5", "\"22000\"", "true", "{\"value\":\"x\"}", "1e12")) {
            assertThatThrownBy(() -> CODEC.decode(ASSIGNED + ",\"effort_base_price\":\"100\",\"tier_multiplier\":" + bad + "}"))
                    .as(bad).isInstanceOf(ProtocolException.class)
                    .satisfies(e -> assertThat(((ProtocolException) e).field()).isEqualTo("tier_multiplier"));
        }
    }

    @Test
    void refusesHalfOfTheEffortPricing() {
        assertThatThrownBy(() -> CODEC.decode(ASSIGNED + ",\"effort_base_price\":\"100\"}"))
                .isInstanceOf(ProtocolException.class)
                .satisfies(e -> assertThat(((ProtocolException) e).field()).isEqualTo("tier_multiplier"));
        assertThatThrownBy(() -> CODEC.decode(ASSIGNED + ",\"tier_multiplier\":22000}"))
                .isInstanceOf(ProtocolException.class)
                .satisfies(e -> assertThat(((ProtocolException) e).field()).isEqualTo("effort_base_price"));
    }

    @Test
    void refusesEffortPricingOnAFlatTask() {
        String flat = ASSIGNED.replace("\"settlement\":\"effort\"", "\"settlement\":\"flat\"");
        assertThatThrownBy(() -> CODEC.decode(flat + ",\"effort_base_price\":\"100\",\"tier_multiplier\":22000}"))
                .isInstanceOf(ProtocolException.class)
                .satisfies(e -> assertThat(((ProtocolException) e).field()).isEqualTo("effort_base_price"));
    }

    @Test
    void readsBasisPointsInTheObjectFormThatOlderStoredRecordsUse() {
        assertThat(CODEC.fromJson("{\"value\":22000}", BasisPoints.class)).isEqualTo(BasisPoints.of(22_000));
        assertThat(CODEC.toJson(BasisPoints.of(22_000))).isEqualTo("22000");
    }

    @Test
    void aDisputeBodyRoundTripsItsKeysAsHexAndAMalformedKeyIsRefusedNamingTheFieldButNotTheKey() {
        byte[] jobKey = new byte[16];
        byte[] resultKey = new byte[16];
        for (int i = 0; i < 16; i++) {
            jobKey[i] = (byte) (0xa0 + i);
            resultKey[i] = (byte) i;
        }
        Api.DisputeSealedResult d = Api.DisputeSealedResult.of(ContractAddress.of(0xd1), jobKey, resultKey,
                1_800_000_000L, AccountSignature.of(SIG));
        String json = CODEC.toJson(d);
        assertThat(json).contains("\"job_file_key\":\"0xa0a1a2a3a4a5a6a7a8a9aaabacadaeaf\"")
                .contains("\"result_file_key\":\"0x000102030405060708090a0b0c0d0e0f\"");
        Api.DisputeSealedResult back = CODEC.fromJson(json, Api.DisputeSealedResult.class);
        assertThat(back.jobKey()).isEqualTo(jobKey);
        assertThat(back.resultKey()).isEqualTo(resultKey);
        assertThat(back.toString()).doesNotContain("a0a1a2").doesNotContain("0x0001");

        String secretish = "0xa0a1a2a3a4a5a6a7a8a9aaabacadaeaZ";
        assertThatThrownBy(() -> CODEC.fromJson(json.replace("0xa0a1a2a3a4a5a6a7a8a9aaabacadaeaf", secretish),
                Api.DisputeSealedResult.class)).hasMessageContaining("job_file_key").hasMessageNotContaining("a0a1a2");
        assertThatThrownBy(() -> CODEC.fromJson(json.replace("0x000102030405060708090a0b0c0d0e0f", "0x0001"),
                Api.DisputeSealedResult.class)).hasMessageContaining("result_file_key").hasMessageNotContaining("0x0001");
        assertThatThrownBy(() -> CODEC.fromJson(json.replace(",\"result_file_key\":\"0x000102030405060708090a0b0c0d0e0f\"",
                ""), Api.DisputeSealedResult.class)).hasMessageContaining("result_file_key");
    }
}
