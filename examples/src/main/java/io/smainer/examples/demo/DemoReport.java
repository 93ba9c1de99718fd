package io.smainer.examples.demo;

import io.smainer.chain.ContractAddress;
import io.smainer.chain.TokenAmount;
import io.smainer.chain.U256;
import io.smainer.escrow.EscrowEvent;
import io.smainer.escrow.Ledger;
import java.io.PrintStream;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The demo's closing report: per job kind the count, latency and fees; then every balance, and whether
 * the books reconcile to the base unit (minted = sum of balances; escrowed = paid + refunded; every
 * settlement on chain has a task and no task was paid twice).
 *
 * @param kinds per job kind
 * @param balances final balances by holder
 * @param tasks tasks run
 * @param verified tasks whose result came back and passed the demander's own check
 * @param settledOnChain settlements seen on chain
 * @param reconciled true when every check held
 * @param problems what did not hold
 */
public record DemoReport(Map<String, KindRow> kinds, Map<String, TokenAmount> balances, int tasks, int verified,
        int settledOnChain, boolean reconciled, List<String> problems) {

    /**
     * One row of the per-kind table.
     *
     * @param count tasks of the kind
     * @param verified of which verified
     * @param latenciesMillis submit-to-verified-result latencies
     * @param escrowed locked by the demander
     * @param toProviders paid to providers
     * @param toTreasury paid to the treasury
     * @param refunded returned to the demander (effort settlement)
     */
    public record KindRow(int count, int verified, List<Double> latenciesMillis, BigInteger escrowed, BigInteger toProviders,
            BigInteger toTreasury, BigInteger refunded) {
        double percentile(double p) {
            List<Double> sorted = new ArrayList<>(latenciesMillis);
            sorted.sort(Double::compare);
            return sorted.isEmpty() ? 0 : sorted.get(Math.min(sorted.size() - 1, (int) Math.ceil(p * sorted.size()) - 1));
        }
    }

    static DemoReport build(List<LocalDemo.TaskOutcome> outcomes, Map<U256, EscrowEvent.TaskSettled> settled, Ledger ledger,
            ContractAddress demander, ContractAddress treasury, List<ContractAddress> providers, TokenAmount minted) {
        List<String> problems = new ArrayList<>();
        Map<String, KindRow> kinds = new TreeMap<>();
        Map<String, List<LocalDemo.TaskOutcome>> byKind = new TreeMap<>();
        for (LocalDemo.TaskOutcome o : outcomes) {
            byKind.computeIfAbsent(o.kind(), k -> new ArrayList<>()).add(o);
        }
        int verified = 0;
        BigInteger escrowedAll = BigInteger.ZERO;
        BigInteger paidAll = BigInteger.ZERO;
        int matched = 0;
        for (var e : byKind.entrySet()) {
            int ok = 0;
            List<Double> lat = new ArrayList<>();
            BigInteger escrowed = BigInteger.ZERO;
            BigInteger prov = BigInteger.ZERO;
            BigInteger treas = BigInteger.ZERO;
            BigInteger refund = BigInteger.ZERO;
            for (LocalDemo.TaskOutcome o : e.getValue()) {
                if (o.ok()) {
                    ok++;
                    lat.add(o.nanos() / 1e6);
                } else {
                    problems.add(o.kind() + " task " + (o.escrowId() == null ? "(not funded)" : o.escrowId()) + ": " + o.error());
                }
                escrowed = escrowed.add(o.escrowed().baseUnits());
                if (o.escrowId() != null && settled.containsKey(o.escrowId())) {
                    EscrowEvent.TaskSettled s = settled.get(o.escrowId());
                    matched++;
                    prov = prov.add(s.providerAmount().baseUnits());
                    treas = treas.add(s.treasuryAmount().baseUnits()).add(s.affiliateAmount().baseUnits());
                    refund = refund.add(s.refund().baseUnits());
                }
            }
            verified += ok;
            escrowedAll = escrowedAll.add(escrowed);
            paidAll = paidAll.add(prov).add(treas).add(refund);
            kinds.put(e.getKey(), new KindRow(e.getValue().size(), ok, lat, escrowed, prov, treas, refund));
        }
        if (matched != settled.size()) {
            problems.add(settled.size() + " settlements on chain but " + matched + " belong to this run's tasks");
        }
        if (!escrowedAll.equals(paidAll)) {
            problems.add("escrowed " + escrowedAll + " but paid out and refunded " + paidAll);
        }
        Map<String, TokenAmount> balances = new LinkedHashMap<>();
        balances.put("demander", ledger.balanceOf(demander));
        for (int i = 0; i < providers.size(); i++) {
            balances.put("provider-" + (i + 1), ledger.balanceOf(providers.get(i)));
        }
        balances.put("treasury", ledger.balanceOf(treasury));
        balances.put("escrow contract", ledger.balanceOf(ledger.contract()));
        BigInteger sum = balances.values().stream().map(TokenAmount::baseUnits).reduce(BigInteger.ZERO, BigInteger::add);
        if (!sum.equals(minted.baseUnits())) {
            problems.add("balances sum to " + sum + " base units, " + minted.baseUnits() + " were minted");
        }
        if (!balances.get("escrow contract").isZero()) {
            problems.add("the escrow contract still holds " + balances.get("escrow contract"));
        }
        if (verified != outcomes.size()) {
            problems.add((outcomes.size() - verified) + " of " + outcomes.size() + " tasks did not return a verified result");
        }
        return new DemoReport(kinds, balances, outcomes.size(), verified, settled.size(), problems.isEmpty(), problems);
    }

    /**
     * Prints the tables.
     *
     * @param out where to
     */
    public void print(PrintStream out) {
        String row = "%-16s %6s %9s %9s %9s %22s %22s %22s%n";
        out.printf(row, "job kind", "tasks", "verified", "p50 ms", "p95 ms", "to providers (STRK)", "to treasury (STRK)",
                "refunded (STRK)");
        BigInteger prov = BigInteger.ZERO;
        BigInteger treas = BigInteger.ZERO;
        BigInteger refund = BigInteger.ZERO;
        for (var e : kinds.entrySet()) {
            KindRow r = e.getValue();
            out.printf(row, e.getKey(), r.count(), r.verified(), fmt(r.percentile(0.5)), fmt(r.percentile(0.95)),
                    strk(r.toProviders()), strk(r.toTreasury()), strk(r.refunded()));
            prov = prov.add(r.toProviders());
            treas = treas.add(r.toTreasury());
            refund = refund.add(r.refunded());
        }
        out.printf(row, "all", tasks, verified, "", "", strk(prov), strk(treas), strk(refund));
        out.println();
        String brow = "%-16s %28s %30s%n";
        out.printf(brow, "balance", "STRK", "base units");
        BigInteger sum = BigInteger.ZERO;
        for (var e : balances.entrySet()) {
            out.printf(brow, e.getKey(), strk(e.getValue().baseUnits()), e.getValue().baseUnits());
            sum = sum.add(e.getValue().baseUnits());
        }
        out.printf(brow, "sum", strk(sum), sum);
        out.println();
        if (reconciled) {
            out.println("OK: " + verified + "/" + tasks + " results verified by the demander, " + settledOnChain
                    + " settlements on chain, each paid once; the books reconcile to the base unit.");
        } else {
            out.println("NOT RECONCILED:");
            problems.forEach(p -> out.println("  - " + p));
        }
    }

    private static String fmt(double millis) {
        return String.format("%.1f", millis);
    }

    private static String strk(BigInteger units) {
        return TokenAmount.ofBaseUnits(units).toStrkString().replace(" STRK", "");
    }
}
