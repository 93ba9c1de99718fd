package io.smainer.crypto;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.smainer.crypto.Keystore.KeystoreException;
import io.smainer.crypto.Keystore.Problem;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

/** Web3 Secret Storage v3 keystores (the format starkli's are in): the definition's vectors and a scrypt one. */
class Web3KeystoreTest {
    private static final String SECRET = "7a28b5ba57c53603b0b07b56bba752f7784bf506fa95edc395f5cf6c7514fe9d";
    private static final String PBKDF2 = """
            {"crypto": {"cipher": "aes-128-ctr", "cipherparams": {"iv": "6087dab2f9fdbbfaddc31a909735c1e6"},
              "ciphertext": "5318b4d5bcd28de64ee5559e671353e16f075ecae9f99c7a79a38af5f869aa46",
              "kdf": "pbkdf2", "kdfparams": {"c": 262144, "dklen": 32, "prf": "hmac-sha256",
                "salt": "ae3cd4e7013836a3df6bd7241b12db061dbe2c6785853cce422d148a624ce0bd"},
              "mac": "517ead924a9d0dc3124507e3393d175ce3ff7c1e96529c6c555ce9e51205e9b2"},
             "id": "3198bc9c-6672-5ab3-d995-4942343ae5b6", "version": 3}""";
    /** The definition's scrypt vector: n=2^18 with r=1, past scrypt's bound N < 2^(16r) that BouncyCastle enforces. */
    private static final String SCRYPT_R1 = """
            {"crypto": {"cipher": "aes-128-ctr", "cipherparams": {"iv": "83dbcc02d8ccb40e466191a123791e0e"},
              "ciphertext": "d172bf743a674da9cdad04534d56926ef8358534d458fffccd4e6ad2fbde479c",
              "kdf": "scrypt", "kdfparams": {"dklen": 32, "n": 262144, "p": 8, "r": 1,
                "salt": "ab0c7876052600dd703518d6fc3fe8984592145b591fc8fb5c6d43190334ba19"},
              "mac": "2103ac29920d71da29f15d75b4a16dbe95cfd7ff8faea1056c33131d846e3097"},
             "id": "3198bc9c-6672-5ab3-d995-4942343ae5b6", "version": 3}""";
    /**
     * A scrypt keystore with starkli's parameters (n=8192, r=8, p=1), password {@code 123}, from a public Rust test
     * suite: its MAC matches only when scrypt and Keccak-256 are computed as written.
     */
    private static final String SCRYPT = """
            {"crypto":{"cipher":"aes-128-ctr","cipherparams":{"iv":"479a498cce1c80a0ac51dd183f9b96ef"},
              "ciphertext":"ce40d0bab943352214fbd7923310ba607489e76bf2622ffebea558cbfb27c77b","kdf":"scrypt",
              "kdfparams":{"dklen":32,"n":8192,"p":1,"r":8,
                "salt":"395438174df838577ec499d71ad5fe67ced8cf09e8096930619a6f427abf5cf8"},
              "mac":"5a41fed1220c6b78068f5f15d1009f5914abacf4eb9c36cb9aebc258f50b233b"},
             "id":"6726da52-1ae5-4f65-9469-04c2da8a35d6","version":3}""";

    @Test
    void opensThePbkdf2VectorAndAScryptKeystoreWithStarklisParameters() {
        assertThat(HexFormat.of().formatHex(Web3Keystore.decrypt(PBKDF2, "testpassword".toCharArray(), "pbkdf2")))
                .isEqualTo(SECRET);
        assertThat(Web3Keystore.decrypt(SCRYPT, "123".toCharArray(), "scrypt")).hasSize(32);
        assertThatThrownBy(() -> Web3Keystore.decrypt(SCRYPT, "124".toCharArray(), "scrypt"))
                .isInstanceOfSatisfying(KeystoreException.class, e -> assertThat(e.problem())
                        .isEqualTo(Problem.WRONG_PASSPHRASE));
        assertThatThrownBy(() -> Web3Keystore.decrypt(SCRYPT_R1, "testpassword".toCharArray(), "r1.json"))
                .isInstanceOfSatisfying(KeystoreException.class, e -> assertThat(e.getMessage())
                        .contains("r=1").contains("starkli writes n=8192 r=8"));
    }

    @Test
    void aWrongPasswordOrAnAlteredFileIsRefusedNamingWhy() {
        assertThatThrownBy(() -> Web3Keystore.decrypt(PBKDF2, "not-the-password".toCharArray(), "k.json"))
                .isInstanceOfSatisfying(KeystoreException.class, e -> {
                    assertThat(e.problem()).isEqualTo(Problem.WRONG_PASSPHRASE);
                    assertThat(e.getMessage()).contains("k.json");
                });
        String altered = PBKDF2.replace("5318b4d5", "5318b4d6");
        assertThatThrownBy(() -> Web3Keystore.decrypt(altered, "testpassword".toCharArray(), "k.json"))
                .isInstanceOfSatisfying(KeystoreException.class, e -> assertThat(e.problem())
                        .isEqualTo(Problem.WRONG_PASSPHRASE));
        String hostile = SCRYPT.replace("\"n\":8192", "\"n\":1073741824");
        assertThatThrownBy(() -> Web3Keystore.decrypt(hostile, "testpassword".toCharArray(), "k.json"))
                .isInstanceOfSatisfying(KeystoreException.class, e -> {
                    assertThat(e.problem()).isEqualTo(Problem.DAMAGED);
                    assertThat(e.getMessage()).contains("out of bounds");
                });
        assertThatThrownBy(() -> Web3Keystore.decrypt("{\"version\": 3}", "x".toCharArray(), "k.json"))
                .isInstanceOfSatisfying(KeystoreException.class, e -> assertThat(e.problem()).isEqualTo(Problem.DAMAGED));
    }
}
