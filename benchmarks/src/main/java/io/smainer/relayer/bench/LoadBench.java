package io.smainer.relayer.bench;

import io.smainer.relayer.ChildJvm;
import io.smainer.relayer.RedisServer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The relayer load benchmark, in separate processes on loopback: one relayer (signature checks on,
 * in-process ledger as the chain, {@code -Xmx1g}), one process of simulated providers on WebSocket, and
 * a demander load generator. Prints end-to-end tasks per second and the submit-to-assign latency
 * (demander send to provider job start, wall clock). With {@code connections=N} it instead holds N
 * provider WebSockets on one relayer and prints its heap. Every process stops by itself.
 *
 * <pre>
 * mvn -B -q -pl smainer-sdk,reference-relayer -am -DskipTests test-compile dependency:build-classpath \
 *     -Dmdep.outputFile=target/test-classpath.txt -Dmdep.includeScope=test
 * cd reference-relayer; CP="target/test-classes:target/classes:$(cat target/test-classpath.txt)"
 * java -cp "$CP" io.smainer.relayer.bench.LoadBench tasks=90000 warmup=60000 providers=100 concurrency=8 demanders=10 in_flight=64
 * java -cp "$CP" io.smainer.relayer.bench.LoadBench pin=0/1   (the relayer alone on CPU 0, the harness on CPU 1)
 * java -cp "$CP" io.smainer.relayer.bench.LoadBench connections=10000
 * </pre>
 */
public final class LoadBench {
    private LoadBench() {
    }

    /**
     * @param args {@code key=value}: tasks, providers, concurrency, demanders, in_flight, rate (tasks/s, open loop: each
     *     task's latency counts from when it was due), paced_s (open loop: the warm-up's last seconds are sent at the
     *     rate, 30 by default, so that the JIT has settled on the paced load before it is measured), gc (the relayer's collector: g1, parallel, z or shenandoah),
     *     relayer_jvm (more JVM flags for the relayer, {@code ;}-separated; providers_jvm and demander_jvm for the
     *     other two), jfr (a file for
     *     the relayer's flight recording; jfr_providers and jfr_demander for the other two), relayer (extra relayer settings, {@code ;}-separated),
     *     pin ({@code RELAYER_CPUS/HARNESS_CPUS}, such as {@code 0/1}: the relayer's JVM starts under {@code taskset} on
     *     the first CPU list, the providers' and the demander's on the second, so the relayer's own capacity is
     *     measured rather than derived), keep (a directory to keep each task's send-or-due and start times in, as
     *     {@code sent.txt} and {@code started.txt}: {@code index micros} lines, to line the slow tasks up against a GC
     *     log), store ({@code redis}: the relayer keeps its state in a {@code redis-server} the benchmark starts on
     *     the same machine, append-only with an fsync every second, and reports its CPU per task too), connections
     * @throws Exception on failure
     */
    public static void main(String[] args) throws Exception {
        Map<String, String> o = new HashMap<>();
        for (String a : args) {
            int eq = a.indexOf('=');
            o.put(a.substring(0, eq), a.substring(eq + 1));
        }
        if (o.containsKey("connections")) {
            connections(Integer.parseInt(o.get("connections")), o);
        } else {
            load(o);
        }
        System.exit(0);
    }

    private static List<String> relayerJvm(Map<String, String> o) {
        List<String> jvm = new ArrayList<>(List.of("-Xmx1g", "-Xms1g", gcFlag(o.getOrDefault("gc", "g1"))));
        if (o.containsKey("relayer_jvm")) {
            jvm.addAll(Arrays.asList(o.get("relayer_jvm").split(";")));
        }
        if (o.containsKey("jfr")) {
            jvm.add(jfr(o.get("jfr")));
        }
        return jvm;
    }

    /** A flight recording to a file, with JFR's profile settings or the {@code .jfc} named by {@code -Djfr.settings}. */
    private static String jfr(String file) {
        return "-XX:StartFlightRecording=filename=" + file + ",settings=" + System.getProperty("jfr.settings", "profile")
                + ",dumponexit=true";
    }

    private static List<String> harnessJvm(Map<String, String> o, String jfrKey, String jvmKey) {
        List<String> jvm = new ArrayList<>(List.of("-Xmx512m"));
        if (o.containsKey(jvmKey)) {
            jvm.addAll(Arrays.asList(o.get(jvmKey).split(";")));
        }
        if (o.containsKey(jfrKey)) {
            jvm.add(jfr(o.get(jfrKey)));
        }
        return jvm;
    }

    /**
     * The relayer's collector: {@code g1} (the JVM's default on a server-class machine), {@code parallel}, {@code z} or
     * {@code shenandoah} (where the JDK has it).
     */
    private static String gcFlag(String gc) {
        switch (gc) {
            case "g1":
                return "-XX:+UseG1GC";
            case "parallel":
                return "-XX:+UseParallelGC";
            case "z":
                return "-XX:+UseZGC";
            case "shenandoah":
                return "-XX:+UseShenandoahGC";
            default:
                throw new IllegalArgumentException("gc: expected g1, parallel, z or shenandoah, got '" + gc + "'");
        }
    }

    /**
     * @param o the options
     * @param relayer true for the relayer's launcher, false for the harness's
     * @return {@code taskset -c CPUS} when {@code pin} is set, else nothing
     */
    static List<String> launcher(Map<String, String> o, boolean relayer) {
        String pin = o.get("pin");
        if (pin == null) {
            return List.of();
        }
        String[] cpus = pin.split("/");
        if (cpus.length != 2 || !cpus[0].matches("[0-9,-]+") || !cpus[1].matches("[0-9,-]+")) {
            throw new IllegalArgumentException("pin: expected RELAYER_CPUS/HARNESS_CPUS such as 0/1 or 0-1/2-3, got '" + pin
                    + "'");
        }
        return List.of("taskset", "-c", relayer ? cpus[0] : cpus[1]);
    }

    private static List<String> relayerSettings(Map<String, String> o) {
        return o.containsKey("relayer") ? Arrays.asList(o.get("relayer").split(";")) : List.of();
    }

    private static void load(Map<String, String> o) throws Exception {
        if (o.containsKey("rate") && !o.containsKey("in_flight")) {
            o.put("in_flight", "512"); // with a fixed rate the window is only a safety cap
        }
        boolean openLoop = o.containsKey("rate");
        int tasks = Integer.parseInt(o.getOrDefault("tasks", openLoop ? "70000" : "90000"));
        int providers = Integer.parseInt(o.getOrDefault("providers", "100"));
        int concurrency = Integer.parseInt(o.getOrDefault("concurrency", "8"));
        int demanders = Integer.parseInt(o.getOrDefault("demanders", "10"));
        int inFlight = Integer.parseInt(o.getOrDefault("in_flight", "64"));
        // A relayer runs for days: measure it once the JIT has settled. Under full load on two shared cores
        // C2 kept compiling in the relayer for about 45 s (some 40,000 tasks), so 60,000 tasks warm up by
        // default, sent as fast as the window allows whatever the rate; then 30,000 (closed loop) or 10,000
        // (open loop) are measured.
        int warmup = Integer.parseInt(o.getOrDefault("warmup", Integer.toString(Math.min(60000, tasks * 6 / 7))));
        if (warmup < 0 || warmup >= tasks) {
            throw new IllegalArgumentException("warmup: expected 0 to tasks - 1 (" + (tasks - 1) + "), got " + warmup);
        }
        // Open loop: the warm-up ends with paced_s seconds at the rate. From flat out to paced, HotSpot throws away and
        // recompiles what the new load reaches (2,905 compilations, 604 of them after a deoptimization, in a 25 s measured
        // phase at 400 tasks/s that followed a flat-out warm-up), which the measured phase would otherwise pay for.
        int paced = openLoop ? (int) Math.min(warmup, Math.round(Double.parseDouble(o.get("rate"))
                * Double.parseDouble(o.getOrDefault("paced_s", "30")))) : 0;
        Path dir = Files.createTempDirectory("load-bench-");
        Path sentFile = dir.resolve("sent.txt");
        Path startedFile = dir.resolve("started.txt");
        List<String> relayerArgs = new ArrayList<>(List.of(Integer.toString(tasks), Integer.toString(providers),
                Integer.toString(demanders), "0"));
        relayerArgs.addAll(relayerSettings(o));
        RedisServer redis = null;
        if (o.containsKey("store")) {
            if (!o.get("store").equals("redis")) {
                throw new IllegalArgumentException("store: expected redis (or no store= for the memory store), got '"
                        + o.get("store") + "'");
            }
            // a redis-server of its own, persisting as a deployment would (append-only, fsync every second)
            redis = RedisServer.start(true);
            relayerArgs.add("redis.uri=" + redis.uri());
        }
        int relayerCount = Integer.parseInt(o.getOrDefault("relayers", "1"));
        if (relayerCount < 1 || relayerCount > 1 && redis == null) {
            if (redis != null) {
                redis.close();
            }
            throw new IllegalArgumentException("relayers: expected 1, or more with store=redis (they share one queue"
                    + " through it), got " + relayerCount + (redis == null ? " without store=redis" : ""));
        }
        double redisReady = 0;
        List<ChildJvm> relayers = new ArrayList<>();
        try (RedisServer closeRedis = redis; AutoCloseable closeRelayers = () -> closeAll(relayers)) {
            // each relayer JVM sets up the same in-process ledger (the same escrows in the same order), so every one
            // checks escrows on a chain it holds; the settlement leader (one at a time, by its lease) settles on its own
            for (int k = 0; k < relayerCount; k++) {
                List<String> args = new ArrayList<>(relayerArgs);
                if (relayerCount > 1) {
                    args.add("name=bench-relayer-" + (k + 1));
                }
                relayers.add(ChildJvm.start(relayerCount > 1 ? "relayer-" + (k + 1) : "relayer", launcher(o, true),
                        relayerJvm(o), BenchRelayer.class, args, System.out));
            }
            String[] relayerReady = new String[relayerCount];
            List<String> ports = new ArrayList<>();
            for (int k = 0; k < relayerCount; k++) {
                relayerReady[k] = relayers.get(k).awaitLine(Duration.ofMinutes(3), l -> l.startsWith("READY"));
                ports.add(ChildJvm.field(relayerReady[k], "port").orElseThrow());
            }
            String port = String.join(",", ports);
            try (ChildJvm provs = ChildJvm.start("providers", launcher(o, false), harnessJvm(o, "jfr_providers", "providers_jvm"),
                    BenchProviders.class,
                    List.of(port, Integer.toString(providers), Integer.toString(concurrency), Integer.toString(tasks),
                            startedFile.toString()), System.out)) {
                String providersReady = provs.awaitLine(Duration.ofMinutes(2), l -> l.startsWith("PROVIDERS READY"));
                try (ChildJvm demand = ChildJvm.start("demander", launcher(o, false), harnessJvm(o, "jfr_demander", "demander_jvm"),
                        BenchDemander.class,
                        List.of(port, Integer.toString(tasks), Integer.toString(demanders), Integer.toString(inFlight),
                                sentFile.toString(), o.getOrDefault("rate", "0"), Integer.toString(warmup), Integer.toString(paced)),
                        System.out)) {
                    String signed = demand.awaitLine(Duration.ofMinutes(3), l -> l.startsWith("DEMAND signed="));
                    if (warmup > 0) {
                        // the measured phase starts from here: take every process's CPU counters, then let it go
                        signed = demand.awaitLine(Duration.ofMinutes(4), l -> l.startsWith("DEMAND warm"));
                        for (int k = 0; k < relayerCount; k++) {
                            relayers.get(k).send("CPU");
                            relayerReady[k] = relayers.get(k).awaitLine(Duration.ofSeconds(30), l -> l.startsWith("CPU"));
                        }
                        redisReady = redis == null ? 0 : redis.cpuSeconds();
                        provs.send("CPU");
                        providersReady = provs.awaitLine(Duration.ofSeconds(30), l -> l.startsWith("CPU"));
                        demand.send("GO");
                    }
                    String result = demand.awaitLine(Duration.ofMinutes(8), l -> l.startsWith("DEMAND tasks="));
                    demand.awaitExit(Duration.ofSeconds(30));
                    String[] relayerHeap = new String[relayerCount]; // with the collections before its System.gc()
                    for (int k = 0; k < relayerCount; k++) {
                        relayers.get(k).send("HEAP");
                        relayerHeap[k] = relayers.get(k).awaitLine(Duration.ofSeconds(30), l -> l.startsWith("HEAP"));
                    }
                    provs.send("STOP");
                    String providersDone = provs.awaitLine(Duration.ofSeconds(30), l -> l.startsWith("PROVIDERS DONE"));
                    provs.awaitExit(Duration.ofSeconds(30));
                    String[] relayerThreads = new String[relayerCount];
                    String[] relayerFinal = new String[relayerCount];
                    for (int k = 0; k < relayerCount; k++) {
                        ChildJvm r = relayers.get(k);
                        r.send("STOP");
                        relayerThreads[k] = r.awaitLine(Duration.ofSeconds(30), l -> l.startsWith("THREADS"));
                        relayerFinal[k] = r.awaitLine(Duration.ofSeconds(30), l -> l.startsWith("FINAL"));
                        r.awaitExit(Duration.ofSeconds(30));
                    }
                    double redisCpu = redis == null ? 0 : redis.cpuSeconds() - redisReady;
                    int measured = tasks - warmup;
                    report(tasks, warmup, paced, providers, concurrency, demanders, inFlight, o.getOrDefault("rate", "max"), result,
                            sentFile, startedFile);
                    if (o.containsKey("pin")) {
                        System.out.printf("  pinned: the relayer (with its in-process chain) alone on CPU %s, providers and"
                                + " demander on CPU %s; tasks/s above is what the relayer's CPUs carried%n",
                                launcher(o, true).get(2), launcher(o, false).get(2));
                    }
                    double relayerCpu = 0;
                    double chainCpu = 0;
                    double relayerSys = 0;
                    double relayerWait = 0;
                    long assignedAll = 0;
                    for (int k = 0; k < relayerCount; k++) {
                        relayerCpu += cpu(relayerFinal[k]) - cpu(relayerReady[k]);
                        chainCpu += chainCpu(relayerFinal[k]) - chainCpu(relayerReady[k]);
                        relayerSys += sys(relayerFinal[k]) - sys(relayerReady[k]);
                        relayerWait += waited(relayerFinal[k]) - waited(relayerReady[k]);
                        assignedAll += assigned(relayerFinal[k]) - assigned(relayerReady[k]);
                    }
                    cpuReport(measured, relayerCpu - chainCpu, chainCpu, cpu(providersDone) - cpu(providersReady),
                            cpu(result) - cpu(signed), redis == null ? -1 : redisCpu);
                    System.out.printf("  of which in the kernel (ms per task): relayer %.3f, providers %.3f, demander %.3f%n",
                            relayerSys * 1e3 / measured, (sys(providersDone) - sys(providersReady)) * 1e3 / measured,
                            (sys(result) - sys(signed)) * 1e3 / measured);
                    System.out.printf("  waiting, runnable, for a core (live threads, ms per task): relayer %.3f, providers %.3f,"
                            + " demander %.3f%n", relayerWait * 1e3 / measured,
                            (waited(providersDone) - waited(providersReady)) * 1e3 / measured,
                            (waited(result) - waited(signed)) * 1e3 / measured);
                    long relayerGcs = 0;
                    long relayerGcMillis = 0;
                    for (int k = 0; k < relayerCount; k++) {
                        relayerGcs += number(relayerHeap[k], "gc_n") - number(relayerReady[k], "gc_n");
                        relayerGcMillis += number(relayerHeap[k], "gc_ms") - number(relayerReady[k], "gc_ms");
                    }
                    System.out.printf("  collections that stop the JVM, measured phase (count, total ms): relayer %d, %d ms;"
                            + " providers %d, %d ms; demander %d, %d ms%n", relayerGcs, relayerGcMillis,
                            number(providersDone, "gc_n") - number(providersReady, "gc_n"),
                            number(providersDone, "gc_ms") - number(providersReady, "gc_ms"),
                            number(result, "gc_n") - number(signed, "gc_n"), number(result, "gc_ms") - number(signed, "gc_ms"));
                    if (relayerCount > 1) {
                        System.out.printf("  %d relayers on one redis-server; each one's share (submissions are spread evenly,"
                                + " providers too):%n", relayerCount);
                        for (int k = 0; k < relayerCount; k++) {
                            double own = cpu(relayerFinal[k]) - cpu(relayerReady[k]) - (chainCpu(relayerFinal[k])
                                    - chainCpu(relayerReady[k]));
                            long assigned = assigned(relayerFinal[k]) - assigned(relayerReady[k]);
                            System.out.printf("    relayer %d: %d assignments (%.1f%%), CPU %.3f ms per measured task,"
                                    + " settlement batches %s%n", k + 1, assigned,
                                    assignedAll == 0 ? 0 : 100.0 * assigned / assignedAll, own * 1e3 / measured,
                                    ChildJvm.field(relayerFinal[k], "batches").orElse("?"));
                        }
                    } else {
                        System.out.println("  relayer threads still alive, CPU ms per measured task: "
                                + threadDeltas(relayerReady[0], relayerThreads[0], measured)
                                + " (the rest of the relayer's CPU: JIT, GC, threads that ended)");
                    }
                }
            }
        } finally {
            if (o.containsKey("keep")) { // each task's send (or due) time and start time, for a closer look at the tail
                Path keep = Files.createDirectories(Path.of(o.get("keep")));
                Files.copy(sentFile, keep.resolve("sent.txt"), StandardCopyOption.REPLACE_EXISTING);
                Files.copy(startedFile, keep.resolve("started.txt"), StandardCopyOption.REPLACE_EXISTING);
            }
            Files.deleteIfExists(sentFile);
            Files.deleteIfExists(startedFile);
            Files.deleteIfExists(dir);
        }
    }

    /** {@code name=seconds} tokens of two thread lines, as milliseconds per task between them. */
    private static String threadDeltas(String before, String after, int tasks) {
        Map<String, Double> start = new HashMap<>();
        for (String token : before.split("\\s+")) {
            int eq = token.lastIndexOf('=');
            if (eq > 0) {
                try {
                    start.put(token.substring(0, eq), Double.parseDouble(token.substring(eq + 1)));
                } catch (NumberFormatException e) {
                    // not a thread's figure
                }
            }
        }
        StringBuilder out = new StringBuilder();
        for (String token : after.substring("THREADS ".length()).split("\\s+")) {
            int eq = token.lastIndexOf('=');
            if (eq <= 0) {
                continue;
            }
            String name = token.substring(0, eq);
            double ms = (Double.parseDouble(token.substring(eq + 1)) - start.getOrDefault(name, 0.0)) * 1e3 / tasks;
            if (ms >= 0.005 && !name.contains("acceptor")) {
                out.append(String.format("%s %.3f, ", name, ms));
            }
        }
        return out.length() == 0 ? "(none)" : out.substring(0, out.length() - 2);
    }

    private static void closeAll(List<ChildJvm> jvms) {
        for (ChildJvm j : jvms) {
            j.close();
        }
    }

    private static long assigned(String line) {
        return Long.parseLong(ChildJvm.field(line, "assigned").orElse("0"));
    }

    private static double chainCpu(String line) {
        return Double.parseDouble(ChildJvm.field(line, "chain_cpu_s").orElse("0"));
    }

    private static double waited(String line) {
        return Double.parseDouble(ChildJvm.field(line, "wait_s").orElse("0"));
    }

    private static long number(String line, String field) {
        return Long.parseLong(ChildJvm.field(line, field).orElse("0"));
    }

    private static double sys(String line) {
        return Double.parseDouble(ChildJvm.field(line, "sys_s").orElse("0"));
    }

    private static double cpu(String line) {
        return Double.parseDouble(ChildJvm.field(line, "cpu_s").orElse("0"));
    }

    /**
     * CPU per task of each process over the run (each process's own CPU-time counter; the relayer's calls
     * into the in-process ledger measured per thread), and what the relayer's share alone implies.
     */
    private static void cpuReport(int tasks, double relayer, double chain, double providers, double demander,
            double redis) {
        double perTask = 1e3 / tasks;
        double total = relayer + chain + providers + demander + Math.max(0, redis);
        System.out.printf("  CPU per task (ms): relayer %.3f, in-process chain (ledger) %.3f, providers %.3f, demander %.3f%s;"
                + " all %.3f%n", relayer * perTask, chain * perTask, providers * perTask, demander * perTask,
                redis < 0 ? "" : String.format(", redis-server %.3f", redis * perTask), total * perTask);
        System.out.printf("  derived, not measured: the relayer's own CPU per task would let %d cores carry about %.0f"
                + " tasks/s if the chain, providers and demanders ran elsewhere%n", Runtime.getRuntime().availableProcessors(),
                Runtime.getRuntime().availableProcessors() * tasks / relayer);
    }

    /** The machine's load average, to judge how much else ran beside the benchmark. */
    static String loadAverage() {
        try {
            String[] p = Files.readString(Path.of("/proc/loadavg")).split(" ");
            return p[0] + " " + p[1] + " " + p[2];
        } catch (IOException | RuntimeException e) {
            return "unknown";
        }
    }

    private static long[] times(Path file, int n) throws IOException {
        long[] t = new long[n];
        for (String line : Files.readAllLines(file)) {
            String[] p = line.split(" ");
            t[Integer.parseInt(p[0])] = Long.parseLong(p[1]);
        }
        return t;
    }

    private static void report(int tasks, int warmup, int paced, int providers, int concurrency, int demanders, int inFlight,
            String rate, String result, Path sentFile, Path startedFile) throws IOException {
        long[] sent = times(sentFile, tasks);
        long[] started = times(startedFile, tasks);
        long[] lat = new long[tasks];
        int n = 0;
        for (int i = warmup; i < tasks; i++) {
            if (sent[i] > 0 && started[i] > 0) {
                lat[n++] = started[i] - sent[i];
            }
        }
        Arrays.sort(lat, 0, n);
        double completed = Double.parseDouble(ChildJvm.field(result, "completed_s").orElse("-1"));
        double settled = Double.parseDouble(ChildJvm.field(result, "settled_s").orElse("-1"));
        double submit = Double.parseDouble(ChildJvm.field(result, "submit_s").orElse("-1"));
        System.out.println();
        int measured = tasks - warmup;
        System.out.printf("LOAD tasks=%d (warm-up %d%s, measured %d) providers=%d concurrency=%d demanders=%d in_flight=%d"
                + " rate=%s cores=%d loadavg(1,5,15 min)=%s%n", tasks, warmup,
                paced > 0 ? ", the last " + paced + " of them at the rate" : "", measured, providers, concurrency, demanders,
                inFlight, rate, Runtime.getRuntime().availableProcessors(), loadAverage());
        System.out.printf("  submitted in %.2f s: %.0f tasks/s accepted%n", submit, measured / submit);
        System.out.printf("  all completed after %.2f s: %.0f tasks/s end to end (signatures checked)%n", completed,
                measured / completed);
        System.out.printf("  all settled after %.2f s: %.0f tasks/s end to end including settlement%n", settled,
                measured / settled);
        if (n > 0) {
            System.out.printf("  submit-to-assign latency over %d tasks: p50 %.2f ms, p90 %.2f ms, p99 %.2f ms, max %.2f ms%n",
                    n, lat[n / 2] / 1e3, lat[(int) (n * 0.9)] / 1e3, lat[(int) Math.min(n - 1, n * 0.99)] / 1e3,
                    lat[n - 1] / 1e3);
        }
    }

    private static void connections(int count, Map<String, String> o) throws Exception {
        List<String> relayerArgs = new ArrayList<>(List.of("0", Integer.toString(count), "1", "0",
                "heartbeat_seconds=30", "offline_after_seconds=90"));
        relayerArgs.addAll(relayerSettings(o));
        List<String> jvm = new ArrayList<>(List.of("-Xmx1g", "-XX:+UseParallelGC"));
        if (o.containsKey("jfr")) {
            jvm.add(jfr(o.get("jfr")));
        }
        try (ChildJvm relayer = ChildJvm.start("relayer", jvm, BenchRelayer.class, relayerArgs, System.out)) {
            String port = ChildJvm.field(relayer.awaitLine(Duration.ofMinutes(5), l -> l.startsWith("READY")), "port")
                    .orElseThrow();
            try (ChildJvm conns = ChildJvm.start("connections", List.of("-Xmx1g"), BenchConnections.class,
                    List.of(port, Integer.toString(count)), System.out)) {
                String in = conns.awaitLine(Duration.ofMinutes(4), l -> l.startsWith("CONNECTIONS logged_in="));
                int hold = Integer.parseInt(o.getOrDefault("hold_s", "40"));
                Thread.sleep(hold * 1000L); // past at least one heartbeat round (30 s) before the heap is read
                relayer.send("HEAP");
                String heap = relayer.awaitLine(Duration.ofSeconds(60), l -> l.startsWith("HEAP"));
                conns.send("STOP");
                String still = conns.awaitLine(Duration.ofSeconds(60), l -> l.startsWith("CONNECTIONS still_open="));
                relayer.send("STOP");
                relayer.awaitExit(Duration.ofSeconds(60));
                System.out.println();
 System.out.println("loadavg(1,5,15 min)=" + loadAverage());
                System.out.println("CONNECTIONS on one relayer (-Xmx1g): " + in.substring("CONNECTIONS ".length()) + "; "
                        + heap + "; after " + hold + " s held, " + still.substring("CONNECTIONS ".length()));
            }
        }
    }
}
