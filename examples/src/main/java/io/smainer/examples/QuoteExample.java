package io.smainer.examples;

import io.smainer.chain.TokenAmount;
import io.smainer.fee.FeeMath;
import io.smainer.fee.Quote;
import io.smainer.fee.Tier;
import java.io.PrintStream;

/**
 * Example: a fee quote. What a demander pays for a base price at each tier, and how a flat settlement
 * splits it, exact to the base unit.
 *
 * <pre>./smainer quote 1.5</pre>
 */
public final class QuoteExample {
    private QuoteExample() {
    }

    /**
     * @param args the base price in STRK, e.g. {@code 1.5} (default 0.1)
     */
    public static void main(String[] args) {
        print(TokenAmount.parseStrk(args.length > 0 ? args[0] : "0.1"), System.out);
    }

    /**
     * Prints the quote table for one base price.
     *
     * @param base the base price
     * @param out where to print
     */
    public static void print(TokenAmount base, PrintStream out) {
        out.println("Quote for a base price of " + base.toStrkString() + " (" + base + " base units)");
        out.println();
        String row = "%-8s %12s %24s %24s %24s %24s%n";
        out.printf(row, "tier", "multiplier", "you pay (escrow)", "provider receives", "of which gas subsidy", "treasury");
        for (Tier tier : Tier.values()) {
            Quote q = FeeMath.quote(base, tier);
            out.printf(row, tier.wireName(), q.multiplier().value() / 100 + "%", strk(q.escrow()), strk(q.provider()),
                    strk(q.gasSubsidy()), strk(q.treasury()));
        }
        out.println();
        out.println("Fees are carved out of the escrow, never added: provider 88% (85% + 3% gas subsidy), treasury 12%.");
    }

    private static String strk(TokenAmount amount) {
        return amount.toStrkString();
    }
}
