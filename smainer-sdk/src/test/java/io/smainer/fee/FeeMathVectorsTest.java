package io.smainer.fee;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import io.smainer.InvalidFieldException;
import io.smainer.chain.TokenAmount;
import java.math.BigInteger;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class FeeMathVectorsTest {

    static Stream<JsonObject> tier() {
        return vectors("tier");
    }

    static Stream<JsonObject> flat() {
        return vectors("flat");
    }

    static Stream<JsonObject> effort() {
        return vectors("effort");
    }

    static Stream<JsonObject> affiliate() {
        return vectors("affiliate");
    }

    static Stream<JsonObject> quote() {
        return vectors("quote");
    }

    @ParameterizedTest
    @MethodSource
    void tier(JsonObject v) {
        TokenAmount base = amount(v, "base");
        BasisPoints multiplier = BasisPoints.of(v.get("multiplier").getAsInt());
        if (v.has("error")) {
            assertThatThrownBy(() -> FeeMath.adjust(base, multiplier))
                    .isInstanceOf(InvalidFieldException.class)
                    .extracting(e -> ((InvalidFieldException) e).field()).isEqualTo(v.get("error").getAsString());
        } else {
            assertThat(FeeMath.adjust(base, multiplier)).isEqualTo(amount(v, "adjusted"));
            assertThat(FeeMath.adjust(base, Tier.parse(v.get("tier").getAsString()))).isEqualTo(amount(v, "adjusted"));
        }
    }

    @ParameterizedTest
    @MethodSource
    void flat(JsonObject v) {
        TokenAmount escrow = amount(v, "escrow");
        if (v.has("error")) {
            assertThatThrownBy(() -> FeeMath.flatSplit(escrow)).isInstanceOf(InvalidFieldException.class);
            return;
        }
        FlatSplit split = FeeMath.flatSplit(escrow);
        assertThat(split.treasury()).isEqualTo(amount(v, "treasury"));
        assertThat(split.gasSubsidy()).isEqualTo(amount(v, "gas_subsidy"));
        assertThat(split.providerBase()).isEqualTo(amount(v, "provider_base"));
        assertThat(split.providerTotal()).isEqualTo(amount(v, "provider_total"));
    }

    @ParameterizedTest
    @MethodSource
    void effort(JsonObject v) {
        TokenAmount escrow = amount(v, "escrow");
        TokenAmount cost = amount(v, "actual_cost");
        if (v.has("error")) {
            assertThatThrownBy(() -> FeeMath.effortSplit(escrow, cost))
                    .isInstanceOf(InvalidFieldException.class).hasMessageContaining("actual_cost");
            return;
        }
        EffortSplit split = FeeMath.effortSplit(escrow, cost);
        assertThat(split.provider()).isEqualTo(amount(v, "provider"));
        assertThat(split.treasury()).isEqualTo(amount(v, "treasury"));
        assertThat(split.refund()).isEqualTo(amount(v, "refund"));
        assertThat(split.affiliate()).isEqualTo(TokenAmount.ZERO);
    }

    @ParameterizedTest
    @MethodSource
    void affiliate(JsonObject v) {
        EffortSplit split = FeeMath.affiliateSplit(amount(v, "escrow"), amount(v, "actual_cost"));
        assertThat(split.provider()).isEqualTo(amount(v, "provider"));
        assertThat(split.affiliate()).isEqualTo(amount(v, "affiliate"));
        assertThat(split.treasury()).isEqualTo(amount(v, "treasury"));
        assertThat(split.refund()).isEqualTo(amount(v, "refund"));
    }

    @ParameterizedTest
    @MethodSource
    void quote(JsonObject v) {
        Quote q = FeeMath.quote(amount(v, "base"), Tier.parse(v.get("tier").getAsString()));
        assertThat(q.escrow()).isEqualTo(amount(v, "escrow"));
        assertThat(q.provider()).isEqualTo(amount(v, "provider"));
        assertThat(q.gasSubsidy()).isEqualTo(amount(v, "gas_subsidy"));
        assertThat(q.treasury()).isEqualTo(amount(v, "treasury"));
        assertThat(q.provider().plus(q.treasury())).isEqualTo(q.escrow());
    }

    private static Stream<JsonObject> vectors(String section) {
        return FeeVectors.section(section).asList().stream().map(JsonElement::getAsJsonObject);
    }

    private static TokenAmount amount(JsonObject v, String field) {
        return TokenAmount.ofBaseUnits(new BigInteger(v.get(field).getAsString()));
    }
}
