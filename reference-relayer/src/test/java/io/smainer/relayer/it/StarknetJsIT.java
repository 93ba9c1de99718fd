package io.smainer.relayer.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.smainer.chain.ContractAddress;
import io.smainer.chain.Felt;
import io.smainer.chain.U256;
import io.smainer.escrow.EscrowRevertedException;
import io.smainer.escrow.EscrowTask;
import io.smainer.escrow.Ledger;
import io.smainer.relayer.RelayerApp;
import io.smainer.relayer.RelayerConfig;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * starknet.js 10.8 with its defaults against the local network as {@code ./smainer relayer} serves it: the program
 * of {@code docs/starknet-js.md}, taken from that file, reads, views through {@code Contract} with both ABI files,
 * sends approve + create_tiered_task as one {@code Account.execute} (fee estimate, tip estimate and Cairo version
 * detection by starknet.js), reads the receipt and the {@code TaskCreated} event, and gets the contract's reason for
 * a refused transaction. Checked against the chain. Skipped, with the reason printed, without Node.js and npm.
 */
class StarknetJsIT {
    private static final Path MODULE = Path.of("").toAbsolutePath();
    private static final Path REPO = MODULE.getParent();
    private static final Path JS_DIR = MODULE.resolve("target").resolve("starknetjs");
    private static final int MIN_NODE = 20;

    @TempDir
    Path dir;

    @Test
    void theDocsProgramRunsWithStarknetJsDefaults() throws Exception {
        requireTool("node", "--version");
        requireTool("npm", "--version");
        installStarknetJs();
        Path program = JS_DIR.resolve("local-network.mjs");
        Files.writeString(program, docSnippet(), StandardCharsets.UTF_8);

        Map<String, String> settings = Map.of("host", "127.0.0.1", "port", "0", "local_chain.port", "0",
                "local_chain.accounts_file", dir.resolve("accounts.json").toString());
        try (RelayerApp app = RelayerApp.start(RelayerConfig.load(settings), Map.of(), text -> Optional.empty(),
                Clock.systemUTC())) {
            Ledger ledger = app.localChain().orElseThrow().ledger();
            U256 before = ledger.client(ContractAddress.ZERO).taskCount();
            String out = run(JS_DIR, Map.of("SMAINER_ACCOUNTS", dir.resolve("accounts.json").toString(),
                    "SMAINER_CONTRACTS", REPO.resolve("contracts").toString()), "node", program.toString());

            JsonObject accounts = JsonParser.parseString(Files.readString(dir.resolve("accounts.json"))).getAsJsonObject();
            ContractAddress demander = ContractAddress.parse(accounts.getAsJsonArray("accounts").get(0).getAsJsonObject()
                    .get("address").getAsString());
            assertThat(out).contains("chain " + ledger.chainId().felt().hex());
            assertThat(out).contains("task_count " + before.value());
            Matcher balance = Pattern.compile("balance (\\d+)").matcher(out);
            assertThat(balance.find()).as(out).isTrue();
            assertThat(balance.group(1)).isEqualTo("1000000000000000000000");

            Matcher receipt = Pattern.compile("receipt (0x[0-9a-f]+) SUCCEEDED").matcher(out);
            assertThat(receipt.find()).as(out).isTrue();
            Felt hash = Felt.parse(receipt.group(1));
            assertThat(ledger.transaction(hash)).as("the transaction starknet.js sent").isPresent()
                    .get().satisfies(tx -> assertThat(tx.sender()).isEqualTo(demander));
            U256 taskId = U256.of(before.value().add(BigInteger.ONE));
            assertThat(out).contains("TaskCreated task_id " + taskId.value() + " amount 100000000000000000");
            EscrowTask task = ledger.client(ContractAddress.ZERO).getTask(taskId).orElseThrow();
            assertThat(task.creator()).isEqualTo(demander);

            assertThat(out).contains("refused").contains(EscrowRevertedException.INVALID_TIER);
        }
    }

    private static void requireTool(String... command) {
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            String version = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
                skip(command[0] + " did not answer " + command[1]);
            }
            Matcher major = Pattern.compile("^v(\\d+)\\.").matcher(version);
            if (command[0].equals("node") && major.find() && Integer.parseInt(major.group(1)) < MIN_NODE) {
                skip("node " + version + " is older than " + MIN_NODE + " (starknet.js 10.8 needs a recent Node.js)");
            }
        } catch (IOException e) {
            skip(command[0] + " is not installed (" + e.getMessage() + ")");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            skip("interrupted");
        }
    }

    private static void skip(String reason) {
        System.out.println("StarknetJsIT skipped: " + reason + "; it needs Node.js and npm to run starknet.js");
        Assumptions.abort(reason);
    }

    /** starknet.js as package-lock.json pins it, from npm's cache when it has been fetched once. */
    private static void installStarknetJs() throws Exception {
        Files.createDirectories(JS_DIR);
        Path source = MODULE.resolve("src").resolve("test").resolve("starknetjs");
        boolean changed = false;
        for (String f : List.of("package.json", "package-lock.json")) {
            Path target = JS_DIR.resolve(f);
            if (!Files.exists(target) || Files.mismatch(source.resolve(f), target) != -1) {
                Files.copy(source.resolve(f), target, StandardCopyOption.REPLACE_EXISTING);
                changed = true;
            }
        }
        if (changed || !Files.exists(JS_DIR.resolve("node_modules").resolve("starknet").resolve("package.json"))) {
            run(JS_DIR, Map.of(), "npm", "ci", "--prefer-offline", "--no-audit", "--no-fund", "--loglevel=error");
        }
    }

    /** The first {@code js} block of docs/starknet-js.md. */
    private static String docSnippet() throws IOException {
        String doc = Files.readString(REPO.resolve("docs").resolve("starknet-js.md"), StandardCharsets.UTF_8);
        int start = doc.indexOf("```js\n");
        assertThat(start).as("a js block in docs/starknet-js.md").isNotNegative();
        int end = doc.indexOf("```", start + 6);
        return doc.substring(start + 6, end);
    }

    private static String run(Path cwd, Map<String, String> env, String... command) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(command).directory(cwd.toFile()).redirectErrorStream(true);
        pb.environment().putAll(env);
        Process p = pb.start();
        List<String> lines = new ArrayList<>();
        Thread reader = new Thread(() -> {
            try {
                new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).lines().forEach(lines::add);
            } catch (IOException e) {
                lines.add("(output lost: " + e.getMessage() + ")");
            }
        });
        reader.start();
        boolean done = p.waitFor(300, TimeUnit.SECONDS);
        if (!done) {
            p.destroyForcibly();
        }
        reader.join(10_000);
        String out = String.join("\n", lines);
        System.out.println(String.join(" ", command) + ":\n" + out);
        assertThat(done).as("%s finished within 300 s:\n%s", String.join(" ", command), out).isTrue();
        assertThat(p.exitValue()).as("%s exit code:\n%s", String.join(" ", command), out).isZero();
        return out;
    }
}
