package io.smainer.crypto;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.smainer.InvalidFieldException;
import io.smainer.Require;
import io.smainer.chain.ChainId;
import io.smainer.chain.ContractAddress;
import io.smainer.chain.Felt;
import io.smainer.chain.U256;
import io.smainer.crypto.internal.FastPoseidon;
import io.smainer.crypto.internal.SnKeccak;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * SNIP-12 (revision 1) typed data for the messages only this protocol defines: the provider's login
 * challenge, the demander's task request, the demander's read of its own task and the demander's dispute of a sealed
 * task's result. Each is bound to a domain (name, version, chain id), the
 * signer's address, a nonce and an expiry, so a signature cannot be replayed on another chain, by
 * another account, or after it expires. The hashes are SNIP-12's, so wallets that speak SNIP-12 produce
 * the same hash for the same typed data.
 */
public final class Snip12 {
    private Snip12() {
    }

    /**
     * The SNIP-12 domain.
     *
     * @param name the application, a short string
     * @param version its message version, a short string
     * @param chainId the chain
     */
    public record Domain(String name, String version, ChainId chainId) {
        /** Validates every field. */
        public Domain {
            Require.text("domain.name", name, 31);
            Require.text("domain.version", version, 31);
            Require.present("domain.chain_id", chainId);
        }

        /**
         * @param chainId the chain
         * @return the domain Smainer's relayer and clients use: name {@code Smainer}, version {@code 1}
         */
        public static Domain smainer(ChainId chainId) {
            return new Domain("Smainer", "1", chainId);
        }
    }

    private static final String DOMAIN_TYPE = "\"StarknetDomain\":[{\"name\":\"name\",\"type\":\"shortstring\"},"
            + "{\"name\":\"version\",\"type\":\"shortstring\"},{\"name\":\"chainId\",\"type\":\"shortstring\"},"
            + "{\"name\":\"revision\",\"type\":\"shortstring\"}]";
    private static final String LOGIN_TYPE = "\"SmainerLogin\":[{\"name\":\"provider\",\"type\":\"ContractAddress\"},"
            + "{\"name\":\"nonce\",\"type\":\"felt\"},{\"name\":\"expires_at\",\"type\":\"timestamp\"}]";
    /** The task request's type: every field of a {@code POST /tasks} but the signature, through the job and terms hashes. */
    public static final String REQUEST_TYPE = "\"SmainerTaskRequest\":[{\"name\":\"escrow_id\",\"type\":\"felt\"},"
            + "{\"name\":\"job_hash\",\"type\":\"felt\"},{\"name\":\"terms_hash\",\"type\":\"felt\"},"
            + "{\"name\":\"nonce\",\"type\":\"felt\"},{\"name\":\"expires_at\",\"type\":\"timestamp\"}]";
    /** A demander's read of its own task's details and result. */
    public static final String READ_TYPE = "\"SmainerTaskRead\":[{\"name\":\"task_hash\",\"type\":\"felt\"},"
            + "{\"name\":\"expires_at\",\"type\":\"timestamp\"}]";
    /** A provider's sealing key, bound to its account: the key's 32 bytes as two 128-bit halves. */
    public static final String SEAL_KEY_TYPE = "\"SmainerSealKey\":[{\"name\":\"key_high\",\"type\":\"u128\"},"
            + "{\"name\":\"key_low\",\"type\":\"u128\"}]";
    /**
     * A demander's dispute of its sealed task's result: the task, the two content keys it reveals (the sealed job's and
     * the sealed result's, 16 bytes each, read big-endian as u128) and an expiry.
     */
    public static final String DISPUTE_TYPE = "\"SmainerSealedDispute\":[{\"name\":\"task_hash\",\"type\":\"felt\"},"
            + "{\"name\":\"job_file_key\",\"type\":\"u128\"},{\"name\":\"result_file_key\",\"type\":\"u128\"},"
            + "{\"name\":\"expires_at\",\"type\":\"timestamp\"}]";
    private static final Felt STARKNET_MESSAGE = Felt.fromShortString("StarkNet Message");
    private static final Set<String> BASIC_TYPES = Set.of("felt", "shortstring", "ContractAddress", "timestamp", "u128");
    private static final Felt DOMAIN_TYPE_HASH = typeHash(DOMAIN_TYPE, "StarknetDomain");
    private static final Felt LOGIN_TYPE_HASH = typeHash(LOGIN_TYPE, "SmainerLogin");
    private static final Felt REQUEST_TYPE_HASH = typeHash(REQUEST_TYPE, "SmainerTaskRequest");
    private static final Felt READ_TYPE_HASH = typeHash(READ_TYPE, "SmainerTaskRead");
    private static final Felt SEAL_KEY_TYPE_HASH = typeHash(SEAL_KEY_TYPE, "SmainerSealKey");
    private static final Felt DISPUTE_TYPE_HASH = typeHash(DISPUTE_TYPE, "SmainerSealedDispute");
    /** Per domain, the Poseidon sponge after "StarkNet Message" and the domain's hash, which every message starts with. */
    private static final Map<Domain, FastPoseidon.Prefix> DOMAIN_PREFIXES = new ConcurrentHashMap<>();

    /**
     * The hash a provider signs to log in: {@code SmainerLogin(provider, nonce, expires_at)}.
     *
     * @param domain the domain
     * @param provider the provider's account address (also the SNIP-12 account)
     * @param nonce the relayer's challenge nonce
     * @param expiresAt epoch seconds
     * @return the message hash
     */
    public static Felt loginHash(Domain domain, ContractAddress provider, Felt nonce, long expiresAt) {
        return messageHash(domain, provider, LOGIN_TYPE_HASH, provider.felt(), nonce, timestamp(expiresAt));
    }

    /**
     * The hash a demander signs to submit a task:
     * {@code SmainerTaskRequest(escrow_id, job_hash, terms_hash, nonce, expires_at)}. With the demander as the
     * SNIP-12 account, it covers every field of the request but the signature: the job (kind, parameters,
     * payload, timeout and memory limits) through {@code job_hash}, the settlement mode and webhook URL through
     * {@code terms_hash} ({@code Api.SubmitTask.termsHash}).
     *
     * @param domain the domain
     * @param demander the escrow's creator (also the SNIP-12 account)
     * @param escrowId the on-chain task id, below the Stark prime
     * @param jobHash the job's content hash
     * @param termsHash the hash of the request's terms (settlement mode, webhook URL)
     * @param nonce a fresh nonce
     * @param expiresAt epoch seconds
     * @return the message hash
     */
    public static Felt requestHash(Domain domain, ContractAddress demander, U256 escrowId, Felt jobHash, Felt termsHash,
            Felt nonce, long expiresAt) {
        return messageHash(domain, demander, REQUEST_TYPE_HASH, escrowId.toFelt(), jobHash, termsHash, nonce,
                timestamp(expiresAt));
    }

    /**
     * The hash a demander signs to read its own task's details and result:
     * {@code SmainerTaskRead(task_hash, expires_at)}, where {@code task_hash} is {@link #taskHash(String)}.
     *
     * @param domain the domain
     * @param demander the task's demander (also the SNIP-12 account)
     * @param taskId the relayer's task id
     * @param expiresAt epoch seconds
     * @return the message hash
     */
    public static Felt readHash(Domain domain, ContractAddress demander, String taskId, long expiresAt) {
        return messageHash(domain, demander, READ_TYPE_HASH, taskHash(taskId), timestamp(expiresAt));
    }

    /**
     * The hash a provider signs to bind its X25519 sealing key to its account: {@code SmainerSealKey(key_high,
     * key_low)}, the key's 32 bytes read big-endian as two 128-bit numbers, with the provider as the SNIP-12 account.
     *
     * @param domain the domain
     * @param provider the provider's account
     * @param sealKey the key's 32 bytes
     * @return the message hash
     */
    public static Felt sealKeyHash(Domain domain, ContractAddress provider, byte[] sealKey) {
        if (sealKey == null || sealKey.length != 32) {
            throw new InvalidFieldException("seal_key", "32 bytes", sealKey == null ? null : sealKey.length + " bytes");
        }
        return messageHash(domain, provider, SEAL_KEY_TYPE_HASH,
                new Felt(new BigInteger(1, Arrays.copyOfRange(sealKey, 0, 16))),
                new Felt(new BigInteger(1, Arrays.copyOfRange(sealKey, 16, 32))));
    }

    /**
     * The hash a demander signs to dispute its sealed task's result: {@code SmainerSealedDispute(task_hash,
     * job_file_key, result_file_key, expires_at)}, with the demander as the SNIP-12 account.
     *
     * @param domain the domain
     * @param demander the task's demander
     * @param taskId the relayer's task id
     * @param jobFileKey the sealed job's content key, 16 bytes
     * @param resultFileKey the sealed result's content key, 16 bytes
     * @param expiresAt epoch seconds
     * @return the message hash
     */
    public static Felt disputeHash(Domain domain, ContractAddress demander, String taskId, byte[] jobFileKey,
            byte[] resultFileKey, long expiresAt) {
        return messageHash(domain, demander, DISPUTE_TYPE_HASH, taskHash(taskId), u128("job_file_key", jobFileKey),
                u128("result_file_key", resultFileKey), timestamp(expiresAt));
    }

    /** A 16-byte content key as the u128 it is read as; a refusal names its length, never its bytes. */
    private static Felt u128(String field, byte[] key) {
        if (key == null || key.length != 16) {
            throw new InvalidFieldException(field, "16 bytes", key == null ? null : key.length + " bytes");
        }
        return new Felt(new BigInteger(1, key));
    }

    /**
     * @param taskId a relayer's task id
     * @return SHA-256 of its UTF-8 bytes, reduced modulo the Stark prime
     */
    public static Felt taskHash(String taskId) {
        return Receipts.resultHash(taskId.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * The SNIP-12 revision 1 message hash,
     * {@code poseidon("StarkNet Message", domain_hash, account, poseidon(type_hash, fields...))}. Type hashes
     * and each domain's hash are computed once and cached; a message then costs two Poseidon sponges on the
     * SDK's own Poseidon ({@code FastPoseidon}). {@code Snip12OracleTest} checks it against starknet-jvm's full
     * {@code TypedData} computation (which the SDK does not load at run time: its Kotlin reflection took
     * seconds at the first login).
     */
    private static Felt messageHash(Domain domain, ContractAddress account, Felt typeHash, Felt... fields) {
        List<Felt> struct = new ArrayList<>(fields.length + 1);
        struct.add(typeHash);
        struct.addAll(Arrays.asList(fields));
        Felt structHash = FastPoseidon.hashMany(struct);
        FastPoseidon.Prefix prefix = DOMAIN_PREFIXES.computeIfAbsent(domain,
                d -> FastPoseidon.prefix(STARKNET_MESSAGE, domainHash(d)));
        return FastPoseidon.hashMany(prefix, List.of(account.felt(), structHash));
    }

    /** SNIP-12 revision 1: {@code poseidon(type_hash(StarknetDomain), name, version, chainId, revision)}. */
    private static Felt domainHash(Domain d) {
        return FastPoseidon.hashMany(List.of(DOMAIN_TYPE_HASH, shortString(d.name()), shortString(d.version()),
                shortString(d.chainId().name()), shortString("1")));
    }

    /**
     * A {@code shortstring} value as SNIP-12 implementations encode it (starknet.js, starknet-jvm): a decimal
     * numeral is its number, a {@code 0x} numeral its hex value, anything else its ASCII bytes.
     */
    private static Felt shortString(String value) {
        if (value.matches("[0-9]+")) {
            return Felt.of(new BigInteger(value));
        }
        if (value.matches("0x[0-9a-fA-F]+")) {
            return Felt.parse(value);
        }
        return Felt.fromShortString(value);
    }

    /**
     * SNIP-12 revision 1's type hash, {@code sn_keccak(encodeType)}, of a struct whose fields are all basic types
     * (as every type here is): {@code "Name"("field":"type",...)}.
     *
     * @param types the type as its JSON entry, {@code "Name":[{"name":..,"type":..},...]}
     * @param primaryType its name
     */
    private static Felt typeHash(String types, String primaryType) {
        JsonArray fields = JsonParser.parseString("{" + types + "}").getAsJsonObject().getAsJsonArray(primaryType);
        StringBuilder encoded = new StringBuilder("\"").append(primaryType).append("\"(");
        for (int i = 0; i < fields.size(); i++) {
            JsonObject f = fields.get(i).getAsJsonObject();
            String type = f.get("type").getAsString();
            if (!BASIC_TYPES.contains(type)) {
                throw new IllegalArgumentException("only basic types are encoded here, not " + type);
            }
            encoded.append(i == 0 ? "" : ",").append('"').append(f.get("name").getAsString()).append("\":\"")
                    .append(type).append('"');
        }
        return SnKeccak.hash(encoded.append(')').toString());
    }

    private static Felt timestamp(long epochSeconds) {
        if (epochSeconds < 0) {
            throw new InvalidFieldException("expires_at", "epoch seconds, not negative", epochSeconds);
        }
        return Felt.of(epochSeconds);
    }
}
