package io.smainer.gpu;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import io.smainer.testing.ModuleJars;
import java.lang.module.ModuleDescriptor;
import java.lang.module.ModuleFinder;
import java.lang.module.ModuleReference;
import java.nio.file.Path;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The smainer-gpu jar as a consumer gets it from Maven: its module name, and the sources and javadoc beside it. */
class GpuJarIT {
    private static final String MODULE = "io.smainer.gpu";

    @Test
    void declaresAStableAutomaticModuleName() {
        assertThat(ModuleJars.automaticModuleName(ModuleJars.builtJar())).contains(MODULE);
    }

    @Test
    void isAnAutomaticModuleOfThatNameToTheJdk() {
        Set<ModuleReference> found = ModuleFinder.of(ModuleJars.builtJar()).findAll();

        assertThat(found).hasSize(1);
        ModuleDescriptor module = found.iterator().next().descriptor();
        assertThat(module.name()).isEqualTo(MODULE);
        assertThat(module.isAutomatic()).isTrue();
        assertThat(module.packages()).contains("io.smainer.gpu");
    }

    @Test
    void shipsItsSourcesAndJavadocBesideIt() {
        assumeFalse(Boolean.getBoolean("maven.javadoc.skip") || Boolean.getBoolean("maven.source.skip"),
                "sources or javadoc skipped on the command line");
        Path jar = ModuleJars.builtJar();

        assertThat(ModuleJars.holds(ModuleJars.attached(jar, "sources"), "io/smainer/gpu/CudaJobRunner.java")).isTrue();
        assertThat(ModuleJars.holds(ModuleJars.attached(jar, "javadoc"), "io/smainer/gpu/CudaJobRunner.html")).isTrue();
    }
}
