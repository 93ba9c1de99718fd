package io.smainer.relayer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.smainer.chain.ContractAddress;
import io.smainer.escrow.Ledger;
import io.smainer.testing.Await;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The relayer builds its parts in its constructor, serves only once started, and its close stops every part it
 * built, once, whether it was started or not.
 */
class RelayerLifecycleTest {
    static final ContractAddress RELAYER = ContractAddress.of(0x1002);
    /** The threads the relayer's parts name (Jetty's pool, the timers, the serial loops, the webhook client). */
    static final List<String> OURS = List.of("relayer-", "scheduler", "settler", "webhooks");

    final Ledger ledger = Ledger.builder().owner(ContractAddress.of(0x1001)).relayer(RELAYER)
            .treasury(ContractAddress.of(0x1003)).build();

    @Test
    void aRelayerBuiltButNeverStartedServesNothingAndItsCloseLeavesNoThreadOfItsOwn() {
        Set<Thread> before = Thread.getAllStackTraces().keySet();
        Relayer relayer = Relayer.builder().port(0).escrow(ledger.client(RELAYER)).build();
        assertThat(relayer.settler()).isPresent();
        assertThat(relayer.port()).as("not bound before start()").isLessThanOrEqualTo(0);

        relayer.close();
        relayer.close();

        Await.until(Duration.ofSeconds(10), () -> ownThreadsSince(before).isEmpty(), () -> "still alive: " + ownThreadsSince(before));
        assertThatThrownBy(relayer::start).isInstanceOf(IllegalStateException.class).hasMessageContaining("closed");
    }

    @Test
    void aStartedRelayerServesUntilClosedThenItsPortAndThreadsAreGone() throws Exception {
        Set<Thread> before = Thread.getAllStackTraces().keySet();
        Relayer relayer = Relayer.builder().host("127.0.0.1").port(0).escrow(ledger.client(RELAYER)).build();
        assertThat(relayer.start()).isSameAs(relayer.start()); // a second start() does nothing
        int port = relayer.port();
        assertThat(get(port, "/api/v1/health")).startsWith("HTTP/1.1 200");
        assertThat(ownThreadsSince(before)).isNotEmpty();

        relayer.close();
        relayer.close(); // idempotent

        assertThatThrownBy(() -> get(port, "/api/v1/health")).isInstanceOf(ConnectException.class);
        Await.until(Duration.ofSeconds(10), () -> ownThreadsSince(before).isEmpty(), () -> "still alive: " + ownThreadsSince(before));
    }

    private static Set<String> ownThreadsSince(Set<Thread> before) {
        return Thread.getAllStackTraces().keySet().stream().filter(t -> !before.contains(t) && t.isAlive())
                .map(Thread::getName).filter(n -> OURS.stream().anyMatch(n::startsWith)).collect(Collectors.toSet());
    }

    /** One HTTP/1.1 GET on a fresh socket (no client library, so no client threads to tell apart). */
    private static String get(int port, String path) throws IOException {
        try (Socket s = new Socket("127.0.0.1", port)) {
            OutputStream out = s.getOutputStream();
            out.write(("GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = s.getInputStream();
            return new String(in.readAllBytes(), StandardCharsets.US_ASCII);
        }
    }
}
