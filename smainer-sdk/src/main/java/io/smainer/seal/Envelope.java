package io.smainer.seal;

import io.smainer.InvalidFieldException;
import io.smainer.Require;
import io.smainer.chain.ContractAddress;
import io.smainer.chain.Felt;
import io.smainer.seal.SealException.Problem;
import java.io.ByteArrayOutputStream;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * A multi-recipient envelope in the style of {@code age}: a fresh 16-byte content key, the plaintext encrypted once
 * under a key derived from it, and the content key wrapped for each recipient with an ephemeral X25519 key,
 * HKDF-SHA256 and ChaCha20-Poly1305. A header MAC, keyed from the content key, binds the header (the recipients and
 * the reply-to key) to the content, so a relayer that cannot open the envelope cannot change who it is for or whom
 * the answer goes to either. Layout (every number big-endian):
 *
 * <pre>
 * "SMSEAL/1"                           8 bytes, the version
 * flags                                1 byte: 1 when a reply-to follows, else 0
 * [reply-to address, reply-to key]     32 + 32 bytes, when flagged: where the answer is sealed to
 * recipient count n                    1 byte, 1 to {@value #MAX_RECIPIENTS}
 * n stanzas: address, recipient key,   32 + 32 + 32 + 32 bytes: the wrapped content key is
 *   ephemeral key, wrapped content key   ChaCha20-Poly1305(HKDF(X25519(eph, recipient), eph || recipient,
 *                                        "smainer-seal/1 wrap"), content key, aad = address)
 * header MAC                           32 bytes: HMAC-SHA256(HKDF(content key, "smainer-seal/1 header"), all above)
 * payload nonce                        16 random bytes
 * payload                              ChaCha20-Poly1305(HKDF(content key, salt = nonce, "smainer-seal/1 payload"),
 *                                        plaintext), tag last
 * </pre>
 *
 * <p>Each key derived here encrypts one message only, so the cipher's nonce is zero. Stateless and thread-safe.
 */
public final class Envelope {
    /** The most recipients an envelope names. */
    public static final int MAX_RECIPIENTS = 32;
    /** The content key's length. */
    public static final int FILE_KEY_LENGTH = 16;
    private static final byte[] MAGIC = "SMSEAL/1".getBytes(StandardCharsets.US_ASCII);
    private static final int STANZA = 32 * 4;
    private static final int MAC = 32;
    private static final int NONCE = 16;

    private Envelope() {
    }

    /**
     * Who an envelope is for: an account and the X25519 key it opens with.
     *
     * @param address the account (a provider's, or the demander's for a result)
     * @param key its sealing key
     */
    public record Recipient(ContractAddress address, SealPublicKey key) {
        /** Checks presence. */
        public Recipient {
            Require.present("address", address);
            Require.present("seal_key", key);
        }
    }

    /**
     * What anyone can read of an envelope: its recipients and reply-to (not authenticated until opened).
     *
     * @param replyTo where the answer is to be sealed, when the sender says
     * @param recipients who can open it
     * @param headerLength the header's length, MAC included
     */
    public record Header(Optional<Recipient> replyTo, List<Recipient> recipients, int headerLength) {
        /** Copies the list. */
        public Header {
            recipients = List.copyOf(recipients);
        }

        /**
         * @param address an account
         * @param key its sealing key
         * @return whether the envelope has a stanza for this account and key
         */
        public boolean isFor(ContractAddress address, SealPublicKey key) {
            return recipients.contains(new Recipient(address, key));
        }
    }

    /**
     * An opened envelope.
     *
     * @param plaintext what was sealed
     * @param header its header, now authenticated
     * @param fileKey the content key, which a recipient may reveal to let a third party open the envelope
     *     ({@link #openWithFileKey})
     */
    public record Opened(byte[] plaintext, Header header, byte[] fileKey) {
        @Override
        public String toString() {
            return "Opened[" + plaintext.length + " bytes, " + header.recipients().size() + " recipients]";
        }
    }

    /**
     * A new envelope and its content key (which the sender may keep, to reveal it later).
     *
     * @param envelope the envelope
     * @param fileKey its content key
     */
    public record Sealed(byte[] envelope, byte[] fileKey) {
        @Override
        public String toString() {
            return "Sealed[" + envelope.length + " bytes, fileKey=(hidden)]";
        }
    }

    /**
     * @param plaintext what to seal
     * @param replyTo where an answer is to be sealed, if any
     * @param recipients who may open it, 1 to {@value #MAX_RECIPIENTS}, no account twice
     * @param random the source of the content key, the ephemeral keys and the nonce
     * @return the envelope and its content key
     */
    public static Sealed seal(byte[] plaintext, Optional<Recipient> replyTo, List<Recipient> recipients,
            SecureRandom random) {
        Require.present("plaintext", plaintext);
        Require.size("recipients", recipients, MAX_RECIPIENTS);
        if (recipients.isEmpty()) {
            throw new InvalidFieldException("recipients", "at least one recipient", 0);
        }
        Set<ContractAddress> seen = new HashSet<>();
        for (Recipient r : recipients) {
            if (!seen.add(r.address())) {
                throw new InvalidFieldException("recipients", "each account once", r.address().hex());
            }
        }
        byte[] fileKey = new byte[FILE_KEY_LENGTH];
        random.nextBytes(fileKey);
        ByteArrayOutputStream out = new ByteArrayOutputStream(plaintext.length + 256 + STANZA * recipients.size());
        out.writeBytes(MAGIC);
        out.write(replyTo.isPresent() ? 1 : 0);
        replyTo.ifPresent(r -> {
            out.writeBytes(r.address().felt().toBytes32());
            out.writeBytes(r.key().bytes());
        });
        out.write(recipients.size());
        for (Recipient r : recipients) {
            SealKeyPair eph = SealKeyPair.generate(random);
            byte[] shared = eph.agree(r.key());
            if (shared == null) {
                throw new InvalidFieldException("recipients", "X25519 keys of full order", r.key().hex());
            }
            byte[] address = r.address().felt().toBytes32();
            byte[] wrapKey = wrapKey(shared, eph.publicKey(), r.key());
            out.writeBytes(address);
            out.writeBytes(r.key().bytes());
            out.writeBytes(eph.publicKey().bytes());
            out.writeBytes(Primitives.encrypt(wrapKey, fileKey, address));
        }
        byte[] header = out.toByteArray();
        out.writeBytes(Primitives.hmac(headerKey(fileKey), header, 0, header.length));
        byte[] nonce = new byte[NONCE];
        random.nextBytes(nonce);
        out.writeBytes(nonce);
        out.writeBytes(Primitives.encrypt(payloadKey(fileKey, nonce), plaintext, new byte[0]));
        return new Sealed(out.toByteArray(), fileKey);
    }

    /**
     * Reads the public header, without opening anything: what a relayer routes by.
     *
     * @param envelope an envelope
     * @return its header
     * @throws SealException {@link Problem#MALFORMED} when it is not an envelope of this version
     */
    public static Header header(byte[] envelope) {
        if (envelope == null || envelope.length < MAGIC.length + 2
                || !Arrays.equals(envelope, 0, MAGIC.length, MAGIC, 0, MAGIC.length)) {
            throw new SealException(Problem.MALFORMED, "not a sealed envelope of version SMSEAL/1");
        }
        int at = MAGIC.length;
        int flags = envelope[at++] & 0xff;
        if (flags > 1) {
            throw new SealException(Problem.MALFORMED, "unknown envelope flags " + flags);
        }
        Optional<Recipient> replyTo = Optional.empty();
        if (flags == 1) {
            need(envelope, at, 64 + 1);
            replyTo = Optional.of(recipient(envelope, at));
            at += 64;
        }
        int n = envelope[at++] & 0xff;
        if (n < 1 || n > MAX_RECIPIENTS) {
            throw new SealException(Problem.MALFORMED, "an envelope names 1 to " + MAX_RECIPIENTS + " recipients, not " + n);
        }
        need(envelope, at, n * STANZA + MAC + NONCE + Primitives.TAG);
        List<Recipient> recipients = new ArrayList<>(n);
        Set<ContractAddress> seen = new HashSet<>();
        for (int i = 0; i < n; i++, at += STANZA) {
            Recipient r = recipient(envelope, at);
            if (!seen.add(r.address())) {
                throw new SealException(Problem.MALFORMED, "recipient " + r.address().hex() + " appears twice");
            }
            recipients.add(r);
        }
        return new Header(replyTo, recipients, at + MAC);
    }

    /**
     * Opens an envelope with a recipient's key.
     *
     * @param envelope the envelope
     * @param keys the recipient's key pair
     * @return the plaintext, the authenticated header and the content key
     * @throws SealException {@link Problem#NOT_RECIPIENT} when no stanza is for this key, {@link Problem#TAMPERED}
     *     when the stanza, header or payload was changed, {@link Problem#MALFORMED} when it is not an envelope
     */
    public static Opened open(byte[] envelope, SealKeyPair keys) {
        Header h = header(envelope);
        int at = h.headerLength() - MAC - h.recipients().size() * STANZA;
        SealPublicKey mine = keys.publicKey();
        byte[] fileKey = null;
        boolean named = false;
        for (int i = 0; i < h.recipients().size() && fileKey == null; i++, at += STANZA) {
            Recipient r = h.recipients().get(i);
            if (!r.key().equals(mine)) {
                continue;
            }
            named = true;
            SealPublicKey eph = new SealPublicKey(Arrays.copyOfRange(envelope, at + 64, at + 96));
            byte[] shared = keys.agree(eph);
            if (shared != null) {
                fileKey = Primitives.decrypt(wrapKey(shared, eph, mine), envelope, at + 96, 32,
                        Arrays.copyOfRange(envelope, at, at + 32));
            }
        }
        if (!named) {
            throw new SealException(Problem.NOT_RECIPIENT, "the envelope is not sealed to key " + mine.hex());
        }
        if (fileKey == null) {
            throw new SealException(Problem.TAMPERED, "the content key wrapped for " + mine.hex() + " does not"
                    + " authenticate: the envelope was changed");
        }
        return new Opened(openPayload(envelope, h, fileKey), h, fileKey);
    }

    /**
     * Opens an envelope with its content key, as a third party does once a recipient revealed it (e.g. to show that
     * a provider's answer was wrong).
     *
     * @param envelope the envelope
     * @param fileKey its content key
     * @return the plaintext and the authenticated header
     * @throws SealException {@link Problem#TAMPERED} when the key does not open it or it was changed
     */
    public static Opened openWithFileKey(byte[] envelope, byte[] fileKey) {
        if (fileKey == null || fileKey.length != FILE_KEY_LENGTH) {
            throw new InvalidFieldException("file_key", FILE_KEY_LENGTH + " bytes", fileKey == null ? null
                    : fileKey.length + " bytes");
        }
        Header h = header(envelope);
        return new Opened(openPayload(envelope, h, fileKey.clone()), h, fileKey.clone());
    }

    private static byte[] openPayload(byte[] envelope, Header h, byte[] fileKey) {
        int macAt = h.headerLength() - MAC;
        byte[] mac = Primitives.hmac(headerKey(fileKey), envelope, 0, macAt);
        if (!Primitives.constantTimeEquals(mac, Arrays.copyOfRange(envelope, macAt, h.headerLength()))) {
            throw new SealException(Problem.TAMPERED, "the envelope's header MAC does not verify: its recipients or"
                    + " reply-to were changed");
        }
        int at = h.headerLength();
        byte[] nonce = Arrays.copyOfRange(envelope, at, at + NONCE);
        byte[] plain = Primitives.decrypt(payloadKey(fileKey, nonce), envelope, at + NONCE,
                envelope.length - at - NONCE, new byte[0]);
        if (plain == null) {
            throw new SealException(Problem.TAMPERED, "the envelope's payload does not authenticate: it was changed");
        }
        return plain;
    }

    private static Recipient recipient(byte[] b, int at) {
        try {
            ContractAddress a = new ContractAddress(new Felt(new BigInteger(1, Arrays.copyOfRange(b, at, at + 32))));
            return new Recipient(a, new SealPublicKey(Arrays.copyOfRange(b, at + 32, at + 64)));
        } catch (InvalidFieldException e) {
            throw new SealException(Problem.MALFORMED, "an envelope address is not a Starknet address: " + e.getMessage());
        }
    }

    private static void need(byte[] b, int at, int n) {
        if (b.length - at < n) {
            throw new SealException(Problem.MALFORMED, "the envelope ends early: " + (b.length - at) + " bytes left where"
                    + " at least " + n + " were expected");
        }
    }

    private static byte[] wrapKey(byte[] shared, SealPublicKey ephemeral, SealPublicKey recipient) {
        byte[] salt = new byte[64];
        System.arraycopy(ephemeral.bytes(), 0, salt, 0, 32);
        System.arraycopy(recipient.bytes(), 0, salt, 32, 32);
        return Primitives.hkdf(shared, salt, "smainer-seal/1 wrap", 32);
    }

    private static byte[] headerKey(byte[] fileKey) {
        return Primitives.hkdf(fileKey, new byte[0], "smainer-seal/1 header", 32);
    }

    private static byte[] payloadKey(byte[] fileKey, byte[] nonce) {
        return Primitives.hkdf(fileKey, nonce, "smainer-seal/1 payload", 32);
    }
}
