package io.smainer.relayer.settlement;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.smainer.InvalidFieldException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.util.Promise;
import org.eclipse.jetty.util.SocketAddressResolver;
import org.junit.jupiter.api.Test;

class WebhookDestinationsTest {
    @Test
    void internalAddressesAreThoseNoWebhookMayReach() throws Exception {
        for (String internal : List.of("127.0.0.1", "127.9.9.9", "10.1.2.3", "172.16.0.1", "172.31.255.255", "192.168.0.1",
                "169.254.169.254", "100.64.0.1", "0.0.0.0", "0.1.2.3", "224.0.0.1", "255.255.255.255", "::1", "::",
                "fe80::1", "fc00::1", "fd12:3456::1", "::ffff:127.0.0.1", "::ffff:10.0.0.1", "192.0.0.8")) {
            assertThat(WebhookDestinations.isInternal(InetAddress.getByName(internal))).as(internal).isTrue();
        }
        for (String external : List.of("8.8.8.8", "1.1.1.1", "172.32.0.1", "100.128.0.1", "2001:4860:4860::8888",
                "::ffff:8.8.8.8")) {
            assertThat(WebhookDestinations.isInternal(InetAddress.getByName(external))).as(external).isFalse();
        }
    }

    @Test
    void aUrlOnAnInternalAddressIsRefusedUnlessTheOperatorAllowsIt() {
        WebhookDestinations strict = WebhookDestinations.of(false);
        for (String url : List.of("http://localhost:8080/hook", "http://127.0.0.1/", "http://[::1]:9/",
                "http://169.254.169.254/latest/meta-data/", "https://10.0.0.7/hook")) {
            assertThatThrownBy(() -> strict.check(url)).as(url).isInstanceOfSatisfying(InvalidFieldException.class,
                    e -> assertThat(e.field()).isEqualTo("webhook_url"));
        }
        assertThatThrownBy(() -> strict.check("ftp://8.8.8.8/")).isInstanceOf(InvalidFieldException.class);
        assertThatThrownBy(() -> strict.check("http://user:pw@8.8.8.8/")).isInstanceOf(InvalidFieldException.class);
        strict.check("https://8.8.8.8/hook");
        WebhookDestinations.of(true).check("http://127.0.0.1:9/hook");
    }

    /** At delivery the name is resolved again: an answer that now names an internal address fails the connection. */
    @Test
    void theDeliveryResolverPassesOnlyAllowedAddresses() throws Exception {
        Throwing rebinding = (host, port, context, promise) -> promise.succeeded(List.of(
                new InetSocketAddress(InetAddress.getByAddress(host, new byte[] {127, 0, 0, 1}), port)));
        SocketAddressResolver external = (host, port, context, promise) -> {
            try {
                promise.succeeded(List.of(new InetSocketAddress(InetAddress.getByAddress(host, new byte[] {8, 8, 8, 8}),
                        port)));
            } catch (UnknownHostException e) {
                promise.failed(e);
            }
        };
        assertThat(resolve(WebhookDestinations.of(false).resolver(wrap(rebinding))))
                .isInstanceOf(UnknownHostException.class);
        assertThat(resolve(WebhookDestinations.of(false).resolver(external))).isInstanceOf(List.class);
        assertThat(resolve(WebhookDestinations.of(true).resolver(wrap(rebinding)))).isInstanceOf(List.class);
    }

    private interface Throwing {
        void resolve(String host, int port, Map<String, Object> context,
                Promise<List<InetSocketAddress>> promise) throws Exception;
    }

    private static SocketAddressResolver wrap(Throwing r) {
        return (host, port, context, promise) -> {
            try {
                r.resolve(host, port, context, promise);
            } catch (Exception e) {
                promise.failed(e);
            }
        };
    }

    private static Object resolve(SocketAddressResolver r) throws Exception {
        CompletableFuture<Object> out = new CompletableFuture<>();
        r.resolve("hooks.example", 443, Map.of(), Promise.from(out::complete, out::complete));
        return out.get(5, TimeUnit.SECONDS);
    }
}
