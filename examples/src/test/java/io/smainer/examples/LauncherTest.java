package io.smainer.examples;

import static org.assertj.core.api.Assertions.assertThat;

import io.smainer.SmainerVersion;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Pattern;
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
        assertThat(text).contains("demo", "relayer", "provider", "quote", "example   run an example");
        for (Launcher.Example e : Launcher.EXAMPLES) {
            assertThat(text).containsPattern("\\n  " + e.name() + "\\s+" + Pattern.quote(e.summary()));
        }
    }

    @Test
    void everyCommandHasHelpAndTheVersion() {
        for (String command : List.of("demo", "submit", "quote", "example")) {
            out.reset();
            assertThat(run(command, "--help")).as(command).isZero();
            String help = out.toString(StandardCharsets.UTF_8);
            assertThat(help).startsWith("Usage: smainer " + command);
            out.reset();
            assertThat(run("help", command)).isZero();
            assertThat(out.toString(StandardCharsets.UTF_8)).isEqualTo(help);
            out.reset();
            assertThat(run(command, "--version")).isZero();
            assertThat(out.toString(StandardCharsets.UTF_8).trim()).isEqualTo("smainer (Smainer for Java) "
                    + SmainerVersion.current());
        }
    }

    @Test
    void usageErrorsExitTwoAndSayWhatWasWrong() {
        assertThat(run("quote", "abc")).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("expected STRK with at most 18 decimals", "'abc'");
        err.reset();
        assertThat(run("quote", "1.5", "--json")).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("Unknown option: '--json'");
        err.reset();
        assertThat(run("demo", "--providers", "x")).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("'--providers'", "'x' is not an int");
        err.reset();
        assertThat(run("demo", "--tasks=0")).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("--tasks: expected 1 to 100000, got 0");
        err.reset();
        assertThat(run("submit", "--tier", "gold")).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("expected basic, pro or premium, got 'gold'");
        err.reset();
        assertThat(run("serve")).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("Unmatched argument at index 0: 'serve'");
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
            assertThat(Path.of("src/main/java", e.source().getName().replace('.', '/') + ".java")).exists();
        }
    }
}
