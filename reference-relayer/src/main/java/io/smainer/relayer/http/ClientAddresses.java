package io.smainer.relayer.http;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import org.eclipse.jetty.server.Request;

/**
 * Who sent a request, for the per-client-address rate limits. By default the TCP peer's address, and nothing
 * a client writes in a header. Behind reverse proxies the operator names them ({@code limits.trusted_proxies}):
 * when the peer is one of them, {@code X-Forwarded-For} is read from the right, each trusted hop replaced by the
 * address it forwarded for, and the first address that is not a trusted proxy is the client (addresses a client
 * put in the header itself sit to the left of it and are never read). An IPv6 client counts as its /64
 * network, the block one host is usually given, so that a host cannot get a fresh budget per address.
 * Thread-safe.
 */
public final class ClientAddresses {
    /** The header read from trusted proxies. */
    public static final String FORWARDED_FOR = "X-Forwarded-For";
    /** Nothing is trusted: the TCP peer is the client. */
    public static final ClientAddresses PEER_ONLY = new ClientAddresses(List.of());

    private static final Pattern IPV4 = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");
    private static final Pattern IPV6 = Pattern.compile("[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*");

    private final List<Network> trusted;

    /** An address block: the address and how many leading bits count. */
    private record Network(byte[] address, int bits) {
        boolean contains(InetAddress a) {
            byte[] b = a.getAddress();
            if (b.length != address.length) {
                return false;
            }
            int full = bits / 8;
            for (int i = 0; i < full; i++) {
                if (b[i] != address[i]) {
                    return false;
                }
            }
            int rest = bits % 8;
            if (rest == 0) {
                return true;
            }
            int mask = (0xff << (8 - rest)) & 0xff;
            return (b[full] & mask) == (address[full] & mask);
        }
    }

    private ClientAddresses(List<Network> trusted) {
        this.trusted = List.copyOf(trusted);
    }

    /**
     * @param proxies the trusted proxies: IP addresses or CIDR blocks ({@code 10.0.0.0/8}, {@code fd00::/8})
     * @return addresses read through them
     * @throws IllegalArgumentException naming an entry that is neither
     */
    public static ClientAddresses trusting(List<String> proxies) {
        List<Network> out = new ArrayList<>();
        for (String p : proxies) {
            String s = p.trim();
            int slash = s.indexOf('/');
            InetAddress a = literal(slash < 0 ? s : s.substring(0, slash));
            if (a == null) {
                throw new IllegalArgumentException("IP addresses or CIDR blocks, got '" + s + "'");
            }
            int max = a.getAddress().length * 8;
            int bits = max;
            if (slash >= 0) {
                try {
                    bits = Integer.parseInt(s.substring(slash + 1));
                } catch (NumberFormatException e) {
                    bits = -1;
                }
                if (bits < 0 || bits > max) {
                    throw new IllegalArgumentException("a prefix length in [0, " + max + "] after '/', got '" + s + "'");
                }
            }
            out.add(new Network(a.getAddress(), bits));
        }
        return new ClientAddresses(out);
    }

    /** @return whether any proxy is trusted */
    public boolean trustsProxies() {
        return !trusted.isEmpty();
    }

    /**
     * @param req a request
     * @return the client's rate-limit key: an IPv4 address, or an IPv6 /64 ({@code 2001:db8:0:1::/64})
     */
    public String of(Request req) {
        SocketAddress peer = req.getConnectionMetaData().getRemoteSocketAddress();
        if (!(peer instanceof InetSocketAddress isa) || isa.getAddress() == null) {
            return String.valueOf(peer);
        }
        InetAddress client = isa.getAddress();
        if (!trusted.isEmpty() && isTrusted(client)) {
            client = forwarded(client, req.getHeaders().getValuesList(FORWARDED_FOR));
        }
        return key(client);
    }

    /**
     * @param peer a trusted proxy that sent the request
     * @param headers the {@code X-Forwarded-For} values, in order
     * @return the right-most address that is not a trusted proxy; the last trusted one when the header ends
     *     (or holds no address) before one
     */
    InetAddress forwarded(InetAddress peer, List<String> headers) {
        List<String> hops = new ArrayList<>();
        for (String h : headers) {
            for (String part : h.split(",")) {
                hops.add(part.trim());
            }
        }
        InetAddress client = peer;
        for (int i = hops.size() - 1; i >= 0 && isTrusted(client); i--) {
            InetAddress hop = literal(hops.get(i));
            if (hop == null) {
                break;
            }
            client = hop;
        }
        return client;
    }

    private boolean isTrusted(InetAddress a) {
        for (Network n : trusted) {
            if (n.contains(a)) {
                return true;
            }
        }
        return false;
    }

    /** @return an IPv4 address, or the /64 an IPv6 address is in */
    static String key(InetAddress a) {
        byte[] b = a.getAddress();
        if (b.length == 4) {
            return a.getHostAddress();
        }
        StringBuilder s = new StringBuilder(24);
        for (int i = 0; i < 8; i += 2) {
            s.append(Integer.toHexString(((b[i] & 0xff) << 8) | (b[i + 1] & 0xff))).append(':');
        }
        return s.append(":/64").toString();
    }

    /** @return the address an IP literal names, or null for anything else (never a name lookup) */
    static InetAddress literal(String s) {
        String t = s.startsWith("[") && s.endsWith("]") ? s.substring(1, s.length() - 1) : s;
        try {
            if (IPV4.matcher(t).matches()) {
                for (String octet : t.split("\\.")) {
                    if (Integer.parseInt(octet) > 255) {
                        return null; // InetAddress would take it for a name and look it up
                    }
                }
                return InetAddress.getByName(t);
            }
            if (IPV6.matcher(t).matches()) {
                return InetAddress.getByName("[" + t + "]"); // bracketed: a literal or an error, never a lookup
            }
        } catch (UnknownHostException e) {
            return null;
        }
        return null;
    }
}
