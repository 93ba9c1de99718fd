package io.smainer.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * What publishing needs that the enforcer (root POM, {@code central-metadata}) cannot see through inheritance:
 * every module's own POM gives an artifact id starting with {@code smainer-}, a name equal to it and a
 * description of its own (a description is inherited, so a module without one would silently carry its parent's),
 * and {@code smainer-bom} lists exactly the artifacts that are deployed.
 */
class PublishingTest {
    private static final Path ROOT = Path.of("").toAbsolutePath().getParent();

    @Test
    void everyModuleNamesAndDescribesItselfUnderTheSmainerPrefix() throws IOException {
        List<String> problems = new ArrayList<>();
        for (String module : modules()) {
            String pom = own(ROOT.resolve(module).resolve("pom.xml"));
            String id = element(pom, "artifactId").orElse("");
            if (!id.startsWith("smainer-")) {
                problems.add(module + ": artifactId " + id + " does not start with smainer-");
            }
            if (!element(pom, "name").orElse("").equals(id)) {
                problems.add(module + ": name is not its artifactId " + id);
            }
            if (element(pom, "description").orElse("").length() < 20) {
                problems.add(module + ": no description of its own");
            }
        }
        assertThat(modules()).as("the build's modules").contains("smainer-bom", "smainer-sdk", "reference-relayer");
        assertThat(problems).isEmpty();
    }

    @Test
    void theBomListsEveryDeployedArtifactAndNothingElse() throws IOException {
        Set<String> deployed = new TreeSet<>();
        for (String module : modules()) {
            Path pom = ROOT.resolve(module).resolve("pom.xml");
            if (!module.equals("smainer-bom") && !deploySkipped(module)) {
                deployed.add(element(own(pom), "artifactId").orElseThrow());
            }
        }
        Set<String> listed = new TreeSet<>();
        Matcher m = Pattern.compile("<artifactId>([^<]+)</artifactId>")
                .matcher(section(Files.readString(ROOT.resolve("smainer-bom/pom.xml")), "dependencyManagement"));
        while (m.find()) {
            listed.add(m.group(1));
        }
        assertThat(deployed).contains("smainer-sdk", "smainer-relayer", "smainer-provider")
                .doesNotContain("smainer-examples", "smainer-benchmarks", "smainer-relayer-dist");
        assertThat(listed).as("smainer-bom's dependencyManagement").isEqualTo(deployed);
    }

    /** The modules of the build, the root POM's and theirs, as paths from the root. */
    private static List<String> modules() throws IOException {
        List<String> out = new ArrayList<>();
        addModules("", out);
        return out;
    }

    private static void addModules(String dir, List<String> out) throws IOException {
        Path pom = ROOT.resolve(dir).resolve("pom.xml");
        Matcher m = Pattern.compile("<module>([^<]+)</module>").matcher(Files.readString(pom));
        while (m.find()) {
            String module = dir.isEmpty() ? m.group(1) : dir + "/" + m.group(1);
            out.add(module);
            addModules(module, out);
        }
    }

    /** Whether the module, or a module directory above it (its parent), sets {@code maven.deploy.skip}. */
    private static boolean deploySkipped(String module) throws IOException {
        for (Path dir = Path.of(module); dir != null; dir = dir.getParent()) {
            if (Files.readString(ROOT.resolve(dir).resolve("pom.xml")).contains("<maven.deploy.skip>true</maven.deploy.skip>")) {
                return true;
            }
        }
        return false;
    }

    /** A POM's own elements: without its parent, properties, dependencies and build. */
    private static String own(Path pom) throws IOException {
        return Files.readString(pom).replaceAll("(?s)<(parent|properties|dependencyManagement|dependencies|build)>.*?</\\1>", "");
    }

    private static String section(String pom, String element) {
        Matcher m = Pattern.compile("(?s)<" + element + ">(.*?)</" + element + ">").matcher(pom);
        return m.find() ? m.group(1) : "";
    }

    private static Optional<String> element(String pom, String element) {
        Matcher m = Pattern.compile("(?s)<" + element + ">\\s*(.*?)\\s*</" + element + ">").matcher(pom);
        return m.find() ? Optional.of(m.group(1)) : Optional.empty();
    }
}
