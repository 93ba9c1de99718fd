package io.smainer.relayer.settlement;

import io.smainer.InvalidFieldException;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Map;
import org.eclipse.jetty.util.Promise;
import org.eclipse.jetty.util.SocketAddressResolver;

/**
 * Where webhooks may go: unless the operator allows it ({@code webhook.allow_private_addresses}), never to a
 * loopback, private (RFC 1918, IPv6 unique local), shared (100.64/10), link-local (cloud metadata services),
 * multicast or unspecified address. Checked on the addresses a name resolves to, when a task is submitted
 * ({@link #check}) and again at each delivery by the HTTP client's resolver ({@link #resolver}), which connects
 * only to the addresses it let through (a name that resolves elsewhere later gains nothing); redirects are not
 * followed. Immutable.
 */
public final class WebhookDestinations {
    private final boolean privateAllowed;

    private WebhookDestinations(boolean privateAllowed) {
        this.privateAllowed = privateAllowed;
    }

    /**
     * @param privateAllowed true to let webhooks reach internal addresses too
     * @return the policy
     */
    public static WebhookDestinations of(boolean privateAllowed) {
        return new WebhookDestinations(privateAllowed);
    }

    /**
     * @param a an address
     * @return true for a loopback, private, shared, link-local, multicast or unspecified address
     */
    public static boolean isInternal(InetAddress a) {
        if (a.isLoopbackAddress() || a.isSiteLocalAddress() || a.isLinkLocalAddress() || a.isAnyLocalAddress()
                || a.isMulticastAddress()) {
            return true;
        }
        byte[] b = a.getAddress();
        if (a instanceof Inet4Address) {
            int first = b[0] & 0xff;
            int second = b[1] & 0xff;
            return first == 0 || first >= 240 || (first == 100 && second >= 64 && second < 128)
                    || (first == 192 && second == 0 && (b[2] & 0xff) == 0);
        }
        if (a instanceof Inet6Address) {
            return (b[0] & 0xfe) == 0xfc // unique local fc00::/7
                    || isMappedOrCompatibleInternal(b);
        }
        return true;
    }

    /** ::ffff:a.b.c.d and ::a.b.c.d name an IPv4 address: judged as that address. */
    private static boolean isMappedOrCompatibleInternal(byte[] b) {
        for (int i = 0; i < 10; i++) {
            if (b[i] != 0) {
                return false;
            }
        }
        boolean mapped = (b[10] & 0xff) == 0xff && (b[11] & 0xff) == 0xff;
        boolean compatible = b[10] == 0 && b[11] == 0;
        if (!mapped && !compatible) {
            return false;
        }
        try {
            return isInternal(InetAddress.getByAddress(new byte[] {b[12], b[13], b[14], b[15]}));
        } catch (UnknownHostException e) {
            return true;
        }
    }

    /**
     * Checks a webhook URL as a task is submitted: an absolute http(s) URL whose host resolves only to addresses
     * webhooks may reach.
     *
     * @param url the URL
     * @throws InvalidFieldException naming {@code webhook_url}
     */
    public void check(String url) {
        URI u;
        try {
            u = URI.create(url);
        } catch (IllegalArgumentException e) {
            throw new InvalidFieldException("webhook_url", "an absolute http or https URL", url);
        }
        if (!("http".equals(u.getScheme()) || "https".equals(u.getScheme())) || u.getHost() == null
                || u.getRawUserInfo() != null) {
            throw new InvalidFieldException("webhook_url", "an absolute http or https URL without user info", url);
        }
        if (privateAllowed) {
            return;
        }
        String host = u.getHost().startsWith("[") ? u.getHost().substring(1, u.getHost().length() - 1) : u.getHost();
        InetAddress[] all;
        try {
            all = InetAddress.getAllByName(host);
        } catch (UnknownHostException e) {
            throw new InvalidFieldException("webhook_url", "a URL whose host name resolves", url);
        }
        for (InetAddress a : all) {
            if (isInternal(a)) {
                throw new InvalidFieldException("webhook_url", "a URL on a public address (webhooks do not go to"
                        + " loopback, private, link-local or unspecified addresses unless the operator sets"
                        + " webhook.allow_private_addresses)", url);
            }
        }
    }

    /**
     * @param delegate the resolver that asks DNS
     * @return a resolver that passes on only the addresses webhooks may reach, and fails when none is left
     */
    public SocketAddressResolver resolver(SocketAddressResolver delegate) {
        if (privateAllowed) {
            return delegate;
        }
        return (String host, int port, Map<String, Object> context, Promise<List<InetSocketAddress>> promise) ->
                delegate.resolve(host, port, context, Promise.from(found -> {
                    List<InetSocketAddress> allowed = found.stream().filter(s -> !isInternal(s.getAddress())).toList();
                    if (allowed.isEmpty() || allowed.size() < found.size()) {
                        promise.failed(new UnknownHostException(host + " resolves to an internal address; webhooks do"
                                + " not go there (webhook.allow_private_addresses)"));
                    } else {
                        promise.succeeded(allowed);
                    }
                }, promise::failed));
    }
}
