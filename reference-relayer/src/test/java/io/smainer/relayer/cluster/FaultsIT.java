package io.smainer.relayer.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.smainer.chain.ChainId;
import io.smainer.chain.TokenAmount;
import io.smainer.chain.U256;
import io.smainer.client.RelayerApiException;
import io.smainer.client.SmainerClient;
import io.smainer.escrow.CreatedTask;
import io.smainer.escrow.EscrowEvent;
import io.smainer.escrow.EscrowStatus;
import io.smainer.escrow.EscrowTask;
import io.smainer.escrow.EventCursor;
import io.smainer.fee.FeeMath;
import io.smainer.fee.FlatSplit;
import io.smainer.fee.Tier;
import io.smainer.protocol.Api;
import io.smainer.protocol.JobSpec;
import io.smainer.protocol.TaskStatus;
import io.smainer.provider.ProviderNode;
import io.smainer.relayer.ChildJvm;
import io.smainer.relayer.RedisServer;
import io.smainer.relayer.Signals;
import io.smainer.relayer.Tmpfs;
import io.smainer.relayer.store.TaskRecord;
import io.smainer.testing.Await;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Faults injected into a running network (a relayer in its own JVM, providers over WebSocket, in-process or in JVMs
 * of their own, the in-process ledger behind a bridge, a real redis-server): Redis paused, killed and restarted from
 * its append-only file, or out of disk; the relayer killed, or paused; a provider's JVM killed mid-task; the
 * relayer's journal out of disk. Each scenario asserts that every task settles exactly once with the fee math's split
 * (or fails with its escrow untouched, refundable), that no paid result is lost, and prints how long the network took
 * to recover. Bounded: each waits at most a minute for what it expects. Starving a process of disk mounts a small
 * tmpfs in a user namespace of its own ({@code unshare -rm}, no root); where the machine does not allow that, those
 * scenarios are skipped with the reason printed.
 */
class FaultsIT {
    private static final int TASKS = 6;
    /** A node is offline after 10 s of silence, not 3: on a loaded two-core machine heartbeats run late. */
    private static final List<String> PATIENT = List.of("offline_after_seconds=10");
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private Cluster cluster;
    /** What each submitted task's result must be (the echo job returns its payload). */
    private final Map<String, String> expected = new HashMap<>();
    @TempDir
    Path dir;

    @AfterEach
    void stop() throws Exception {
        if (cluster != null) {
            cluster.redis.resume();
            cluster.close();
        }
    }

    /**
     * What every scenario starts with: a relayer process ({@code relayer-1}) on a free port, two providers in this JVM
     * whose jobs take {@code work}, and the demander's client and balance before the first task.
     */
    private record Scene(int port, ChildJvm relayer, List<ProviderNode> nodes, SmainerClient client,
            TokenAmount demanderStart) {
    }

    private Scene scene(List<String> settings, Duration work) throws IOException {
        return scene(settings, List.of(), work);
    }

    private Scene scene(List<String> settings, List<String> launcher, Duration work) throws IOException {
        int port = Cluster.freePort();
        ChildJvm relayer = cluster.relayer("relayer-1", port, settings, launcher);
        List<ProviderNode> nodes = new ArrayList<>();
        for (int i = 1; i <= 2; i++) {
            nodes.add(cluster.provider(i, port, 2, work));
        }
        return new Scene(port, relayer, nodes, cluster.client(port), cluster.ledger.balanceOf(Cluster.DEMANDER));
    }

    /** Skips the scenario, saying why, where this machine cannot mount a tmpfs of its own ({@code unshare -rm}). */
    private static void assumeTmpfs(String scenario) {
        Optional<String> why = Tmpfs.unavailable();
        if (why.isPresent()) {
            System.out.println("FaultsIT " + scenario + " skipped: " + why.get());
        }
        Assumptions.assumeTrue(why.isEmpty(), () -> why.orElse(""));
    }

    /** Funds and submits {@link #TASKS} tasks; @return task id by escrow, in order. */
    private Map<U256, String> submit(SmainerClient client, int from) {
        Map<U256, String> tasks = new LinkedHashMap<>();
        for (int i = from; i < from + TASKS; i++) {
            JobSpec job = Cluster.echo(i);
            CreatedTask escrow = client.createEscrow(TokenAmount.parseStrk("0.2"), Tier.BASIC, job);
            String id = Cluster.submitRetrying(client, escrow.escrowId(), job, Duration.ofSeconds(30));
            tasks.put(escrow.escrowId(), id);
            expected.put(id, "task " + i);
        }
        return tasks;
    }

    private HttpResponse<String> get(int port, String path) {
        try {
            return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/v1" + path))
                    .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static long lines(ChildJvm jvm, String text) {
        return jvm.output().stream().filter(l -> l.contains(text)).count();
    }

    @Test
    void aRedisPausedPastTheJobsDeadlineStrandsNoTaskAndTheRelayerAnswers503Meanwhile() throws Exception {
        cluster = Cluster.startOrSkip("FaultsIT");
        Scene scene = scene(PATIENT, Duration.ofMillis(1500));
        int port = scene.port();
        ChildJvm relayer = scene.relayer();
        TokenAmount demanderStart = scene.demanderStart();
        Map<U256, String> tasks = submit(scene.client(), 0);
        String probe = tasks.values().iterator().next();
        Await.until(Duration.ofSeconds(30), () -> cluster.view.countByStatus().get(TaskStatus.RUNNING) > 0,
                () -> "a task running before the pause: " + cluster.view.countByStatus());

        cluster.redis.pause();
        long paused = System.nanoTime();
        // the work in flight finishes during the pause, and the deadlines (job timeout 4 s + grace 1 s) fall in it
        Map<Integer, Integer> answers = new HashMap<>();
        long[] slowest = {0};
        Await.until(Duration.ofSeconds(30), () -> {
            long t = System.nanoTime();
            HttpResponse<String> r = get(port, "/tasks/" + probe);
            slowest[0] = Math.max(slowest[0], System.nanoTime() - t);
            answers.merge(r.statusCode(), 1, Integer::sum);
            if (r.statusCode() == 503) {
                assertThat(r.headers().firstValue("Retry-After")).isPresent();
                assertThat(r.body()).contains("store_unavailable");
            }
            return System.nanoTime() - paused > Duration.ofSeconds(8).toNanos();
        }, () -> "8 s of pause");
        cluster.redis.resume();
        long resumed = System.nanoTime();
        System.out.printf("FaultsIT redis SIGSTOP 8 s: answers while paused %s, slowest %d ms%n", answers,
                slowest[0] / 1_000_000);
        assertThat(answers.getOrDefault(503, 0)).isPositive();
        assertThat(answers.keySet()).containsOnly(503);

        List<String> ids = List.copyOf(tasks.values());
        Function<String, TaskStatus> status = id -> cluster.view.task(id).map(TaskRecord::status).orElse(TaskStatus.PENDING);
        Await.until(Duration.ofSeconds(60), () -> finished(ids, status) == TASKS,
                () -> finished(ids, status) + " of " + TASKS + " finished after the pause; store: "
                        + cluster.view.countByStatus() + "; tasks: " + ids.stream().map(id -> id + " " + status.apply(id)).toList());
        System.out.printf("FaultsIT redis SIGSTOP 8 s: every task finished %d ms after SIGCONT%n",
                (System.nanoTime() - resumed) / 1_000_000);
        assertBooks(tasks, status, demanderStart);
        assertThat(lines(relayer, "store unavailable since")).as("one line for the outage").isEqualTo(1);
        Await.until(Duration.ofSeconds(10), () -> lines(relayer, "store available again") >= 1, () -> "the recovery line");
        assertThat(lines(relayer, "\tat ")).as("no stack traces").isZero();
    }

    @Test
    void aRelayerKilledOnItsDefaultStoreKeepsEveryPaidResultAndFinishesWhatWasInFlight() throws Exception {
        cluster = Cluster.startOrSkip("FaultsIT");
        Path journal = dir.resolve("relayer.journal");
        List<String> memory = List.of("redis.uri=", "store.journal=" + journal, PATIENT.get(0));
        Scene scene = scene(memory, Duration.ofMillis(300));
        int port = scene.port();
        ChildJvm relayer = scene.relayer();
        SmainerClient client = scene.client();
        TokenAmount demanderStart = scene.demanderStart();
        Map<U256, String> tasks = submit(client, 0);
        tasks.putAll(submit(client, TASKS));
        List<String> ids = List.copyOf(tasks.values());
        Function<String, TaskStatus> status = id -> {
            try {
                return client.task(id).status();
            } catch (RuntimeException e) { // the relayer is down or restarting
                return TaskStatus.PENDING;
            }
        };
        Await.until(Duration.ofSeconds(30), () -> count(ids, status, TaskStatus.SETTLED) >= TASKS,
                () -> count(ids, status, TaskStatus.SETTLED) + " settled");

        relayer.kill();
        long killed = System.nanoTime();
        ChildJvm again = cluster.relayer("relayer-1", port, memory);
        System.out.printf("FaultsIT relayer SIGKILL on the journal: serving again %d ms after the kill; %s%n",
                (System.nanoTime() - killed) / 1_000_000, again.output().stream().filter(l -> l.contains("recovered"))
                        .findFirst().orElse("(no recovery line)"));
        assertThat(lines(again, "recovered")).isPositive();
        Await.until(Duration.ofSeconds(60), () -> finished(ids, status) == 2 * TASKS,
                () -> finished(ids, status) + " of " + 2 * TASKS + " finished after the restart");
        System.out.printf("FaultsIT relayer SIGKILL on the journal: every task finished %d ms after the kill%n",
                (System.nanoTime() - killed) / 1_000_000);

        assertPaidResultsKept(client, ids, status);
        assertBooks(tasks, status, demanderStart);
        HttpResponse<String> unknown = get(port, "/tasks/no-such-task");
        assertThat(unknown.statusCode()).isEqualTo(404);
        assertThat(unknown.body()).contains("does not know it");
        assertThat(Files.size(journal)).isPositive();
    }

    @Test
    void aRedisKilledAndRestartedFromItsAppendOnlyFileLosesNoPaidResultAndStrandsNoTask() throws Exception {
        cluster = Cluster.startOrSkip("FaultsIT", () -> RedisServer.start(true)); // appendonly yes, appendfsync everysec
        Scene scene = scene(PATIENT, Duration.ofMillis(1500));
        int port = scene.port();
        ChildJvm relayer = scene.relayer();
        SmainerClient client = scene.client();
        TokenAmount demanderStart = scene.demanderStart();
        Map<U256, String> tasks = submit(client, 0);
        List<String> ids = List.copyOf(tasks.values());
        Function<String, TaskStatus> status = storeStatus();
        Await.until(Duration.ofSeconds(60), () -> count(ids, status, TaskStatus.SETTLED) >= 1
                && count(ids, status, TaskStatus.RUNNING) >= 1, () -> "a task paid and one running before the kill: "
                + cluster.view.countByStatus());
        Map<TaskStatus, Integer> before = new TreeMap<>();
        ids.forEach(id -> before.merge(status.apply(id), 1, Integer::sum));

        cluster.redis.kill();
        long killed = System.nanoTime();
        Map<Integer, Integer> answers = sample(port, ids.get(0), Duration.ofSeconds(5), "");
        cluster.redis.restart();
        long restarted = System.nanoTime();
        System.out.printf("FaultsIT redis SIGKILL, restarted from its AOF after %d ms: tasks at the kill %s; answers while"
                + " down %s%n", (restarted - killed) / 1_000_000, before, answers);
        assertThat(answers.keySet()).containsOnly(503);

        Await.until(Duration.ofSeconds(60), () -> finished(ids, status) == TASKS,
                () -> finished(ids, status) + " of " + TASKS + " finished after the restart; store: "
                        + cluster.view.countByStatus());
        System.out.printf("FaultsIT redis SIGKILL: every task finished %d ms after the restart; assignments per task %s%n",
                (System.nanoTime() - restarted) / 1_000_000, attempts(ids).values());
        assertThat(count(ids, status, TaskStatus.SETTLED)).as("every task paid").isEqualTo(TASKS);
        assertPaidResultsKept(client, ids, status);
        assertBooks(tasks, status, demanderStart);
        assertThat(lines(relayer, "store unavailable since")).as("one line for the outage").isEqualTo(1);
        assertThat(lines(relayer, "\tat ")).as("no stack traces").isZero();
    }

    @Test
    void aProviderJvmKilledMidTaskHasItsTasksRunByAnotherAndPaidOnce() throws Exception {
        cluster = Cluster.startOrSkip("FaultsIT");
        int port = Cluster.freePort();
        ChildJvm relayer = cluster.relayer("relayer-1", port, PATIENT);
        ChildJvm doomed = cluster.providerProcess(1, port, 2, Duration.ofSeconds(3));
        SmainerClient client = cluster.client(port);
        TokenAmount demanderStart = cluster.ledger.balanceOf(Cluster.DEMANDER);
        Map<U256, String> tasks = new LinkedHashMap<>();
        for (int i = 0; i < 2; i++) { // the process is the only provider: both run there
            JobSpec job = Cluster.echo(i);
            CreatedTask escrow = client.createEscrow(TokenAmount.parseStrk("0.2"), Tier.BASIC, job);
            String id = Cluster.submitRetrying(client, escrow.escrowId(), job, Duration.ofSeconds(30));
            tasks.put(escrow.escrowId(), id);
            expected.put(id, "task " + i);
        }
        List<String> ids = List.copyOf(tasks.values());
        for (String id : ids) {
            doomed.awaitOutput(Duration.ofSeconds(30), l -> l.equals("STARTED task=" + id));
        }
        cluster.provider(2, port, 2, Duration.ofMillis(300)); // the survivor, idle until the kill

        doomed.kill();
        long killed = System.nanoTime();
        Function<String, TaskStatus> status = storeStatus();
        Await.until(Duration.ofSeconds(60), () -> finished(ids, status) == ids.size(),
                () -> finished(ids, status) + " of " + ids.size() + " finished after the kill; store: "
                        + cluster.view.countByStatus());
        System.out.printf("FaultsIT provider JVM SIGKILL mid-task: both tasks finished %d ms after the kill; assignments"
                + " %s; the relayer said: %s%n", (System.nanoTime() - killed) / 1_000_000, attempts(ids).values(),
                relayer.output().stream().filter(l -> l.contains(" offline: ")).findFirst().orElse("(nothing)"));
        assertThat(doomed.output()).noneMatch(l -> l.startsWith("COMPLETED"));
        for (String id : ids) {
            TaskRecord t = cluster.view.task(id).orElseThrow();
            assertThat(t.status()).as("task %s", id).isEqualTo(TaskStatus.SETTLED);
            assertThat(t.completion().orElseThrow().provider()).as("run by the survivor").isEqualTo(Cluster.providerAddress(2));
            assertThat(t.attempts()).isEqualTo(2);
        }
        assertPaidResultsKept(client, ids, status);
        assertBooks(tasks, status, demanderStart);
        assertThat(lines(relayer, "\tat ")).as("no stack traces").isZero();
    }

    @Test
    void aRelayerPausedIsNoticedByItsProvidersAndNothingIsLostWhenItGoesOn() throws Exception {
        cluster = Cluster.startOrSkip("FaultsIT");
        cluster.pingInterval = Duration.ofSeconds(1);
        cluster.pingTimeout = Duration.ofSeconds(3);
        Scene scene = scene(PATIENT, Duration.ofMillis(1500));
        ChildJvm relayer = scene.relayer();
        List<ProviderNode> nodes = scene.nodes();
        SmainerClient client = scene.client();
        TokenAmount demanderStart = scene.demanderStart();
        Map<U256, String> tasks = submit(client, 0);
        Function<String, TaskStatus> status = storeStatus();
        Await.until(Duration.ofSeconds(30), () -> cluster.view.countByStatus().get(TaskStatus.RUNNING) > 0,
                () -> "a task running before the pause: " + cluster.view.countByStatus());

        Signals.send(relayer.pid(), "STOP");
        long paused = System.nanoTime();
        // a demander goes on submitting meanwhile: its client retries until the relayer answers again
        CompletableFuture<Map<U256, String>> late = CompletableFuture.supplyAsync(() -> submit(client, TASKS));
        Await.until(Duration.ofSeconds(30), () -> nodes.stream().allMatch(n -> n.status().state() != ProviderNode.State.READY), () -> "both providers noticed the silent relayer: "
                + nodes.stream().map(ProviderNode::status).toList());
        long noticed = System.nanoTime();
        Await.until(Duration.ofSeconds(30), () -> System.nanoTime() - paused > Duration.ofSeconds(10).toNanos(),
                () -> "10 s of pause");
        Signals.send(relayer.pid(), "CONT");
        long resumed = System.nanoTime();
        tasks.putAll(late.get(60, TimeUnit.SECONDS));
        List<String> ids = List.copyOf(tasks.values());
        Await.until(Duration.ofSeconds(60), () -> finished(ids, status) == ids.size(),
                () -> finished(ids, status) + " of " + ids.size() + " finished after SIGCONT; store: "
                        + cluster.view.countByStatus());
        System.out.printf("FaultsIT relayer SIGSTOP 10 s: providers noticed %d ms into the pause (%s); every task (%d, %d"
                + " submitted during the pause) finished %d ms after SIGCONT; assignments per task %s%n",
                (noticed - paused) / 1_000_000, nodes.get(0).status().state(), ids.size(), TASKS,
                (System.nanoTime() - resumed) / 1_000_000, attempts(ids).values());
        Await.until(Duration.ofSeconds(30), () -> nodes.stream().allMatch(n -> n.status().state() == ProviderNode.State.READY),
                () -> "both providers online again: " + nodes.stream().map(ProviderNode::status).toList());
        assertThat(count(ids, status, TaskStatus.SETTLED)).as("every task paid").isEqualTo(ids.size());
        assertPaidResultsKept(client, ids, status);
        assertBooks(tasks, status, demanderStart);
        assertThat(lines(relayer, "\tat ")).as("no stack traces").isZero();
    }

    @Test
    void aRedisOutOfDiskRefusesNewWorkWith503NamingTheCauseAndRecoversWhenSpaceReturns() throws Exception {
        assumeTmpfs("Redis out of disk");
        cluster = Cluster.startOrSkip("FaultsIT", () -> RedisServer.startOnTmpfs(8 << 20));
        Scene scene = scene(PATIENT, Duration.ofMillis(1500));
        int port = scene.port();
        ChildJvm relayer = scene.relayer();
        SmainerClient client = scene.client();
        TokenAmount demanderStart = scene.demanderStart();
        Map<U256, String> tasks = submit(client, 0);
        Function<String, TaskStatus> status = storeStatus();
        Await.until(Duration.ofSeconds(30), () -> cluster.view.countByStatus().get(TaskStatus.RUNNING) > 0,
                () -> "a task running before the disk fills: " + cluster.view.countByStatus());

        cluster.redis.fillDisk();
        long full = System.nanoTime();
        List<Integer> answers = submitWhile(port, client, Duration.ofSeconds(8), "No space left on device", tasks);
        cluster.redis.freeDisk();
        long freed = System.nanoTime();
        System.out.printf("FaultsIT redis out of disk 8 s: submissions answered %s%n", counts(answers));
        assertRefusedFromTheFirstFailure(answers);
        List<String> ids = List.copyOf(tasks.values());
        Await.until(Duration.ofSeconds(60), () -> finished(ids, status) == ids.size(),
                () -> finished(ids, status) + " of " + ids.size() + " finished after the disk was freed; store: "
                        + cluster.view.countByStatus());
        System.out.printf("FaultsIT redis out of disk: every task finished %d ms after the disk was freed (%d ms after it"
                + " filled); assignments per task %s%n", (System.nanoTime() - freed) / 1_000_000,
                (System.nanoTime() - full) / 1_000_000, attempts(ids).values());
        assertNewWorkPaidAndBooksReconcile(client, relayer, tasks, status, demanderStart);
    }

    @Test
    void aRelayerWhoseJournalIsOutOfDiskRefusesNewWorkKeepsWhatItHadAndRecovers() throws Exception {
        assumeTmpfs("journal out of disk");
        cluster = Cluster.startOrSkip("FaultsIT");
        Path disk = Files.createDirectory(dir.resolve("disk"));
        List<String> memory = List.of("redis.uri=", "store.journal=" + disk.resolve("relayer.journal"), PATIENT.get(0));
        Scene scene = scene(memory, Tmpfs.launcher(disk, 4 << 20), Duration.ofMillis(1500));
        int port = scene.port();
        ChildJvm relayer = scene.relayer();
        SmainerClient client = scene.client();
        TokenAmount demanderStart = scene.demanderStart();
        Map<U256, String> tasks = submit(client, 0);
        Function<String, TaskStatus> status = relayerStatus(client);
        List<String> first = List.copyOf(tasks.values());
        Await.until(Duration.ofSeconds(30), () -> count(first, status, TaskStatus.SETTLED) >= 1,
                () -> "a task paid before the disk fills");

        Tmpfs.fill(relayer.pid(), disk);
        long full = System.nanoTime();
        List<Integer> answers = submitWhile(port, client, Duration.ofSeconds(8), "No space left on device", tasks);
        Tmpfs.free(relayer.pid(), disk);
        long freed = System.nanoTime();
        System.out.printf("FaultsIT journal out of disk 8 s: submissions answered %s%n", counts(answers));
        assertRefusedFromTheFirstFailure(answers);
        List<String> ids = List.copyOf(tasks.values());
        Await.until(Duration.ofSeconds(60), () -> finished(ids, status) == ids.size(),
                () -> finished(ids, status) + " of " + ids.size() + " finished after the disk was freed");
        System.out.printf("FaultsIT journal out of disk: every task finished %d ms after the disk was freed (%d ms after it"
                + " filled); %s%n", (System.nanoTime() - freed) / 1_000_000, (System.nanoTime() - full) / 1_000_000,
                relayer.output().stream().filter(l -> l.contains("rewritten after")).findFirst().orElse("(no rewrite line)"));
        assertNewWorkPaidAndBooksReconcile(client, relayer, tasks, status, demanderStart);
    }

    /**
     * After an outage: new work is taken again, every task (before, during and after it) is paid once with its result
     * kept, the books reconcile, and the relayer logged the outage in one line, without stack traces.
     */
    private void assertNewWorkPaidAndBooksReconcile(SmainerClient client, ChildJvm relayer, Map<U256, String> tasks,
            Function<String, TaskStatus> status, TokenAmount demanderStart) {
        tasks.putAll(submit(client, TASKS));
        List<String> all = List.copyOf(tasks.values());
        Await.until(Duration.ofSeconds(60), () -> finished(all, status) == all.size(), () -> "the work after the outage");
        assertThat(count(all, status, TaskStatus.SETTLED)).as("every task paid").isEqualTo(all.size());
        assertPaidResultsKept(client, all, status);
        assertBooks(tasks, status, demanderStart);
        assertThat(lines(relayer, "store unavailable since")).as("one line for the outage").isEqualTo(1);
        assertThat(lines(relayer, "\tat ")).as("no stack traces").isZero();
    }

    /**
     * Submits fresh tasks for the given time, each with a client that gives up after 2 s (one try when the answer says
     * to retry after 2 s): @return each answer's status code, in order; each 503 names {@code store_unavailable} and
     * the cause. A refused task's escrow is cancelled (the demander's refund); an accepted one is added to
     * {@code accepted} (a full disk refuses writes only once the store has failed one: Redis's next AOF write, the
     * journal's next page).
     */
    private List<Integer> submitWhile(int port, SmainerClient client, Duration during, String cause,
            Map<U256, String> accepted) {
        List<Integer> answers = new ArrayList<>();
        SmainerClient once = SmainerClient.builder().relayer(URI.create("http://127.0.0.1:" + port))
                .escrow(cluster.demander).keyPair(cluster.demanderKey).chainId(ChainId.LOCAL).crypto(cluster.crypto)
                .timeout(Duration.ofSeconds(2)).build();
        long from = System.nanoTime();
        int n = 1000;
        while (System.nanoTime() - from < during.toNanos()) {
            JobSpec job = Cluster.echo(n);
            CreatedTask escrow = client.createEscrow(TokenAmount.parseStrk("0.2"), Tier.BASIC, job);
            try {
                String id = once.submit(escrow.escrowId(), job).taskId();
                answers.add(201);
                accepted.put(escrow.escrowId(), id);
                expected.put(id, "task " + n);
            } catch (RelayerApiException e) {
                answers.add(e.status());
                if (e.status() == 503) {
                    assertThat(e.getMessage()).contains("store_unavailable").contains(cause);
                }
                cluster.demander.cancelTask(escrow.escrowId()); // refused: the demander takes its money back
            }
            n++;
        }
        return answers;
    }

    /** Once the store refused a write, every later submission during the outage is refused too. */
    private static void assertRefusedFromTheFirstFailure(List<Integer> answers) {
        assertThat(answers).as("new work refused").contains(503);
        assertThat(answers.subList(answers.indexOf(503), answers.size())).as("after the first refusal").containsOnly(503);
    }

    /** Every paid result can still be fetched, byte for byte. */
    private void assertPaidResultsKept(SmainerClient client, List<String> ids, Function<String, TaskStatus> status) {
        for (String id : ids) {
            if (status.apply(id) == TaskStatus.SETTLED) {
                Api.TaskResult r = client.awaitResult(id, Duration.ofSeconds(5));
                assertThat(new String(r.result(), StandardCharsets.UTF_8)).as("the result of %s", id)
                        .isEqualTo(expected.get(id));
            }
        }
    }

    /** A task's status in the store, PENDING while the store does not answer. */
    private Function<String, TaskStatus> storeStatus() {
        return id -> {
            try {
                return cluster.view.task(id).map(TaskRecord::status).orElse(TaskStatus.PENDING);
            } catch (RuntimeException e) { // Redis is down
                return TaskStatus.PENDING;
            }
        };
    }

    /** A task's status as its demander reads it from the relayer, PENDING while the relayer does not answer. */
    private static Function<String, TaskStatus> relayerStatus(SmainerClient client) {
        return id -> {
            try {
                return client.task(id).status();
            } catch (RuntimeException e) { // the relayer is down, paused or refusing
                return TaskStatus.PENDING;
            }
        };
    }

    /** @return each task's assignments so far, from the store */
    private Map<String, Integer> attempts(List<String> ids) {
        Map<String, Integer> out = new LinkedHashMap<>();
        for (String id : ids) {
            out.put(id, cluster.view.task(id).map(TaskRecord::attempts).orElse(0));
        }
        return out;
    }

    /**
     * Samples a task's {@code GET} for the given time: @return how many answers of each status code came back (0 for
     * none: the relayer did not answer within 10 s), each 503 with {@code Retry-After} and the body checked
     */
    private Map<Integer, Integer> sample(int port, String taskId, Duration during, String cause) {
        Map<Integer, Integer> answers = new TreeMap<>();
        long from = System.nanoTime();
        Await.until(during.plusSeconds(30), () -> {
            int code;
            try {
                HttpResponse<String> r = get(port, "/tasks/" + taskId);
                code = r.statusCode();
                if (code == 503) {
                    assertThat(r.headers().firstValue("Retry-After")).isPresent();
                    assertThat(r.body()).contains("store_unavailable").contains(cause);
                }
            } catch (UncheckedIOException e) {
                code = 0;
            }
            answers.merge(code, 1, Integer::sum);
            return System.nanoTime() - from > during.toNanos();
        }, () -> during + " of sampling");
        return answers;
    }

    private static Map<Integer, Long> counts(List<Integer> answers) {
        Map<Integer, Long> out = new TreeMap<>();
        answers.forEach(a -> out.merge(a, 1L, Long::sum));
        return out;
    }

    private static long count(List<String> ids, Function<String, TaskStatus> status, TaskStatus wanted) {
        return ids.stream().filter(id -> status.apply(id) == wanted).count();
    }

    private static long finished(List<String> ids, Function<String, TaskStatus> status) {
        return ids.stream().filter(id -> status.apply(id).isTerminal()).count();
    }

    /**
     * Every task SETTLED by exactly one settlement with the fee math's split, or FAILED with its escrow untouched, which
     * the demander then cancels for a full refund; the demander's balance is its start less what the settled tasks
     * escrowed.
     */
    private void assertBooks(Map<U256, String> tasks, Function<String, TaskStatus> status, TokenAmount demanderStart) {
        Map<U256, Integer> settlements = new HashMap<>();
        for (EscrowEvent ev : cluster.demander.eventsAfter(EventCursor.START)) {
            if (ev instanceof EscrowEvent.TaskSettled done) {
                settlements.merge(done.taskId(), 1, Integer::sum);
                FlatSplit split = FeeMath.flatSplit(cluster.demander.getTask(done.taskId()).orElseThrow().amount());
                assertThat(done.providerAmount()).isEqualTo(split.providerTotal());
                assertThat(done.treasuryAmount()).isEqualTo(split.treasury());
            }
        }
        TokenAmount paid = TokenAmount.ZERO;
        int failed = 0;
        for (Map.Entry<U256, String> e : tasks.entrySet()) {
            EscrowTask onChain = cluster.demander.getTask(e.getKey()).orElseThrow();
            if (status.apply(e.getValue()) == TaskStatus.SETTLED) {
                assertThat(settlements.get(e.getKey())).as("settlements of %s", e.getValue()).isEqualTo(1);
                assertThat(onChain.status().paid()).as("escrow %s paid", e.getKey()).isTrue();
                paid = paid.plus(onChain.amount());
            } else {
                assertThat(status.apply(e.getValue())).isEqualTo(TaskStatus.FAILED);
                assertThat(settlements).doesNotContainKey(e.getKey());
                assertThat(onChain.status()).isEqualTo(EscrowStatus.CREATED);
                cluster.demander.cancelTask(e.getKey()); // the refund the FAILED task's message points to
                failed++;
            }
        }
        System.out.printf("FaultsIT: %d settled once each, %d failed and refunded%n", tasks.size() - failed, failed);
        assertThat(settlements.keySet()).isSubsetOf(tasks.keySet());
        assertThat(cluster.ledger.balanceOf(Cluster.DEMANDER)).isEqualTo(demanderStart.minus(paid));
    }
}
