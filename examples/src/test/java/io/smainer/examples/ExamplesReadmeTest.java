package io.smainer.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** examples/README.md's table and the launcher's registry name the same examples, in the same order. */
class ExamplesReadmeTest {
    private static final Path README = Path.of("README.md");

    @Test
    void everyRowNamesAnExampleItsSourceAndTheCommandThatRunsIt() throws IOException {
        List<String> rows = rows();
        assertThat(rows).hasSameSizeAs(Launcher.EXAMPLES);
        for (int i = 0; i < rows.size(); i++) {
            Launcher.Example e = Launcher.EXAMPLES.get(i);
            String simple = e.source().getSimpleName();
            assertThat(rows.get(i)).as("row %d", i + 1)
                    .startsWith("| [`" + simple + "`](src/main/java/io/smainer/examples/" + simple + ".java) |")
                    .containsPattern("\\| `\\./smainer example " + e.name() + "( [^`]*)?` \\|$");
        }
    }

    private static List<String> rows() throws IOException {
        List<String> lines = Files.readAllLines(README);
        int start = lines.indexOf("<!-- examples-table -->");
        int end = lines.indexOf("<!-- /examples-table -->");
        assertThat(start).as("the examples-table marker").isNotNegative();
        return new ArrayList<>(lines.subList(start + 3, end));
    }
}
