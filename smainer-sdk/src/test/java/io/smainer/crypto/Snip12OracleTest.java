package io.smainer.crypto;

import static org.assertj.core.api.Assertions.assertThat;

import com.swmansion.starknet.data.TypedData;
import io.smainer.chain.ChainId;
import io.smainer.chain.ContractAddress;
import io.smainer.chain.Felt;
import io.smainer.chain.U256;
import io.smainer.crypto.internal.Felts;
import java.math.BigInteger;
import java.util.Arrays;
import java.util.Random;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * {@link Snip12} computes its hashes from cached type and domain hashes with two Poseidon calls; this
 * test checks it against starknet-jvm's full {@code TypedData} computation from the JSON document, on
 * random inputs and several domains.
 */
class Snip12OracleTest {
    private static final String DOMAIN_TYPE = "\"StarknetDomain\":[{\"name\":\"name\",\"type\":\"shortstring\"},"
            + "{\"name\":\"version\",\"type\":\"shortstring\"},{\"name\":\"chainId\",\"type\":\"shortstring\"},"
            + "{\"name\":\"revision\",\"type\":\"shortstring\"}]";

    @Test
    void loginRequestReadSealKeyAndDisputeHashesMatchStarknetJvmsTypedDataOnRandomInputs() {
        Random random = new Random(12);
        Snip12.Domain[] domains = {Snip12.Domain.smainer(ChainId.MAINNET), Snip12.Domain.smainer(ChainId.SEPOLIA),
                Snip12.Domain.smainer(ChainId.LOCAL), new Snip12.Domain("Other App", "2", ChainId.MAINNET),
                new Snip12.Domain("app 0x1", "v1.0", ChainId.SEPOLIA), new Snip12.Domain("42", "0x2a", ChainId.LOCAL)};
        for (int i = 0; i < 300; i++) {
            Snip12.Domain domain = domains[i % domains.length];
            ContractAddress account = new ContractAddress(new Felt(new BigInteger(251, random)));
            Felt nonce = new Felt(new BigInteger(250, random));
            long expiresAt = random.nextInt(Integer.MAX_VALUE);
            assertThat(Snip12.loginHash(domain, account, nonce, expiresAt))
                    .as("login hash #%d", i).isEqualTo(oracleLogin(domain, account, nonce, expiresAt));
            U256 escrowId = U256.of(new BigInteger(120, random));
            Felt jobHash = new Felt(new BigInteger(250, random));
            Felt termsHash = new Felt(new BigInteger(250, random));
            assertThat(Snip12.requestHash(domain, account, escrowId, jobHash, termsHash, nonce, expiresAt))
                    .as("request hash #%d", i)
                    .isEqualTo(oracleRequest(domain, account, escrowId, jobHash, termsHash, nonce, expiresAt));
            String taskId = UUID.randomUUID().toString();
            assertThat(Snip12.readHash(domain, account, taskId, expiresAt)).as("read hash #%d", i)
                    .isEqualTo(oracle(domain, "SmainerTaskRead", Snip12.READ_TYPE, "{\"task_hash\":\""
                            + Snip12.taskHash(taskId).hex() + "\",\"expires_at\":\"" + expiresAt + "\"}", account));
            byte[] sealKey = new byte[32];
            random.nextBytes(sealKey);
            assertThat(Snip12.sealKeyHash(domain, account, sealKey)).as("seal key hash #%d", i)
                    .isEqualTo(oracle(domain, "SmainerSealKey", Snip12.SEAL_KEY_TYPE, "{\"key_high\":\"0x"
                            + new BigInteger(1, Arrays.copyOfRange(sealKey, 0, 16)).toString(16) + "\",\"key_low\":\"0x"
                            + new BigInteger(1, Arrays.copyOfRange(sealKey, 16, 32)).toString(16) + "\"}", account));
            byte[] jobKey = new byte[16];
            byte[] resultKey = new byte[16];
            random.nextBytes(jobKey);
            random.nextBytes(resultKey);
            assertThat(Snip12.disputeHash(domain, account, taskId, jobKey, resultKey, expiresAt)).as("dispute hash #%d", i)
                    .isEqualTo(oracle(domain, "SmainerSealedDispute", Snip12.DISPUTE_TYPE, "{\"task_hash\":\""
                            + Snip12.taskHash(taskId).hex() + "\",\"job_file_key\":\"0x" + new BigInteger(1, jobKey).toString(16)
                            + "\",\"result_file_key\":\"0x" + new BigInteger(1, resultKey).toString(16)
                            + "\",\"expires_at\":\"" + expiresAt + "\"}", account));
        }
    }

    private static Felt oracleLogin(Snip12.Domain d, ContractAddress provider, Felt nonce, long expiresAt) {
        String message = "{\"provider\":\"" + provider.hex() + "\",\"nonce\":\"" + nonce.hex()
                + "\",\"expires_at\":\"" + expiresAt + "\"}";
        String types = "\"SmainerLogin\":[{\"name\":\"provider\",\"type\":\"ContractAddress\"},"
                + "{\"name\":\"nonce\",\"type\":\"felt\"},{\"name\":\"expires_at\",\"type\":\"timestamp\"}]";
        return oracle(d, "SmainerLogin", types, message, provider);
    }

    private static Felt oracleRequest(Snip12.Domain d, ContractAddress demander, U256 escrowId, Felt jobHash,
            Felt termsHash, Felt nonce, long expiresAt) {
        String message = "{\"escrow_id\":\"" + escrowId.toFelt().hex() + "\",\"job_hash\":\"" + jobHash.hex()
                + "\",\"terms_hash\":\"" + termsHash.hex() + "\",\"nonce\":\"" + nonce.hex() + "\",\"expires_at\":\""
                + expiresAt + "\"}";
        String types = "\"SmainerTaskRequest\":[{\"name\":\"escrow_id\",\"type\":\"felt\"},"
                + "{\"name\":\"job_hash\",\"type\":\"felt\"},{\"name\":\"terms_hash\",\"type\":\"felt\"},"
                + "{\"name\":\"nonce\",\"type\":\"felt\"},{\"name\":\"expires_at\",\"type\":\"timestamp\"}]";
        return oracle(d, "SmainerTaskRequest", types, message, demander);
    }

    private static Felt oracle(Snip12.Domain d, String primaryType, String types, String message, ContractAddress account) {
        String json = "{\"types\":{" + DOMAIN_TYPE + "," + types + "},\"primaryType\":\"" + primaryType + "\","
                + "\"domain\":{\"name\":\"" + d.name() + "\",\"version\":\"" + d.version() + "\",\"chainId\":\""
                + d.chainId().name() + "\",\"revision\":\"1\"},\"message\":" + message + "}";
        return Felts.fromSn(TypedData.fromJsonString(json).getMessageHash(Felts.toSn(account.felt())));
    }
}
