package io.smainer.client;

import io.smainer.InvalidFieldException;
import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Locale;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The relayer's webhook signature: {@code X-Smainer-Signature} is the lower-case hex HMAC-SHA256, under
 * the client's webhook secret, of {@code "{timestamp}.{body}"}, where {@code timestamp} is the
 * {@code X-Smainer-Timestamp} header (epoch seconds) and {@code body} the raw request body. A receiver
 * checks the signature in constant time and refuses timestamps outside a window (300 s by default)
 * so that a captured delivery cannot be replayed later.
 */
public final class WebhookSignature {
    /** The timestamp header. */
    public static final String TIMESTAMP_HEADER = "X-Smainer-Timestamp";
    /** The signature header. */
    public static final String SIGNATURE_HEADER = "X-Smainer-Signature";
    /** How far a timestamp may be from the receiver's clock. */
    public static final Duration DEFAULT_WINDOW = Duration.ofSeconds(300);

    private WebhookSignature() {
    }

    /**
     * @param secret the client's webhook secret
     * @param timestamp epoch seconds, as sent in {@link #TIMESTAMP_HEADER}
     * @param body the raw body
     * @return the signature to send in {@link #SIGNATURE_HEADER}
     */
    public static String sign(String secret, long timestamp, String body) {
        if (secret == null || secret.isEmpty()) {
            throw new InvalidFieldException("webhook_secret", "a non-empty secret", "(hidden)");
        }
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            byte[] sig = mac.doFinal((timestamp + "." + body).getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(sig);
        } catch (NoSuchAlgorithmException | InvalidKeyException e) {
            throw new IllegalStateException("HmacSHA256 is part of every JDK", e);
        }
    }

    /**
     * @param secret the client's webhook secret
     * @param timestampHeader the {@link #TIMESTAMP_HEADER} value
     * @param body the raw body
     * @param signatureHeader the {@link #SIGNATURE_HEADER} value
     * @param now the receiver's time
     * @param window how far the timestamp may be from {@code now}
     * @return true when the signature is the relayer's and the timestamp is within the window
     */
    public static boolean verify(String secret, String timestampHeader, String body, String signatureHeader, Instant now,
            Duration window) {
        if (timestampHeader == null || signatureHeader == null || body == null) {
            return false;
        }
        long ts;
        try {
            ts = Long.parseLong(timestampHeader.trim());
        } catch (NumberFormatException e) {
            return false;
        }
        if (Math.abs(now.getEpochSecond() - ts) > window.toSeconds()) {
            return false;
        }
        byte[] expected = sign(secret, ts, body).getBytes(StandardCharsets.US_ASCII);
        byte[] actual = signatureHeader.trim().toLowerCase(Locale.ROOT).getBytes(StandardCharsets.US_ASCII);
        return MessageDigest.isEqual(expected, actual);
    }
}
