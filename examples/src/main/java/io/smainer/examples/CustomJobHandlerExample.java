package io.smainer.examples;

import io.smainer.InvalidFieldException;
import io.smainer.chain.TokenAmount;
import io.smainer.client.SmainerClient;
import io.smainer.crypto.Receipts;
import io.smainer.escrow.CreatedTask;
import io.smainer.fee.Tier;
import io.smainer.job.CheckResult;
import io.smainer.job.JavaJobRunner;
import io.smainer.job.JobContext;
import io.smainer.job.JobHandler;
import io.smainer.job.JobOutput;
import io.smainer.job.ResultCheck;
import io.smainer.protocol.Api;
import io.smainer.protocol.JobSpec;
import io.smainer.provider.ProviderNode;
import io.smainer.relayer.settlement.ResultCheckers;
import io.smainer.testkit.LocalNetwork;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * Example: sell a job kind of your own. Here it is {@code word-count}: the payload is UTF-8 text, the
 * result is each word with how often it occurs.
 *
 * <pre>./smainer example custom-job</pre>
 *
 * <p>Three parts, each a few lines:
 * <ol>
 *   <li><b>The handler</b> ({@link WordCountHandler}): a {@link JobHandler} names its kind, says how much
 *       memory a run needs, and turns a {@link JobSpec} into <em>canonical</em> output bytes: the same input
 *       must give the same bytes on every machine, because the provider's receipt, the relayer's check and
 *       the on-chain settlement all commit to the SHA-256 of exactly those bytes ({@code result_hash}).</li>
 *   <li><b>The provider</b>: register the handler with a {@link JavaJobRunner}; the runner queues, times,
 *       cancels and hashes its runs like the built-in kinds, and a {@link ProviderNode} on that runner
 *       advertises {@code word-count} to the relayer at login.</li>
 *   <li><b>The relayer</b>. The reference relayer accepts any job kind; nothing has to be registered for
 *       it to take a {@code word-count} task:
 *       <ul>
 *         <li>intake checks the demander's signature and the escrow; the escrow must cover
 *             {@code price.min_base.word-count}, or {@code price.min_base} (0.1 STRK) when that is not set;</li>
 *         <li>the scheduler sends the task only to nodes whose login listed the kind (a task no node can
 *             run waits in the queue until its deadline, then fails and the demander cancels for a refund);</li>
 *         <li>on completion it recomputes the result hash and checks the provider's signed receipt against
 *             the key registered on-chain, for every kind. A <em>result checker</em>, which judges whether
 *             the answer is right, runs only for kinds that have one: {@link ResultCheckers#standard()} has
 *             one for {@code matmul-f32} (Freivalds) and none for kinds it does not know. Without one, a
 *             {@code word-count} result would be paid on the provider's word.</li>
 *       </ul>
 *       So this example gives the relayer a checker for {@code word-count} next to the standard one
 *       ({@link #relayerCheckers()}). Counting words is cheap, so the checker simply recounts; for an
 *       expensive kind you would want a cheaper check, as Freivalds is for a matrix product.</li>
 * </ol>
 */
public final class CustomJobHandlerExample {
    /** Our kind's name: lower-case letters, digits and dashes. */
    public static final String WORD_COUNT = "word-count";
    /** What we pay per run: 0.01 STRK, and the relayer is told that this is enough for the kind. */
    static final TokenAmount PRICE = TokenAmount.parseStrk("0.01");

    static final String TEXT = """
            It was the best of times, it was the worst of times, it was the age of wisdom,
            it was the age of foolishness, it was the epoch of belief, it was the epoch of incredulity,
            it was the season of Light, it was the season of Darkness, it was the spring of hope,
            it was the winter of despair.
            """;

    private CustomJobHandlerExample() {
    }

    /**
     * Part 1: the handler. Stateless, hence thread-safe: a runner may call {@link #run} from several
     * workers at once.
     */
    public static final class WordCountHandler implements JobHandler {
        @Override
        public String kind() {
            return WORD_COUNT;
        }

        /** The text, a map of its words, and the output: about four times the payload at most. */
        @Override
        public long requiredMemoryBytes(JobSpec spec) {
            return 4L * spec.payload().length + 1024;
        }

        @Override
        public JobOutput run(JobSpec spec, JobContext context) {
            // context.checkActive() throws once the job times out or is cancelled, so a long text stops promptly.
            return JobOutput.of(encode(count(utf8(spec.payload()), context::checkActive)));
        }

        /**
         * Counts the words of a text: runs of letters, digits and apostrophes, lower-cased.
         *
         * @param text the text
         * @param poll called every 65,536 words, to let a run be stopped
         * @return each word with its count; a TreeMap keeps them sorted, so the output is the same bytes
         *     wherever it runs
         */
        static Map<String, Long> count(String text, Runnable poll) {
            Map<String, Long> counts = new TreeMap<>();
            int i = 0;
            for (String word : text.toLowerCase(Locale.ROOT).split("[^\\p{L}\\p{N}']+")) {
                if (++i % 65_536 == 0) {
                    poll.run();
                }
                if (!word.isEmpty()) {
                    counts.merge(word, 1L, Long::sum);
                }
            }
            return counts;
        }

        /** Canonical output: one {@code word<TAB>count} line per word, sorted by word, UTF-8. */
        static byte[] encode(Map<String, Long> counts) {
            StringBuilder sb = new StringBuilder();
            counts.forEach((w, n) -> sb.append(w).append('\t').append(n).append('\n'));
            return sb.toString().getBytes(StandardCharsets.UTF_8);
        }

        /** Refuses bytes that are not UTF-8, naming the payload (the runner turns this into INVALID_INPUT). */
        static String utf8(byte[] bytes) {
            try {
                return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                        .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes)).toString();
            } catch (CharacterCodingException e) {
                throw new InvalidFieldException("payload", "UTF-8 text", bytes.length + " bytes that are not UTF-8");
            }
        }
    }

    /**
     * The demander's side of the kind: a spec from a text.
     *
     * @param text the text to count
     * @return the spec
     */
    public static JobSpec wordCount(String text) {
        return JobSpec.of(WORD_COUNT, Map.of(), text.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * @param output a {@code word-count} output
     * @return each word with its count, sorted by word
     */
    public static Map<String, Long> readWordCount(byte[] output) {
        Map<String, Long> counts = new LinkedHashMap<>();
        for (String line : new String(output, StandardCharsets.UTF_8).split("\n")) {
            if (!line.isEmpty()) {
                String[] kv = line.split("\t");
                counts.put(kv[0], Long.parseLong(kv[1]));
            }
        }
        return counts;
    }

    /**
     * Part 3: the relayer's result checkers: the standard Freivalds check for matrix products, and ours,
     * which recounts the words and compares result hashes.
     *
     * @return the checkers
     */
    public static ResultCheckers relayerCheckers() {
        ResultCheck recount = (spec, output) -> {
            byte[] expected;
            try {
                expected = WordCountHandler.encode(WordCountHandler.count(WordCountHandler.utf8(spec.payload()), () -> { }));
            } catch (InvalidFieldException e) {
                return CheckResult.fail("cannot recount: " + e.getMessage());
            }
            return Receipts.resultHash(expected).equals(Receipts.resultHash(output))
                    ? CheckResult.pass("recounted: same result hash")
                    : CheckResult.fail("recounted: the counts differ");
        };
        return ResultCheckers.standard().with(ResultCheckers.adapt(WORD_COUNT, recount));
    }

    /**
     * @param args none
     * @throws Exception when the local network cannot start
     */
    public static void main(String[] args) throws Exception {
        run(System.out);
    }

    /**
     * Runs the three parts on a local network and buys one {@code word-count} run.
     *
     * @param out where to print
     * @return the word counts the demander received
     * @throws Exception when the local network cannot start
     */
    public static Map<String, Long> run(PrintStream out) throws Exception {
        out.println("A job handler of your own: word-count, sold through a provider node");
        out.println();
        // The relayer: our checker, and a minimum price for the kind (in base units).
        QuietLogs.apply();
        try (LocalNetwork net = LocalNetwork.builder()
                .resultCheckers(relayerCheckers())
                .relayerSetting("price.min_base." + WORD_COUNT, PRICE.baseUnits().toString())
                .build();
                // Part 2: the provider. standardKinds(false): this runner sells only our kind.
                JavaJobRunner runner = JavaJobRunner.builder().standardKinds(false).handler(new WordCountHandler()).build()) {
            LocalNetwork.ProviderAccount account = net.registerProvider();
            try (ProviderNode node = ProviderNode.builder().relayer(net.relayerUri())
                    .account(account.address(), account.keyPair()).runner(runner).name("word-counter").build().start()) {
                net.awaitProvidersOnline(1);
                out.println("provider  " + node.capabilities().name() + " online, selling " + node.capabilities().jobKinds());

                // The demander buys one run, like any other task.
                try (SmainerClient client = net.demanderClient()) {
                    JobSpec job = wordCount(TEXT);
                    CreatedTask funded = client.createEscrow(PRICE, Tier.BASIC, job);
                    Api.TaskCreated task = client.submit(funded.escrowId(), job);
                    out.println("demander  paid " + funded.escrowed().toStrkString() + " into escrow " + funded.escrowId()
                            + ", submitted task " + task.taskId());
                    Api.TaskResult result = client.awaitResult(task.taskId(), Duration.ofSeconds(30));
                    Map<String, Long> counts = readWordCount(result.result());
                    out.println("result    " + counts.size() + " distinct words, checked by the relayer before it paid; "
                            + "the most frequent:");
                    counts.entrySet().stream().sorted(Map.Entry.<String, Long>comparingByValue().reversed()).limit(5)
                            .forEach(e -> out.printf("            %-8s %d%n", e.getKey(), e.getValue()));
                    out.println("provider  earned " + net.ledger().balanceOf(account.address()).toStrkString());
                    return counts;
                }
            }
        }
    }
}
