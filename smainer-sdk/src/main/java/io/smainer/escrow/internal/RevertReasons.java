package io.smainer.escrow.internal;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Finds the contract's revert reason in the text a Starknet node returns: a receipt's
 * {@code revert_reason} or an RPC error's data, e.g.
 * {@code ... Failure reason: (0x496e76616c6964207369676e6174757265 ('Invalid signature'),
 * 0x454e545259504f494e545f4641494c4544 ('ENTRYPOINT_FAILED')).} The innermost (first) decoded short
 * string that is not a wrapper's marker is the reason. Not API.
 */
public final class RevertReasons {
    private static final Pattern DECODED = Pattern.compile("0x[0-9a-fA-F]+ \\('((?:[^'\\\\]|\\\\.)*)'\\)");
    private static final Pattern HEX_ONLY = Pattern.compile("Failure reason: (0x[0-9a-fA-F]+)");
    private static final List<String> WRAPPERS =
            List.of("ENTRYPOINT_FAILED", "argent/multicall-failed", "Execution failed", "");

    private RevertReasons() {
    }

    /**
     * @param text a receipt's revert reason or an RPC error's message and data
     * @return the contract's reason, e.g. {@code Invalid signature}; empty when none is found
     */
    public static Optional<String> parse(String text) {
        if (text == null || text.isBlank()) {
            return Optional.empty();
        }
        Matcher m = DECODED.matcher(text);
        while (m.find()) {
            String reason = m.group(1);
            if (!WRAPPERS.contains(reason)) {
                return Optional.of(reason);
            }
        }
        Matcher hex = HEX_ONLY.matcher(text);
        if (hex.find()) {
            Optional<String> decoded = shortString(hex.group(1));
            if (decoded.isPresent()) {
                return decoded;
            }
        }
        return Optional.empty();
    }

    /**
     * @param text a node's revert text
     * @return the reason when one is found, else the text itself shortened to 300 characters
     */
    public static String reasonOrText(String text) {
        return parse(text).orElseGet(() -> {
            String t = text == null ? "(no reason given)" : text.strip();
            return t.length() <= 300 ? t : t.substring(0, 297) + "...";
        });
    }

    /**
     * Encodes a reason as Cairo's failure data shows it: {@code 0x<hex> ('<text>')}.
     *
     * @param reason a short string
     * @return its felt in hex, then the text
     */
    public static String encode(String reason) {
        StringBuilder hex = new StringBuilder("0x");
        for (byte b : reason.getBytes(StandardCharsets.US_ASCII)) {
            hex.append(String.format("%02x", b));
        }
        return hex + " ('" + reason + "')";
    }

    private static Optional<String> shortString(String hex) {
        try {
            byte[] bytes = new BigInteger(hex.substring(2), 16).toByteArray();
            int start = bytes.length > 0 && bytes[0] == 0 ? 1 : 0;
            String s = new String(bytes, start, bytes.length - start, StandardCharsets.US_ASCII);
            return s.chars().allMatch(c -> c >= 32 && c < 127) && !s.isEmpty() ? Optional.of(s) : Optional.empty();
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }
}
