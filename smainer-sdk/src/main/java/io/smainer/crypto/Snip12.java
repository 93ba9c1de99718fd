package io.smainer.crypto;

import com.swmansion.starknet.data.TypedData;
import io.smainer.chain.ChainId;
import io.smainer.chain.ContractAddress;
import io.smainer.chain.Felt;
import io.smainer.chain.U256;
import io.smainer.crypto.internal.Felts;
import io.smainer.internal.Require;

/**
 * SNIP-12 (revision 1) typed data for the messages only this protocol defines: the provider's login
 * challenge and the demander's task request. Each is bound to a domain (name, version, chain id), the
 * signer's address, a nonce and an expiry, so a signature cannot be replayed on another chain, by
 * another account, or after it expires. Hashes are computed by starknet-jvm's {@code TypedData}, so
 * wallets that speak SNIP-12 produce the same hash.
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
        String message = "{\"provider\":\"" + provider.hex() + "\",\"nonce\":\"" + nonce.hex()
                + "\",\"expires_at\":\"" + expiresAt + "\"}";
        String types = "\"SmainerLogin\":[{\"name\":\"provider\",\"type\":\"ContractAddress\"},"
                + "{\"name\":\"nonce\",\"type\":\"felt\"},{\"name\":\"expires_at\",\"type\":\"timestamp\"}]";
        return hash(domain, "SmainerLogin", types, message, provider);
    }

    /**
     * The hash a demander signs to submit a task:
     * {@code SmainerTaskRequest(escrow_id, job_hash, nonce, expires_at)}.
     *
     * @param domain the domain
     * @param demander the escrow's creator (also the SNIP-12 account)
     * @param escrowId the on-chain task id, below the Stark prime
     * @param jobHash the job's content hash
     * @param nonce a fresh nonce
     * @param expiresAt epoch seconds
     * @return the message hash
     */
    public static Felt requestHash(Domain domain, ContractAddress demander, U256 escrowId, Felt jobHash, Felt nonce,
            long expiresAt) {
        String message = "{\"escrow_id\":\"" + escrowId.toFelt().hex() + "\",\"job_hash\":\"" + jobHash.hex()
                + "\",\"nonce\":\"" + nonce.hex() + "\",\"expires_at\":\"" + expiresAt + "\"}";
        String types = "\"SmainerTaskRequest\":[{\"name\":\"escrow_id\",\"type\":\"felt\"},"
                + "{\"name\":\"job_hash\",\"type\":\"felt\"},{\"name\":\"nonce\",\"type\":\"felt\"},"
                + "{\"name\":\"expires_at\",\"type\":\"timestamp\"}]";
        return hash(domain, "SmainerTaskRequest", types, message, demander);
    }

    private static Felt hash(Domain domain, String primaryType, String types, String message, ContractAddress account) {
        String json = "{\"types\":{\"StarknetDomain\":[{\"name\":\"name\",\"type\":\"shortstring\"},"
                + "{\"name\":\"version\",\"type\":\"shortstring\"},{\"name\":\"chainId\",\"type\":\"shortstring\"},"
                + "{\"name\":\"revision\",\"type\":\"shortstring\"}]," + types + "},"
                + "\"primaryType\":\"" + primaryType + "\","
                + "\"domain\":{\"name\":\"" + domain.name() + "\",\"version\":\"" + domain.version()
                + "\",\"chainId\":\"" + domain.chainId().name() + "\",\"revision\":\"1\"},"
                + "\"message\":" + message + "}";
        return Felts.fromSn(TypedData.fromJsonString(json).getMessageHash(Felts.toSn(account.felt())));
    }
}
