package io.smainer.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The module boundaries hold by test, not by convention: no module's main code names a package called
 * {@code internal} that another module declares (an {@code internal} package is not API; see its
 * package-info). Reads the sources of every module of the build beside this one.
 */
class ModuleBoundariesTest {
    private static final Pattern INTERNAL = Pattern.compile("\\bio\\.smainer(?:\\.[a-z]\\w*)*?\\.internal\\b");

    @Test
    void noModuleUsesAnotherModulesInternalPackages() throws IOException {
        List<Path> modules = modules();
        assertThat(modules).extracting(m -> m.getFileName().toString())
                .contains("smainer-sdk", "smainer-gpu", "reference-relayer", "reference-provider", "examples");
        List<String> violations = new ArrayList<>();
        for (Path module : modules) {
            Path src = module.resolve("src/main/java");
            Set<String> own = packages(src);
            for (Path file : javaFiles(src)) {
                Matcher m = INTERNAL.matcher(Files.readString(file));
                while (m.find()) {
                    if (!own.contains(m.group())) {
                        violations.add(module.getFileName() + "/" + src.relativize(file) + " uses " + m.group());
                    }
                }
            }
        }
        assertThat(violations).as("uses of another module's internal package").isEmpty();
    }

    @Test
    void everyInternalPackageSaysItIsNotApi() throws IOException {
        List<String> silent = new ArrayList<>();
        for (Path module : modules()) {
            Path src = module.resolve("src/main/java");
            for (String pkg : packages(src)) {
                Path info = src.resolve(pkg.replace('.', '/')).resolve("package-info.java");
                if (pkg.endsWith(".internal") && (!Files.exists(info) || !Files.readString(info).contains("Not API")
                        && !Files.readString(info).contains("Internal API"))) {
                    silent.add(pkg);
                }
            }
        }
        assertThat(silent).as("internal packages without a package-info saying they are not API").isEmpty();
    }

    /** The build's modules: the directories beside this one with main sources. */
    private static List<Path> modules() throws IOException {
        Path root = Path.of("").toAbsolutePath().getParent();
        try (Stream<Path> s = Files.list(root)) {
            return s.filter(d -> Files.isDirectory(d.resolve("src/main/java"))).sorted().toList();
        }
    }

    private static List<Path> javaFiles(Path src) throws IOException {
        try (Stream<Path> s = Files.walk(src)) {
            return s.filter(p -> p.toString().endsWith(".java")).toList();
        }
    }

    private static Set<String> packages(Path src) throws IOException {
        Set<String> out = new TreeSet<>();
        for (Path f : javaFiles(src)) {
            out.add(src.relativize(f.getParent()).toString().replace('/', '.'));
        }
        return out;
    }
}
