package io.smainer.relayer.scheduling;

import io.smainer.Require;
import io.smainer.chain.ContractAddress;
import io.smainer.fee.Tier;
import io.smainer.protocol.JobSpec;
import io.smainer.protocol.NodeCapabilities;
import io.smainer.protocol.TaskStatus;
import io.smainer.relayer.store.NodeDirectory;
import io.smainer.relayer.store.NodeRecord;
import io.smainer.relayer.store.TaskRecord;
import io.smainer.relayer.store.TaskStore;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Why a pending task is not matched, from the providers online (on any relayer sharing the store): none offers
 * its job kind, its tier or its memory, or all that could run it are busy. {@code GET /tasks/{id}} says it to the
 * task's demander; {@code /stats} (and the dashboard) counts the pending tasks by reason; the intake bounds the
 * tasks nobody can run ({@link #unmatched}). Thread-safe.
 */
public final class Waiting {
    /** The most pending tasks read for the counts of {@link #reasons()} and {@link #unmatched}. */
    public static final int MAX_SCANNED = 10_000;
    private static final int PAGE = 500;

    /** Why a task waits. */
    public enum Reason {
        /** No provider is online. */
        NO_PROVIDER,
        /** No provider online offers the job kind. */
        NO_KIND,
        /** Providers offer the kind, none at the task's tier or above. */
        NO_TIER,
        /** Providers offer the kind and tier, none with the GPU memory the job needs. */
        NO_MEMORY,
        /** The task is sealed, and none of its recipients is online with the sealing key it was sealed to. */
        NO_RECIPIENT,
        /** Providers that can run it are online, all at capacity. */
        BUSY;

        /** @return true when no provider online can run the task */
        public boolean unmatched() {
            return this != BUSY;
        }

        /** @return the lower-case name, as {@code /stats} writes it */
        public String wireName() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /**
     * How many pending tasks no provider online can run.
     *
     * @param demander the demander's
     * @param all everyone's
     */
    public record Unmatched(int demander, int all) {
    }

    /**
     * How long {@link #runnable} trusts a node list it read for a yes: the intake asks on every request, and on Redis
     * the list is every node's record, a read and a decode per request otherwise.
     */
    static final Duration RECENT_NODES = Duration.ofMillis(250);

    /**
     * How long {@link #reasons()} answers with the counts it made last: each count reads up to {@value #MAX_SCANNED}
     * pending tasks, and {@code /stats} (polled by dashboards and load generators) asks on every request.
     */
    static final Duration COUNTS_FOR = Duration.ofSeconds(1);

    private final TaskStore store;
    private final NodeDirectory directory;
    private final Recent<List<NodeRecord>> recentOnline;
    private final Recent<Map<String, Long>> counted;

    /**
     * A value made at most once per period: within it every caller gets the last one made; after it one caller makes
     * the next while the others wait for it.
     */
    private static final class Recent<T> {
        private final Supplier<T> make;
        private final long forNanos;
        private volatile Made<T> last;

        private record Made<T>(T value, long atNanos) {
        }

        Recent(Supplier<T> make, Duration period) {
            this.make = make;
            this.forNanos = period.toNanos();
        }

        T get() {
            Made<T> m = last;
            if (m != null && System.nanoTime() - m.atNanos() < forNanos) {
                return m.value();
            }
            synchronized (this) {
                m = last;
                if (m == null || System.nanoTime() - m.atNanos() >= forNanos) {
                    m = new Made<>(make.get(), System.nanoTime());
                    last = m;
                }
                return m.value();
            }
        }

        /** Keeps a value made by the caller now, for the period to come. */
        void put(T value) {
            last = new Made<>(value, System.nanoTime());
        }
    }

    /**
     * @param store where the tasks and node records are
     * @param <S> a store with both roles (a {@code RelayerStore} has them)
     */
    public <S extends TaskStore & NodeDirectory> Waiting(S store) {
        this.store = Require.present("store", store);
        this.directory = store;
        this.recentOnline = new Recent<>(this::online, RECENT_NODES);
        this.counted = new Recent<>(() -> Collections.unmodifiableMap(countReasons()), COUNTS_FOR);
    }

    /**
     * @param t a task
     * @return why it waits, in words, while it is pending and not about to be assigned
     */
    public Optional<String> why(TaskRecord t) {
        if (t.status() != TaskStatus.PENDING) {
            return Optional.empty();
        }
        List<NodeRecord> online = online();
        return reason(t.job(), t.tier(), online).map(r -> describe(r, t.job(), t.tier(), online));
    }

    /**
     * @param job a job
     * @param tier the escrow's tier
     * @return true when a provider online can run it (busy or not)
     */
    public boolean runnable(JobSpec job, Tier tier) {
        // the node list read for an earlier request, if recent, answers yes; a no is always read afresh, so a
        // provider that just logged in is seen at once, and one that just left at most RECENT_NODES later
        if (reason(job, tier, recentOnline.get()).map(x -> !x.unmatched()).orElse(true)) {
            return true;
        }
        List<NodeRecord> online = online();
        recentOnline.put(online);
        return reason(job, tier, online).map(x -> !x.unmatched()).orElse(true);
    }

    /**
     * Counts the pending tasks no provider online can run (reading at most {@value #MAX_SCANNED}), stopping once
     * both counts reach their bounds.
     *
     * @param demander whose to count apart
     * @param demanderBound stop counting the demander's here
     * @param allBound stop counting everyone's here
     * @return the counts
     */
    public Unmatched unmatched(ContractAddress demander, int demanderBound, int allBound) {
        List<NodeRecord> online = online();
        int mine = 0;
        int all = 0;
        long after = 0;
        int read = 0;
        while (read < MAX_SCANNED && (mine < demanderBound || all < allBound)) {
            List<TaskRecord> page = store.tasksByStatus(TaskStatus.PENDING, after, PAGE);
            for (TaskRecord t : page) {
                after = t.seq();
                if (reason(t.job(), t.tier(), online).map(Reason::unmatched).orElse(false)) {
                    all++;
                    if (t.demander().equals(demander)) {
                        mine++;
                    }
                }
            }
            read += page.size();
            if (page.size() < PAGE) {
                break;
            }
        }
        return new Unmatched(mine, all);
    }

    /**
     * @return the pending tasks (of the first {@value #MAX_SCANNED}) that wait, by reason, as counted at most
     *     {@link #COUNTS_FOR} ago (one count at a time: callers meanwhile wait for it)
     */
    public Map<String, Long> reasons() {
        return counted.get();
    }

    private Map<String, Long> countReasons() {
        List<NodeRecord> online = online();
        Map<String, Long> out = new LinkedHashMap<>();
        for (Reason r : Reason.values()) {
            out.put(r.wireName(), 0L);
        }
        long after = 0;
        int read = 0;
        while (read < MAX_SCANNED) {
            List<TaskRecord> page = store.tasksByStatus(TaskStatus.PENDING, after, PAGE);
            for (TaskRecord t : page) {
                after = t.seq();
                reason(t.job(), t.tier(), online).ifPresent(r -> out.merge(r.wireName(), 1L, Long::sum));
            }
            read += page.size();
            if (page.size() < PAGE) {
                break;
            }
        }
        return out;
    }

    private List<NodeRecord> online() {
        return directory.nodes().stream().filter(NodeRecord::online).toList();
    }

    private static Optional<Reason> reason(JobSpec job, Tier tier, List<NodeRecord> online) {
        if (online.isEmpty()) {
            return Optional.of(Reason.NO_PROVIDER);
        }
        boolean kind = false;
        boolean tierOk = false;
        boolean fits = false;
        boolean recipient = false;
        boolean free = false;
        for (NodeRecord n : online) {
            NodeCapabilities c = n.capabilities();
            if (!c.jobKinds().contains(job.kind())) {
                continue;
            }
            kind = true;
            if (c.tier().code() < tier.code()) {
                continue;
            }
            tierOk = true;
            if (job.maxMemoryBytes() != 0 && c.largestGpuMemoryBytes() < job.maxMemoryBytes()) {
                continue;
            }
            fits = true;
            if (!Scheduler.sealedFor(n.address(), c, job)) {
                continue;
            }
            recipient = true;
            free |= n.running() < c.maxConcurrent();
        }
        if (!kind) {
            return Optional.of(Reason.NO_KIND);
        }
        if (!tierOk) {
            return Optional.of(Reason.NO_TIER);
        }
        if (!fits) {
            return Optional.of(Reason.NO_MEMORY);
        }
        if (!recipient) {
            return Optional.of(Reason.NO_RECIPIENT);
        }
        return free ? Optional.empty() : Optional.of(Reason.BUSY);
    }

    private static String describe(Reason r, JobSpec job, Tier tier, List<NodeRecord> online) {
        return switch (r) {
            case NO_PROVIDER -> "no provider is online";
            case NO_KIND -> "no provider online offers job kind " + job.kind() + " (" + online.size() + " online)";
            case NO_TIER -> "no provider online offering " + job.kind() + " has tier " + tier.wireName() + " or above";
            case NO_MEMORY -> "no provider online offering " + job.kind() + " at tier " + tier.wireName() + " has a GPU"
                    + " with " + job.maxMemoryBytes() + " bytes of memory";
            case NO_RECIPIENT -> "the task is sealed and none of the providers it was sealed to is online with its"
                    + " sealing key";
            case BUSY -> "every provider online that can run it is busy";
        };
    }
}
