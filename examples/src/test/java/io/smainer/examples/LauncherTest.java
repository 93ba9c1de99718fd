package io.smainer.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The launcher's commands that need no network: help, the example registry, and its error paths. */
class LauncherTest {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private int run(String... args) {
        return Launcher.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    @Test
    void helpListsTheAppsAndEveryExampleByName() {
        assertThat(run("help")).isZero();
        String text = out.toString(StandardCharsets.UTF_8);
        assertThat(text).contains("demo", "relayer", "provider", "quote", "example    run an example");
        for (Launcher.Example e : Launcher.EXAMPLES) {
            assertThat(text).containsPattern("\\n  " + e.name() + "\\s+" + java.util.regex.Pattern.quote(e.summary()));
        }
    }

    @Test
    void exampleRunsAnExampleByNameWithItsArguments() {
        assertThat(run("example", "quote", "2")).isZero();
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("Quote for a base price of 2 STRK");
    }

    @Test
    void anUnknownOrMissingExampleNameListsTheExamplesAndExitsTwo() {
        assertThat(run("example", "mine-bitcoin")).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("unknown example 'mine-bitcoin'").contains("submit-task");
        err.reset();
        assertThat(run("example")).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("which one?").contains("embed-provider");
    }

    @Test
    void exampleNamesAreUniqueAndEachNamesItsSourceFile() {
        assertThat(Launcher.EXAMPLES.stream().map(Launcher.Example::name).distinct()).hasSameSizeAs(Launcher.EXAMPLES);
        for (Launcher.Example e : Launcher.EXAMPLES) {
            assertThat(java.nio.file.Path.of("src/main/java", e.source().getName().replace('.', '/') + ".java")).exists();
        }
    }
}
