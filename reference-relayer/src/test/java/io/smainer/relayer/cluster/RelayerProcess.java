package io.smainer.relayer.cluster;

import io.smainer.chain.ContractAddress;
import io.smainer.escrow.Ledger;
import io.smainer.relayer.Relayer;
import io.smainer.relayer.RelayerConfig;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A relayer in a process of its own, for tests that kill it hard: settles through a {@link LedgerBridge}
 * as the relayer account, keeps its state in Redis. Arguments: the bridge URL, the relayer account, then
 * {@code key=value} settings. Prints {@code READY port=N}; stops cleanly when its standard input closes
 * or says {@code STOP}, and by itself after ten minutes at most.
 */
public final class RelayerProcess {
    private RelayerProcess() {
    }

    /**
     * @param args bridge URL, relayer account, settings
     * @throws Exception when it cannot start
     */
    public static void main(String[] args) throws Exception {
        String bridge = args[0];
        ContractAddress account = ContractAddress.parse(args[1]);
        Map<String, String> settings = new LinkedHashMap<>();
        for (int i = 2; i < args.length; i++) {
            int eq = args[i].indexOf('=');
            settings.put(args[i].substring(0, eq), args[i].substring(eq + 1));
        }
        BridgedEscrow escrow = new BridgedEscrow(bridge, account, Ledger.DEFAULT_CONTRACT, Ledger.DEFAULT_TOKEN);
        Relayer relayer = Relayer.builder().config(RelayerConfig.load(settings)).escrow(escrow).build().start();
        System.out.println("READY port=" + relayer.port() + " name=" + relayer.config().server().name());
        Thread stopper = new Thread(() -> {
            try (BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8))) {
                String line;
                while ((line = in.readLine()) != null && !line.trim().equals("STOP")) {
                    // keep reading
                }
            } catch (IOException e) {
                // stdin gone: stop
            }
            relayer.close();
            System.out.println("STOPPED");
            System.exit(0);
        }, "stopper");
        stopper.setDaemon(true);
        stopper.start();
        stopper.join(600_000);
        relayer.close();
        System.exit(0);
    }
}
