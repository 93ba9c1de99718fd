package io.smainer.relayer.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A refusal of a request that carries a body (405, 401, 429) keeps the client's connection: the relayer reads the
 * small body before it answers, so the connection is not closed under a client that reuses it (the JDK's client
 * then failed its next request with "header parser received no bytes", and a POST is not retried).
 */
class KeepAliveIT {
    private LocalNetwork net;

    @AfterEach
    void stop() throws Exception {
        if (net != null) {
            net.close();
        }
    }

    /** A status line, its headers (names in lower case) and its body. */
    private record Answer(int status, Map<String, String> headers, String body) {
    }

    @Test
    void aRefusedRequestsBodyIsReadAndTheConnectionServesTheNextRequest() throws Exception {
        net = new LocalNetwork(Map.of());
        URI uri = net.relayer.uri();
        byte[] body = ("{\"note\":\"" + "a".repeat(6000) + "\"}").getBytes(StandardCharsets.UTF_8);
        try (Socket s = new Socket(uri.getHost(), uri.getPort())) {
            s.setSoTimeout(15_000);
            OutputStream out = s.getOutputStream();
            InputStream in = new BufferedInputStream(s.getInputStream());
            for (int i = 0; i < 10; i++) {
                // the head first, the body after it: the refusal is decided before any of the body has arrived
                out.write(("PUT /api/v1/health HTTP/1.1\r\nHost: relayer\r\nContent-Type: application/json\r\n"
                        + "Content-Length: " + body.length + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
                out.flush();
                out.write(body);
                out.flush();
                Answer refused = read(in);
                assertThat(refused.status()).as("request %d", i).isEqualTo(405);
                assertThat(refused.headers()).as("request %d: the connection is kept", i)
                        .doesNotContainEntry("connection", "close");
            }
            out.write("GET /api/v1/health HTTP/1.1\r\nHost: relayer\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            Answer ok = read(in);
            assertThat(ok.status()).isEqualTo(200);
            assertThat(ok.body()).contains("\"status\":\"ok\"");
        }
    }

    private static Answer read(InputStream in) throws IOException {
        String status = line(in);
        assertThat(status).as("a status line, not the end of the connection").startsWith("HTTP/1.1 ");
        Map<String, String> headers = new HashMap<>();
        for (String h = line(in); !h.isEmpty(); h = line(in)) {
            int colon = h.indexOf(':');
            headers.put(h.substring(0, colon).trim().toLowerCase(Locale.ROOT), h.substring(colon + 1).trim());
        }
        int length = Integer.parseInt(headers.getOrDefault("content-length", "0"));
        byte[] body = in.readNBytes(length);
        return new Answer(Integer.parseInt(status.substring(9, 12)), headers, new String(body, StandardCharsets.UTF_8));
    }

    private static String line(InputStream in) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        for (int c = in.read(); c != '\n'; c = in.read()) {
            if (c < 0) {
                return b.size() == 0 ? "<end of stream>" : b.toString(StandardCharsets.US_ASCII);
            }
            if (c != '\r') {
                b.write(c);
            }
        }
        return b.toString(StandardCharsets.US_ASCII);
    }
}
