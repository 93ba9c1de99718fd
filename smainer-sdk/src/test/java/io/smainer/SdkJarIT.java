package io.smainer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import io.smainer.testing.ModuleJars;
import java.lang.module.ModuleDescriptor;
import java.lang.module.ModuleFinder;
import java.lang.module.ModuleReference;
import java.nio.file.Path;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** The smainer-sdk jar as a consumer gets it from Maven: its module name, and the sources and javadoc beside it. */
class SdkJarIT {
    private static final String MODULE = "io.smainer.sdk";

    @Test
    void declaresAStableAutomaticModuleName() {
        assertThat(ModuleJars.automaticModuleName(ModuleJars.builtJar())).contains(MODULE);
    }

    @Test
    void isAnAutomaticModuleOfThatNameToTheJdkHoldingOnlyOurPackages() {
        Set<ModuleReference> found = ModuleFinder.of(ModuleJars.builtJar()).findAll();

        assertThat(found).hasSize(1);
        ModuleDescriptor module = found.iterator().next().descriptor();
        assertThat(module.name()).isEqualTo(MODULE);
        assertThat(module.isAutomatic()).isTrue();
        assertThat(module.packages()).contains("io.smainer", "io.smainer.chain", "io.smainer.client", "io.smainer.crypto",
                "io.smainer.escrow", "io.smainer.fee", "io.smainer.job", "io.smainer.protocol", "io.smainer.provider");
        assertThat(module.packages().stream().filter(p -> !p.equals("io.smainer") && !p.startsWith("io.smainer."))
                .collect(Collectors.toSet())).as("packages outside io.smainer").isEmpty();
    }

    @Test
    void shipsItsSourcesAndJavadocBesideIt() {
        assumeFalse(Boolean.getBoolean("maven.javadoc.skip") || Boolean.getBoolean("maven.source.skip"),
                "sources or javadoc skipped on the command line");
        Path jar = ModuleJars.builtJar();

        assertThat(ModuleJars.holds(ModuleJars.attached(jar, "sources"), "io/smainer/chain/Felt.java")).isTrue();
        assertThat(ModuleJars.holds(ModuleJars.attached(jar, "javadoc"), "io/smainer/chain/Felt.html")).isTrue();
    }
}
