package io.smainer.relayer.staking;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.smainer.chain.ContractAddress;
import io.smainer.chain.Felt;
import io.smainer.chain.TokenAmount;
import io.smainer.escrow.Ledger;
import io.smainer.escrow.Staking;
import io.smainer.relayer.store.MemoryStore;
import io.smainer.testing.Await;
import io.smainer.testing.MutableClock;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * The staking policy's slashes on the store two relayers share (one {@link MemoryStore}, as two relayers share a
 * Redis) against the in-process ledger with the staking contract: what one relayer left is picked up by another, and
 * a slash already initiated on chain is neither initiated again nor counted twice.
 */
class StakingPolicyTest {
    private static final ContractAddress OWNER = ContractAddress.of(0x1001);
    private static final ContractAddress RELAYER = ContractAddress.of(0x1002);
    private static final ContractAddress TREASURY = ContractAddress.of(0x1003);
    private static final ContractAddress PROVIDER = ContractAddress.of(0x3001);
    private static final ContractAddress STAKING = ContractAddress.of(0x5a4e);
    private static final TokenAmount STAKE = TokenAmount.parseStrk("100");
    private static final StakingSettings SETTINGS = new StakingSettings(true, Optional.of(STAKING),
            Staking.ABSOLUTE_MIN_STAKE, 0, Duration.ofHours(1), Duration.ofHours(1));

    private final MutableClock chainClock = new MutableClock(Instant.parse("2026-03-01T00:00:00Z"));
    private final ListAppender<ILoggingEvent> logs = new ListAppender<>();
    private final Logger logger = (Logger) LoggerFactory.getLogger(StakingPolicy.class);
    private Ledger ledger;
    private MemoryStore store;

    @BeforeEach
    void start() {
        ledger = Ledger.builder().owner(OWNER).relayer(RELAYER).treasury(TREASURY).clock(chainClock)
                .staking(STAKING, RELAYER, Staking.ABSOLUTE_MIN_STAKE).build();
        ledger.mint(PROVIDER, TokenAmount.parseStrk("200"));
        ledger.staking(PROVIDER).depositStake(STAKE);
        store = MemoryStore.create(chainClock);
        logs.start();
        logger.addAppender(logs);
    }

    @AfterEach
    void stop() {
        logger.detachAppender(logs);
        store.close();
    }

    private StakingPolicy policy() {
        return new StakingPolicy(SETTINGS, ledger.staking(RELAYER), store, chainClock, p -> { });
    }

    @Test
    void aNewPolicyInitiatesAtStartTheSlashAnotherLeftQueuedAndExecutesItWhenDue() {
        Staking anyone = ledger.staking(OWNER);
        Felt reason = Felt.of(0xe2);
        // a relayer kept the evidence and stopped before it sent initiate_slash
        assertThat(store.keepEvidence(reason, "{\"e\":2}", PROVIDER, Optional.empty())).isEmpty();
        try (StakingPolicy next = policy()) {
            Await.until(Duration.ofSeconds(10), () -> anyone.activeSlash(PROVIDER).isPresent(),
                    () -> "initiate_slash at start, without a check asked for");
            assertThat(anyone.activeSlash(PROVIDER).orElseThrow().reasonHash()).isEqualTo(reason);
            assertThat(next.slashesInitiated()).isEqualTo(1);
            assertThat(store.slashesToInitiate()).isEmpty();
            assertThat(store.slashesWatched()).isEqualTo(Map.of(PROVIDER, reason));
            chainClock.advance(Duration.ofDays(7));
            next.checkNow();
            assertThat(anyone.stake(PROVIDER)).isEqualTo(STAKE.minus(TokenAmount.parseStrk("20")));
            assertThat(next.slashesExecuted()).isEqualTo(1);
            assertThat(store.slashesWatched()).isEmpty();
        }
    }

    @Test
    void aSlashInitiatedBeforeItWasRecordedIsWatchedByTheRelayersOnTheStoreAndExecutedOnceUncountedTwice() {
        Staking anyone = ledger.staking(OWNER);
        Felt reason = Felt.of(0xe1);
        // a relayer kept the evidence, sent initiate_slash and stopped before it recorded the slash as initiated
        assertThat(store.keepEvidence(reason, "{\"e\":1}", PROVIDER, Optional.empty())).isEmpty();
        ledger.staking(RELAYER).initiateSlash(PROVIDER, reason);
        try (StakingPolicy a = policy(); StakingPolicy b = policy()) {
            a.checkNow();
            b.checkNow();
            assertThat(store.slashesToInitiate()).isEmpty();
            assertThat(store.slashesWatched()).isEqualTo(Map.of(PROVIDER, reason));
            assertThat(a.slashesInitiated() + b.slashesInitiated()).isZero();
            assertThat(anyone.activeSlash(PROVIDER).orElseThrow().reasonHash()).isEqualTo(reason);

            chainClock.advance(Duration.ofDays(7));
            b.checkNow();
            a.checkNow();
            assertThat(anyone.stake(PROVIDER)).isEqualTo(STAKE.minus(TokenAmount.parseStrk("20")));
            assertThat(anyone.slashCount(PROVIDER)).isEqualTo(1);
            assertThat(a.slashesExecuted() + b.slashesExecuted()).isEqualTo(1);
            assertThat(store.slashesWatched()).isEmpty();
            assertThat(a.evidence(reason).map(json -> new String(json, StandardCharsets.UTF_8))).contains("{\"e\":1}");
        }
        assertThat(logs.list).filteredOn(e -> e.getLevel().isGreaterOrEqual(Level.WARN))
                .extracting(ILoggingEvent::getFormattedMessage).singleElement().asString()
                .startsWith("executed the slash of " + PROVIDER.hex());
    }
}
