package io.smainer.escrow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.smainer.chain.ContractAddress;
import io.smainer.chain.Felt;
import io.smainer.chain.U256;
import io.smainer.crypto.KeyPair;
import io.smainer.crypto.Snip12;
import io.smainer.crypto.StarkCrypto;
import io.smainer.escrow.internal.Abi;
import io.smainer.escrow.local.LedgerRpcServer.AccountKind;
import io.smainer.escrow.local.TestRpcNode;
import java.math.BigInteger;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@link StarknetEscrow#isValidSignature} (SNIP-6) over JSON-RPC against the local node's account models, with
 * real Stark signatures over a real SNIP-12 request hash: accepted, refused, and the ways it cannot ask.
 */
class AccountSignatureIT {
    private static final StarkCrypto CRYPTO = StarkCrypto.defaultCrypto();
    private static final ContractAddress RELAYER = ContractAddress.of(0x0b12);
    private static final ContractAddress STANDARD = ContractAddress.of(0x0b21);
    private static final ContractAddress SNIP6_ONLY = ContractAddress.of(0x0b22);
    private static final ContractAddress LEGACY = ContractAddress.of(0x0b23);
    private static final ContractAddress ARGENT = ContractAddress.of(0x0b24);
    private static final ContractAddress ARGENT_NO_GUARDIAN = ContractAddress.of(0x0b25);
    private static final KeyPair RELAYER_KEY = KeyPair.fromPrivateKey(Felt.parse("0x7e1a1"), CRYPTO);
    private static final KeyPair OWNER_KEY = KeyPair.fromPrivateKey(Felt.parse("0x0a11ce"), CRYPTO);
    private static final KeyPair OTHER_KEY = KeyPair.fromPrivateKey(Felt.parse("0x0b0b"), CRYPTO);
    private static final KeyPair GUARDIAN_KEY = KeyPair.fromPrivateKey(Felt.parse("0x9a4d"), CRYPTO);

    private final Ledger ledger = Ledger.builder().owner(ContractAddress.of(0x0b01)).relayer(RELAYER)
            .treasury(ContractAddress.of(0x0b03)).build();
    private TestRpcNode node;
    private StarknetEscrow client;

    @BeforeEach
    void start() {
        node = TestRpcNode.builder().ledger(ledger).crypto(CRYPTO).start();
        node.addAccount(RELAYER, RELAYER_KEY.publicKey());
        node.addAccount(STANDARD, OWNER_KEY.publicKey(), AccountKind.STANDARD);
        node.addAccount(SNIP6_ONLY, OWNER_KEY.publicKey(), AccountKind.SNIP6_ONLY);
        node.addAccount(LEGACY, OWNER_KEY.publicKey(), AccountKind.LEGACY);
        node.addArgentAccount(ARGENT, OWNER_KEY.publicKey(), Optional.of(GUARDIAN_KEY.publicKey()));
        node.addAccount(ARGENT_NO_GUARDIAN, OWNER_KEY.publicKey(), AccountKind.ARGENT);
        client = StarknetEscrow.builder().rpcUrl(node.url()).account(RELAYER).privateKey(RELAYER_KEY.privateKey())
                .contract(ledger.contract()).token(ledger.token()).chainId(ledger.chainId())
                .requestTimeout(Duration.ofSeconds(5)).crypto(CRYPTO).build();
    }

    @AfterEach
    void stop() {
        client.close();
        node.close();
    }

    /** The hash a demander signs for a task request, bound to its account. */
    private Felt requestHash(ContractAddress demander) {
        return Snip12.requestHash(Snip12.Domain.smainer(ledger.chainId()), demander, U256.of(7), Felt.of(0xab), Felt.of(0xcd),
                Felt.of(99), 2_000_000_000L);
    }

    private static List<Felt> sign(KeyPair key, Felt hash) {
        return CRYPTO.sign(key.privateKey(), hash).toList();
    }

    private int starknetCalls() {
        return node.callCount("starknet_call");
    }

    @Test
    void aStandardAccountAcceptsTheSignatureOfItsKeyWithValidInOneCall() {
        Felt hash = requestHash(STANDARD);
        int before = starknetCalls();

        SignatureVerdict verdict = client.isValidSignature(STANDARD, hash, sign(OWNER_KEY, hash));

        assertThat(verdict.accepted()).isTrue();
        assertThat(verdict.answer()).isEqualTo("is_valid_signature returned 'VALID'");
        assertThat(starknetCalls() - before).isEqualTo(1);
        assertThat(node.observedCalls()).last().satisfies(o -> {
            assertThat(o.call().selector()).isEqualTo(Abi.selector("is_valid_signature"));
            assertThat(o.call().calldata()).containsExactly(hash, Felt.of(2), sign(OWNER_KEY, hash).get(0),
                    sign(OWNER_KEY, hash).get(1));
        });
    }

    @Test
    void anAccountThatExposesNoKeyIsAskedThroughSnip6AndRefusesAnotherKeysSignature() {
        Felt hash = requestHash(SNIP6_ONLY);
        assertThat(client.accountPublicKey(SNIP6_ONLY)).as("no get_public_key: RPC error 21, read as no key").isEmpty();

        assertThat(client.isValidSignature(SNIP6_ONLY, hash, sign(OWNER_KEY, hash)).accepted()).isTrue();
        SignatureVerdict other = client.isValidSignature(SNIP6_ONLY, hash, sign(OTHER_KEY, hash));
        assertThat(other.accepted()).isFalse();
        assertThat(other.answer()).isEqualTo("is_valid_signature returned 0x0");
        // the owner's signature over another hash: refused too
        Felt otherHash = requestHash(STANDARD);
        assertThat(client.isValidSignature(SNIP6_ONLY, hash, sign(OWNER_KEY, otherHash)).accepted()).isFalse();
    }

    @Test
    void aRevertWhileCheckingIsARefusalWithTheAccountsReason() {
        Felt hash = requestHash(SNIP6_ONLY);
        List<Felt> three = List.of(Felt.ONE, Felt.of(2), Felt.of(3));

        SignatureVerdict verdict = client.isValidSignature(SNIP6_ONLY, hash, three);

        assertThat(verdict.accepted()).isFalse();
        assertThat(verdict.answer()).isEqualTo("is_valid_signature reverted: invalid-signature-length");
        // a standard account answers 0 to the same
        assertThat(client.isValidSignature(STANDARD, hash, three).answer()).isEqualTo("is_valid_signature returned 0x0");
    }

    @Test
    void aCairo0AccountIsAskedByItsOldNameAndItsOneIsAccepted() {
        Felt hash = requestHash(LEGACY);
        int before = starknetCalls();

        SignatureVerdict verdict = client.isValidSignature(LEGACY, hash, sign(OWNER_KEY, hash));

        assertThat(verdict.accepted()).isTrue();
        assertThat(verdict.answer()).isEqualTo("isValidSignature returned 0x1");
        assertThat(starknetCalls() - before).as("is_valid_signature (missing), then isValidSignature").isEqualTo(2);
        assertThat(client.isValidSignature(LEGACY, hash, sign(OTHER_KEY, hash)))
                .isEqualTo(new SignatureVerdict(false, "isValidSignature returned 0x0"));
    }

    @Test
    void anAddressWithNoContractCannotBeAsked() {
        ContractAddress nobody = ContractAddress.of(0x0bad);
        Felt hash = requestHash(nobody);

        assertThatThrownBy(() -> client.isValidSignature(nobody, hash, sign(OWNER_KEY, hash)))
                .isInstanceOfSatisfying(SignatureCheckUnavailableException.class, e -> {
                    assertThat(e.kind()).isEqualTo(SignatureCheckUnavailableException.Kind.NOT_DEPLOYED);
                    assertThat(e.account()).isEqualTo(nobody);
                    assertThat(e.rpcCode()).isEqualTo(20);
                })
                .hasMessage("account " + nobody.hex() + " could not be asked whether it accepts the signature: no "
                        + "contract is deployed at that address");
    }

    @Test
    void aContractWithNeitherEntryPointCannotBeAsked() {
        // the ledger's token contract has no signature check; the node reports it as a revert (ENTRYPOINT_NOT_FOUND)
        Felt hash = requestHash(ledger.token());

        assertThatThrownBy(() -> client.isValidSignature(ledger.token(), hash, sign(OWNER_KEY, hash)))
                .isInstanceOfSatisfying(SignatureCheckUnavailableException.class,
                        e -> assertThat(e.kind()).isEqualTo(SignatureCheckUnavailableException.Kind.NOT_SUPPORTED))
                .hasMessageContaining("account " + ledger.token().hex() + " could not be asked")
                .hasMessageContaining("neither is_valid_signature (SNIP-6) nor isValidSignature");
    }

    @Test
    void aNodeThatDoesNotAnswerIsNotARefusal() {
        Felt hash = requestHash(SNIP6_ONLY);
        node.close();

        assertThatThrownBy(() -> client.isValidSignature(SNIP6_ONLY, hash, sign(OWNER_KEY, hash)))
                .isInstanceOfSatisfying(SignatureCheckUnavailableException.class, e -> {
                    assertThat(e.kind()).isEqualTo(SignatureCheckUnavailableException.Kind.NODE_UNAVAILABLE);
                    assertThat(e.account()).isEqualTo(SNIP6_ONLY);
                })
                .isInstanceOf(ChainException.class)
                .hasMessageStartingWith("account " + SNIP6_ONLY.hex() + " could not be asked whether it accepts the "
                        + "signature: the Starknet node could not be reached");
    }

    @Test
    void aNodeThatHangsOnAnAccountIsCutOffAtTheAccountCheckTimeoutNotTheRequestTimeout() {
        Felt hash = requestHash(SNIP6_ONLY);
        Duration requestTimeout = Duration.ofSeconds(20);
        try (StarknetEscrow impatient = StarknetEscrow.builder().rpcUrl(node.url()).account(RELAYER)
                .privateKey(RELAYER_KEY.privateKey()).contract(ledger.contract()).token(ledger.token())
                .chainId(ledger.chainId()).requestTimeout(requestTimeout).accountCheckTimeout(Duration.ofMillis(300))
                .crypto(CRYPTO).build()) {
            node.holdAccountCalls();
            long start = System.nanoTime();

            assertThatThrownBy(() -> impatient.accountPublicKey(STANDARD)).isInstanceOf(ChainException.class)
                    .hasMessageContaining("the Starknet node could not be reached");
            assertThatThrownBy(() -> impatient.isValidSignature(SNIP6_ONLY, hash, sign(OWNER_KEY, hash)))
                    .isInstanceOfSatisfying(SignatureCheckUnavailableException.class, e -> assertThat(e.kind())
                            .isEqualTo(SignatureCheckUnavailableException.Kind.NODE_UNAVAILABLE));

            // both calls reached the node and were given up on long before the 20 s request limit
            assertThat(node.heldAccountCalls()).isEqualTo(2);
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(requestTimeout);
            // calls to other contracts keep the request limit and are answered while the accounts hang
            assertThat(impatient.relayer()).isEqualTo(RELAYER);
            node.releaseAccountCalls();
            assertThat(impatient.accountPublicKey(STANDARD)).contains(OWNER_KEY.publicKey());
            assertThat(impatient.isValidSignature(SNIP6_ONLY, hash, sign(OWNER_KEY, hash)).accepted()).isTrue();
        }
    }

    /** Argent's signer list: {@code [count, (0, pubkey, r, s) per signer]}. */
    private static List<Felt> signerList(Felt hash, KeyPair... signers) {
        List<Felt> out = new ArrayList<>(List.of(Felt.of(signers.length)));
        for (KeyPair k : signers) {
            out.add(Felt.ZERO);
            out.add(k.publicKey());
            out.addAll(sign(k, hash));
        }
        return out;
    }

    @Test
    void anArgentStyleAccountWithAGuardianAcceptsItsSignerListOfNineFeltsAndRefusesEveryOtherShape() {
        Felt hash = requestHash(ARGENT);
        List<Felt> both = signerList(hash, OWNER_KEY, GUARDIAN_KEY);
        assertThat(both).hasSize(9);
        assertThat(client.accountPublicKey(ARGENT)).as("no get_public_key").isEmpty();

        assertThat(client.isValidSignature(ARGENT, hash, both))
                .isEqualTo(new SignatureVerdict(true, "is_valid_signature returned 'VALID'"));
        List<Felt> concise = new ArrayList<>(sign(OWNER_KEY, hash));
        concise.addAll(sign(GUARDIAN_KEY, hash));
        assertThat(client.isValidSignature(ARGENT, hash, concise).accepted()).as("the concise form").isTrue();

        List<Felt> tampered = new ArrayList<>(both);
        tampered.set(8, Felt.of(tampered.get(8).value().add(BigInteger.ONE)));
        assertThat(client.isValidSignature(ARGENT, hash, tampered))
                .isEqualTo(new SignatureVerdict(false, "is_valid_signature returned 0x0"));
        assertThat(client.isValidSignature(ARGENT, hash, signerList(hash, OWNER_KEY, OTHER_KEY)).accepted())
                .as("another key as guardian").isFalse();
        assertThat(client.isValidSignature(ARGENT, hash, signerList(hash, OWNER_KEY)).answer())
                .as("the owner alone").isEqualTo("is_valid_signature reverted: argent/invalid-signature-length");
        assertThat(client.isValidSignature(ARGENT, hash, sign(OWNER_KEY, hash)).answer())
                .isEqualTo("is_valid_signature reverted: argent/invalid-signature-length");
        assertThat(client.isValidSignature(ARGENT, hash, both.subList(0, 7)).answer())
                .isEqualTo("is_valid_signature reverted: argent/invalid-signature-format");
    }

    @Test
    void anArgentStyleAccountWithoutAGuardianAcceptsTheOwnersListOrItsRS() {
        Felt hash = requestHash(ARGENT_NO_GUARDIAN);

        assertThat(client.isValidSignature(ARGENT_NO_GUARDIAN, hash, signerList(hash, OWNER_KEY)).accepted()).isTrue();
        assertThat(client.isValidSignature(ARGENT_NO_GUARDIAN, hash, sign(OWNER_KEY, hash)).accepted()).isTrue();
        assertThat(client.isValidSignature(ARGENT_NO_GUARDIAN, hash, signerList(hash, OTHER_KEY)).accepted()).isFalse();
        assertThat(client.isValidSignature(ARGENT_NO_GUARDIAN, hash, signerList(hash, OWNER_KEY, GUARDIAN_KEY)).answer())
                .isEqualTo("is_valid_signature reverted: argent/invalid-signature-length");
    }
}
