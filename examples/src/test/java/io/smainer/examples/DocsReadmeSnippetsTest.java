package io.smainer.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import javax.tools.DiagnosticCollector;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.SimpleJavaFileObject;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Java snippets in README.md compile against the real SDK: each {@code java} block is wrapped in a
 * method whose parameters declare the names the snippet takes as given, and compiled with the test's own
 * class path. A renamed method or builder option fails this test instead of a reader.
 */
class DocsReadmeSnippetsTest {
    private static final Path README = Path.of("..", "README.md");
    private static final String PREAMBLE = """
            import io.smainer.chain.*;
            import io.smainer.client.*;
            import io.smainer.crypto.*;
            import io.smainer.escrow.*;
            import io.smainer.fee.*;
            import io.smainer.job.*;
            import io.smainer.protocol.*;
            import io.smainer.provider.*;
            import io.smainer.relayer.Relayer;
            import io.smainer.testkit.*;
            import java.net.URI;
            import java.nio.charset.StandardCharsets;
            import java.time.Duration;
            import java.util.List;
            import java.util.Map;
            import org.junit.jupiter.api.Assertions;
            import org.junit.jupiter.api.Test;
            import org.junit.jupiter.api.extension.RegisterExtension;

            class Snippet%d {
                static void run(ContractAddress myAccountAddress, KeyPair myKeyPair, URI relayerUri, Escrow escrow,
                        KeyPair keys, JobSpec job) throws Exception {
            %s
                }
            }
            """;

    @Test
    void everyJavaSnippetInTheReadmeCompiles(@TempDir Path out) throws IOException {
        List<String> snippets = javaBlocks(Files.readAllLines(README));
        assertThat(snippets).as("java blocks in README.md").hasSizeGreaterThanOrEqualTo(2);
        JavaCompiler compiler = ToolProvider.getSystemJavaCompiler();
        List<JavaFileObject> sources = new ArrayList<>();
        for (int i = 0; i < snippets.size(); i++) {
            String code = PREAMBLE.formatted(i, snippets.get(i));
            sources.add(new SimpleJavaFileObject(URI.create("string:///Snippet" + i + ".java"), JavaFileObject.Kind.SOURCE) {
                @Override
                public CharSequence getCharContent(boolean ignoreEncodingErrors) {
                    return code;
                }
            });
        }
        DiagnosticCollector<JavaFileObject> diagnostics = new DiagnosticCollector<>();
        boolean ok = compiler.getTask(null, null, diagnostics,
                List.of("-classpath", System.getProperty("java.class.path"), "-d", out.toString(), "-proc:none"), null, sources)
                .call();
        assertThat(ok).as("README snippets compile: %s", diagnostics.getDiagnostics()).isTrue();
    }

    private static List<String> javaBlocks(List<String> lines) {
        List<String> blocks = new ArrayList<>();
        StringBuilder current = null;
        for (String line : lines) {
            if (current == null && line.trim().equals("```java")) {
                current = new StringBuilder();
            } else if (current != null && line.trim().equals("```")) {
                blocks.add(current.toString());
                current = null;
            } else if (current != null) {
                current.append("        ").append(line).append('\n');
            }
        }
        return blocks;
    }
}
