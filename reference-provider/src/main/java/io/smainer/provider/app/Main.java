package io.smainer.provider.app;

import io.smainer.SmainerException;
import io.smainer.crypto.StarkCrypto;
import io.smainer.gpu.CudaDiscovery;
import io.smainer.gpu.CudaJobRunner;
import io.smainer.gpu.GpuUnavailableException;
import io.smainer.job.JavaJobRunner;
import io.smainer.job.JobRunner;
import io.smainer.provider.OllamaHandler;
import java.io.Console;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.slf4j.LoggerFactory;

/**
 * The reference provider's entry point: builds the CLI with the real world (standard streams, the
 * environment, the terminal, the GPU module, a JVM shutdown hook for SIGTERM) and runs one command.
 */
public final class Main {
    private static final String LOGBACK_CONFIG = "logback.configurationFile";

    private Main() {
    }

    /**
     * @param args the command line; {@code provider help} explains it
     */
    public static void main(String[] args) {
        // A name of its own: a classpath that also holds the relayer would otherwise find two logback.xml files.
        if (System.getProperty(LOGBACK_CONFIG) == null) {
            System.setProperty(LOGBACK_CONFIG, "io/smainer/provider/app/logback-provider.xml");
        }
        Console console = System.console();
        ProviderCli.Prompt prompt = console == null ? ProviderCli.Prompt.NONE
                : text -> Optional.ofNullable(console.readPassword("%s", text));
        ProviderCli cli = new ProviderCli(System.out, System.err, System.getenv(), Path.of(System.getProperty("user.home")),
                prompt, gpuDiscovery(), Main::runners, Escrows::open,
                hook -> Runtime.getRuntime().addShutdownHook(new Thread(hook, "provider-shutdown")),
                StarkCrypto.defaultCrypto(), Clock.systemUTC());
        int code = cli.run(args);
        if (cli.daemon().isEmpty()) {
            System.exit(code);
        }
        // 'run' returns once the shutdown hook has closed the daemon; the JVM is already exiting.
    }

    /** @return GPUs as the CUDA driver reports them (smainer-gpu's discovery; never throws) */
    static GpuDiscovery gpuDiscovery() {
        return new GpuDiscovery() {
            @Override
            public String name() {
                return "CUDA driver";
            }

            @Override
            public Found discover() {
                CudaDiscovery d = CudaDiscovery.discover();
                return new Found(d.gpuInfos(), d.unavailableReason());
            }
        };
    }

    /**
     * The runners {@code run} serves with: the GPU runner when wanted and usable, an Ollama runner for
     * {@code llm-generate} when {@code ollama.url} is set, and the pure-Java runner for the portable kinds.
     *
     * @param config the settings
     * @param hw the hardware found
     * @return the runners
     * @throws SmainerException when {@code runner=gpu} and no GPU is usable
     */
    static JobRunners.Chosen runners(ProviderConfig config, Hardware hw) {
        if (config.node().runner() == ProviderConfig.RunnerChoice.GPU && !hw.hasGpu()) {
            throw new SmainerException("runner=gpu, but no GPU is usable here (" + hw.noGpuReason().orElse("none found")
                    + "). Set runner=auto or runner=java to serve on the CPU.");
        }
        int workers = config.node().concurrency().orElse(Math.max(1, hw.gpus().size()));
        List<JobRunner> runners = new ArrayList<>();
        List<String> names = new ArrayList<>();
        boolean gpu = false;
        if (config.node().runner() != ProviderConfig.RunnerChoice.JAVA && hw.hasGpu()) {
            try {
                CudaJobRunner cuda = CudaJobRunner.builder().build();
                runners.add(cuda);
                names.add(cuda.name());
                gpu = true;
            } catch (GpuUnavailableException e) {
                if (config.node().runner() == ProviderConfig.RunnerChoice.GPU) {
                    throw new SmainerException("runner=gpu, but the CUDA runner cannot start: " + e.getMessage()
                            + ". Set runner=auto or runner=java to serve on the CPU.");
                }
                LoggerFactory.getLogger(Main.class).warn("{} found a GPU, but the CUDA runner cannot start ({}); "
                        + "jobs run on the Java runner", hw.gpuSource(), e.getMessage());
            }
        }
        if (config.ollama().url().isPresent()) {
            OllamaHandler ollama = OllamaHandler.builder().url(config.ollama().url().get().toString())
                    .requestTimeout(config.ollama().timeout()).build();
            // its own runner: generations wait on another server and must not hold the compute workers
            runners.add(JavaJobRunner.builder().name("ollama").standardKinds(false).handler(ollama).workerThreads(workers)
                    .queueCapacity(workers).device("ollama " + ProviderConfig.mask(config.ollama().url().get())).build());
            names.add("ollama");
        }
        // the portable kinds on the CPU: everything without a GPU, and what the GPU runner lacks with one
        int computeThreads = Math.max(1, Runtime.getRuntime().availableProcessors() / workers);
        runners.add(JavaJobRunner.builder().workerThreads(workers).computeThreads(computeThreads).queueCapacity(workers)
                .build());
        names.add("java");
        return new JobRunners.Chosen(runners, String.join(" + ", names), gpu);
    }
}
