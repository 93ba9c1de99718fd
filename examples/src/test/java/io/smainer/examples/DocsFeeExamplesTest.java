package io.smainer.examples;

import static org.assertj.core.api.Assertions.assertThat;

import io.smainer.chain.TokenAmount;
import io.smainer.fee.EffortSplit;
import io.smainer.fee.FeeMath;
import io.smainer.fee.Quote;
import io.smainer.fee.Tier;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Every worked example in docs/fees.md is recomputed here, so the page cannot drift from the code. */
class DocsFeeExamplesTest {
    private static final Path FEES_MD = Path.of("..", "docs", "fees.md");

    @Test
    void everyQuoteRowInTheFeeDocMatchesFeeMath() throws IOException {
        List<String[]> rows = table("quote-table");
        assertThat(rows).hasSizeGreaterThanOrEqualTo(4);
        for (String[] r : rows) {
            Quote q = FeeMath.quote(amount(r[0]), Tier.parse(r[1]));
            assertThat(q.escrow()).as("escrow of %s", String.join("|", r)).isEqualTo(amount(r[2]));
            assertThat(q.provider()).as("provider of %s", String.join("|", r)).isEqualTo(amount(r[3]));
            assertThat(q.gasSubsidy()).as("gas subsidy of %s", String.join("|", r)).isEqualTo(amount(r[4]));
            assertThat(q.treasury()).as("treasury of %s", String.join("|", r)).isEqualTo(amount(r[5]));
        }
    }

    @Test
    void everyEffortRowInTheFeeDocMatchesFeeMath() throws IOException {
        List<String[]> rows = table("effort-table");
        assertThat(rows).hasSizeGreaterThanOrEqualTo(4);
        for (String[] r : rows) {
            boolean affiliate = r[2].equals("yes");
            EffortSplit s = affiliate ? FeeMath.affiliateSplit(amount(r[0]), amount(r[1]))
                    : FeeMath.effortSplit(amount(r[0]), amount(r[1]));
            assertThat(s.provider()).as("provider of %s", String.join("|", r)).isEqualTo(amount(r[3]));
            assertThat(s.affiliate()).as("affiliate of %s", String.join("|", r)).isEqualTo(amount(r[4]));
            assertThat(s.treasury()).as("treasury of %s", String.join("|", r)).isEqualTo(amount(r[5]));
            assertThat(s.refund()).as("refund of %s", String.join("|", r)).isEqualTo(amount(r[6]));
        }
    }

    /** Rows of the markdown table between {@code <!-- name -->} and {@code <!-- /name -->}, header skipped. */
    static List<String[]> table(String name) throws IOException {
        List<String> lines = Files.readAllLines(FEES_MD);
        int start = lines.indexOf("<!-- " + name + " -->");
        int end = lines.indexOf("<!-- /" + name + " -->");
        assertThat(start).as("marker %s in %s", name, FEES_MD).isGreaterThanOrEqualTo(0);
        List<String[]> rows = new ArrayList<>();
        for (String line : lines.subList(start + 3, end)) {
            String[] cells = line.replaceAll("^\\|\\s*|\\s*\\|$", "").split("\\s*\\|\\s*");
            rows.add(cells);
        }
        return rows;
    }

    private static TokenAmount amount(String s) {
        return TokenAmount.ofBaseUnits(new BigInteger(s));
    }
}
