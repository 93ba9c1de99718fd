package io.smainer.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.CodeSource;
import java.util.Optional;
import java.util.jar.JarFile;
import java.util.jar.Manifest;

/**
 * What a consumer of one of our jars gets: the jar a module's {@code package} phase built (for its ITs, which
 * failsafe runs after {@code package}), the jar another module's classes were loaded from, and the module name
 * a jar's manifest declares. In the SDK's test-jar, so every module's ITs share it.
 */
public final class ModuleJars {
    /** The system property (set by the root POM's failsafe configuration) naming the module's built jar. */
    public static final String BUILT_JAR_PROPERTY = "smainer.built.jar";

    private ModuleJars() {
    }

    /** @return the jar this module's {@code package} phase built; fails if there is none */
    public static Path builtJar() {
        String path = System.getProperty(BUILT_JAR_PROPERTY);
        if (path == null) {
            throw new IllegalStateException("no " + BUILT_JAR_PROPERTY + " system property: run by failsafe (mvn verify)");
        }
        return requireJar(Path.of(path));
    }

    /**
     * @param type a class of another of our modules
     * @return the jar it was loaded from (in a reactor build past {@code package}, that module's built jar)
     */
    public static Path jarOf(Class<?> type) {
        CodeSource source = type.getProtectionDomain().getCodeSource();
        if (source == null) {
            throw new IllegalStateException(type + " has no code source");
        }
        try {
            return requireJar(Path.of(source.getLocation().toURI()));
        } catch (URISyntaxException e) {
            throw new IllegalStateException(source.getLocation().toString(), e);
        }
    }

    /**
     * @param jar a jar file
     * @return the {@code Automatic-Module-Name} its manifest declares, if any
     */
    public static Optional<String> automaticModuleName(Path jar) {
        return manifestValue(jar, "Automatic-Module-Name");
    }

    /**
     * @param jar a jar file
     * @param attribute a main attribute of a manifest, such as {@code Implementation-Version}
     * @return its value in the jar's manifest, if any
     */
    public static Optional<String> manifestValue(Path jar, String attribute) {
        try (JarFile file = new JarFile(jar.toFile())) {
            Manifest manifest = file.getManifest();
            return manifest == null ? Optional.empty() : Optional.ofNullable(manifest.getMainAttributes().getValue(attribute));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * @param jar the main jar a module built
     * @param classifier {@code sources} or {@code javadoc}
     * @return the jar beside it with that classifier (it may not exist)
     */
    public static Path attached(Path jar, String classifier) {
        String name = jar.getFileName().toString();
        return jar.resolveSibling(name.substring(0, name.length() - ".jar".length()) + "-" + classifier + ".jar");
    }

    /**
     * @param jar a jar file
     * @param entry a path inside it
     * @return whether the jar holds that entry
     */
    public static boolean holds(Path jar, String entry) {
        try (JarFile file = new JarFile(jar.toFile())) {
            return file.getEntry(entry) != null;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Path requireJar(Path path) {
        if (!Files.isRegularFile(path) || !path.getFileName().toString().endsWith(".jar")) {
            throw new IllegalStateException(path + " is not a built jar (run mvn verify, with -am for sibling modules)");
        }
        return path;
    }
}
