package io.smainer.relayer.it;

import static io.smainer.relayer.it.LocalNetwork.caps;
import static org.assertj.core.api.Assertions.assertThat;

import io.smainer.protocol.Api;
import io.smainer.protocol.Messages;
import io.smainer.protocol.ProtocolCodec;
import io.smainer.relayer.ws.ProviderGateway;
import io.smainer.testing.Await;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The clock check at login, over a real WebSocket: a provider's clock far from the relayer's is refused, a near one shown. */
class ClockSkewIT {
    private static final ProtocolCodec CODEC = ProtocolCodec.create();
    @RegisterExtension
    final LocalNetwork.Scope networks = new LocalNetwork.Scope();
    private LocalNetwork net;

    /** Logs in with the provider's clock {@code skew} away from now; @return the provider. */
    private TestProvider loginWithClock(Duration skew) throws Exception {
        TestProvider p = net.provider(1, caps(1), TestProvider.Behaviour.HONEST).connectQuiet(net.ws, net.wsUri());
        Await.until(Duration.ofSeconds(5), () -> p.challenge().isPresent());
        Messages.NodeRegister r = p.register(p.challenge().orElseThrow(), p.key);
        p.send(new Messages.NodeRegister(r.id(), r.address(), r.nonce(), r.expiresAt(), r.signature(), r.capabilities(),
                Optional.of(System.currentTimeMillis() + skew.toMillis())));
        return p;
    }

    @Test
    void aProviderWhoseClockIsMinutesAheadIsRefusedSayingSo() throws Exception {
        net = networks.start(Map.of());
        TestProvider p = loginWithClock(ProviderGateway.MAX_CLOCK_SKEW.plusMinutes(3));
        Await.until(Duration.ofSeconds(5), () -> p.closed.isDone());
        assertThat(p.received).anySatisfy(m -> assertThat(m).isInstanceOfSatisfying(Messages.ErrorMessage.class, e -> {
            assertThat(e.code()).isEqualTo("clock_skew");
            assertThat(e.message()).contains("ahead of this relayer's").contains("NTP");
            assertThat(e.field()).contains("clock_millis");
        }));
        assertThat(net.relayer.store().nodes()).isEmpty();
    }

    @Test
    void aProviderWhoseClockIsAFewSecondsAheadLogsInAndNodesShowsBy() throws Exception {
        net = networks.start(Map.of());
        TestProvider p = loginWithClock(Duration.ofSeconds(5));
        Await.until(Duration.ofSeconds(5), () -> p.login.isDone());
        Await.until(Duration.ofSeconds(5), () -> !net.relayer.store().nodes().isEmpty());
        HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(net.relayer.uri()
                .resolve("/api/v1/nodes/" + p.address.hex())).build(), HttpResponse.BodyHandlers.ofString());
        Api.NodeView view = CODEC.fromJson(r.body(), Api.NodeView.class);
        assertThat(view.clockSkewMillis()).isBetween(4_000L, 6_000L);
        assertThat(view.lateRefusals()).isZero();
    }
}
