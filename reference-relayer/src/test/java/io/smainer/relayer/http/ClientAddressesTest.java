package io.smainer.relayer.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.util.List;
import org.junit.jupiter.api.Test;

class ClientAddressesTest {
    private static InetAddress ip(String s) {
        return ClientAddresses.literal(s);
    }

    @Test
    void readsForwardedForFromTheRightSkippingOnlyTrustedProxies() {
        ClientAddresses through = ClientAddresses.trusting(List.of("10.0.0.5", "192.168.0.0/16"));

        // the client wrote "6.6.6.6" itself; the first proxy appended the client's real address
        assertThat(through.forwarded(ip("10.0.0.5"), List.of("6.6.6.6, 203.0.113.9, 192.168.4.4")))
                .isEqualTo(ip("203.0.113.9"));
        assertThat(through.forwarded(ip("10.0.0.5"), List.of("6.6.6.6", "203.0.113.9"))).as("repeated headers")
                .isEqualTo(ip("203.0.113.9"));
    }

    @Test
    void keepsTheLastTrustedHopWhenTheHeaderIsMissingOrHoldsNoAddress() {
        ClientAddresses through = ClientAddresses.trusting(List.of("10.0.0.5"));

        assertThat(through.forwarded(ip("10.0.0.5"), List.of())).isEqualTo(ip("10.0.0.5"));
        assertThat(through.forwarded(ip("10.0.0.5"), List.of("1.2.3.4, unknown"))).isEqualTo(ip("10.0.0.5"));
        assertThat(through.forwarded(ip("10.0.0.5"), List.of("example.com"))).as("never a name lookup")
                .isEqualTo(ip("10.0.0.5"));
    }

    @Test
    void trustsNothingByDefault() {
        assertThat(ClientAddresses.PEER_ONLY.trustsProxies()).isFalse();
        assertThat(ClientAddresses.PEER_ONLY.forwarded(ip("10.0.0.5"), List.of("1.2.3.4"))).isEqualTo(ip("10.0.0.5"));
    }

    @Test
    void countsAnIpv6ClientAsItsSlash64AndAnIpv4ClientAsItsAddress() {
        assertThat(ClientAddresses.key(ip("2001:db8:0:1:aaaa::1"))).isEqualTo("2001:db8:0:1::/64");
        assertThat(ClientAddresses.key(ip("2001:db8:0:1:bbbb::2"))).isEqualTo("2001:db8:0:1::/64");
        assertThat(ClientAddresses.key(ip("2001:db8:0:2::1"))).isEqualTo("2001:db8:0:2::/64");
        assertThat(ClientAddresses.key(ip("203.0.113.9"))).isEqualTo("203.0.113.9");
    }

    @Test
    void acceptsOnlyIpLiteralsAndCidrBlocksAsProxies() {
        assertThat(ClientAddresses.trusting(List.of("fd00::/8")).forwarded(ip("fd12::1"), List.of("2001:db8::7")))
                .isEqualTo(ip("2001:db8::7"));
        assertThat(ip("256.1.1.1")).isNull();
        assertThat(ip("localhost")).isNull();
        assertThatThrownBy(() -> ClientAddresses.trusting(List.of("proxy.internal")))
                .hasMessageContaining("'proxy.internal'");
        assertThatThrownBy(() -> ClientAddresses.trusting(List.of("10.0.0.0/33"))).hasMessageContaining("[0, 32]");
    }
}
