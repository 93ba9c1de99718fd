package io.smainer.chain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.smainer.InvalidFieldException;
import java.math.BigInteger;
import java.util.Random;
import org.junit.jupiter.api.Test;

class ChainTypesTest {

    @Test
    void feltRefusesThePrimeAndNamesTheField() {
        assertThat(new Felt(Felt.PRIME.subtract(BigInteger.ONE)).value()).isEqualTo(Felt.PRIME.subtract(BigInteger.ONE));
        assertThatThrownBy(() -> new Felt(Felt.PRIME))
                .isInstanceOf(InvalidFieldException.class).hasMessageStartingWith("felt: expected");
        assertThatThrownBy(() -> Felt.parse("0xzz")).isInstanceOf(InvalidFieldException.class);
        assertThatThrownBy(() -> Felt.parse("-1")).isInstanceOf(InvalidFieldException.class);
    }

    @Test
    void feltParsesHexAndDecimalAlike() {
        assertThat(Felt.parse("0x2A")).isEqualTo(Felt.parse("42")).isEqualTo(Felt.of(42));
        assertThat(Felt.of(42).hex()).isEqualTo("0x2a");
        assertThat(Felt.fromShortString("SN_MAIN").hex()).isEqualTo("0x534e5f4d41494e");
    }

    @Test
    void u256SplitsIntoLowThenHigh128Bits() {
        U256 v = U256.of(BigInteger.TWO.pow(200).add(BigInteger.valueOf(7)));
        assertThat(v.low()).isEqualTo(Felt.of(7));
        assertThat(v.high()).isEqualTo(new Felt(BigInteger.TWO.pow(72)));
        assertThat(v.toCalldata()).containsExactly(Felt.of(7), new Felt(BigInteger.TWO.pow(72)));
        assertThat(U256.fromParts(v.low(), v.high())).isEqualTo(v);
        assertThat(U256.of(BigInteger.TWO.pow(128)).toCalldata()).containsExactly(Felt.ZERO, Felt.ONE);
        assertThatThrownBy(() -> U256.of(U256.MAX_VALUE.add(BigInteger.ONE))).isInstanceOf(InvalidFieldException.class);
    }

    @Test
    void strkParsesAndFormatsExactly() {
        assertThat(TokenAmount.parseStrk("1.5 STRK").baseUnits()).isEqualTo(new BigInteger("1500000000000000000"));
        assertThat(TokenAmount.parseStrk("0.000000000000000001")).isEqualTo(TokenAmount.ofBaseUnits(1));
        assertThat(TokenAmount.parseStrk("12")).isEqualTo(TokenAmount.ofBaseUnits(new BigInteger("12000000000000000000")));
        assertThat(TokenAmount.ofBaseUnits(new BigInteger("1500000000000000000")).toStrkString()).isEqualTo("1.5 STRK");
        assertThat(TokenAmount.ofBaseUnits(1).toStrkString()).isEqualTo("0.000000000000000001 STRK");
        assertThat(TokenAmount.ZERO.toStrkString()).isEqualTo("0 STRK");
    }

    @Test
    void strkRefusesMoreThan18DecimalsRatherThanRounding() {
        assertThatThrownBy(() -> TokenAmount.parseStrk("0.0000000000000000001"))
                .isInstanceOf(InvalidFieldException.class).hasMessageContaining("at most 18 decimals");
        assertThatThrownBy(() -> TokenAmount.parseStrk("-1")).isInstanceOf(InvalidFieldException.class);
        assertThatThrownBy(() -> TokenAmount.parseStrk("1e18")).isInstanceOf(InvalidFieldException.class);
    }

    @Test
    void subtractionNeverGoesNegative() {
        assertThatThrownBy(() -> TokenAmount.ofBaseUnits(1).minus(TokenAmount.ofBaseUnits(2)))
                .isInstanceOf(InvalidFieldException.class);
    }

    @Test
    void addressesAreBelow2To251AndPrintWith64HexDigits() {
        assertThat(ContractAddress.STRK_TOKEN.hex())
                .isEqualTo("0x04718f5a0fc34cc1af16a1cdee98ffb20c31f5cd61d6ab07201858f4287c938d");
        assertThatThrownBy(() -> new ContractAddress(new Felt(ContractAddress.BOUND)))
                .isInstanceOf(InvalidFieldException.class).hasMessageStartingWith("address:");
    }

    @Test
    void chainIdRoundTripsThroughItsFelt() {
        assertThat(ChainId.fromFelt(ChainId.MAINNET.felt())).isEqualTo(ChainId.MAINNET);
        assertThat(ChainId.SEPOLIA.felt().hex()).isEqualTo("0x534e5f5345504f4c4941");
    }

    @Test
    void calldataEncodesEachCairoTypeAsStarknetDoes() {
        assertThat(Calldata.builder().address(ContractAddress.of(5)).u256(U256.of(9)).u8(3).felt(Felt.ONE).build())
                .containsExactly(Felt.of(5), Felt.of(9), Felt.ZERO, Felt.of(3), Felt.ONE);
        assertThatThrownBy(() -> Calldata.builder().u8(256)).isInstanceOf(InvalidFieldException.class);
    }

    @Test
    void hexIsWhatBigIntegerWritesForEveryLength() {
        Random random = new Random(7);
        for (int bits = 0; bits <= 251; bits++) {
            for (int k = 0; k < 20; k++) {
                BigInteger v = bits == 0 ? BigInteger.ZERO : new BigInteger(bits, random).setBit(bits - 1);
                String digits = v.toString(16);
                assertThat(new Felt(v).hex()).isEqualTo("0x" + digits);
                assertThat(new ContractAddress(new Felt(v)).hex()).isEqualTo("0x" + "0".repeat(64 - digits.length()) + digits);
            }
        }
        assertThat(Felt.ZERO.hex()).isEqualTo("0x0");
        BigInteger top = Felt.PRIME.subtract(BigInteger.ONE);
        assertThat(new Felt(top).hex()).isEqualTo("0x" + top.toString(16));
    }
}
