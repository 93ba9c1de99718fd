package io.smainer.examples;

import static org.assertj.core.api.Assertions.assertThat;

import io.smainer.SmainerVersion;
import io.smainer.chain.Felt;
import io.smainer.gpu.CudaJobRunner;
import io.smainer.provider.app.ProviderDaemon;
import io.smainer.relayer.Relayer;
import io.smainer.testing.ModuleJars;
import io.smainer.testkit.LocalNetwork;
import java.lang.module.Configuration;
import java.lang.module.ModuleFinder;
import java.lang.module.ModuleReference;
import java.lang.module.ResolvedModule;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * All six of our jars, as built: each declares its module name, and the JDK resolves them together on a module
 * path, which it refuses when two modules hold the same package (a split package); each file is named
 * {@code smainer-*} and its manifest carries the version ({@code Implementation-Version}).
 */
class ModuleJarsIT {

    @Test
    void ourSixJarsResolveTogetherAsNamedModulesWithoutASplitPackage() {
        Map<String, Path> jars = ourJars();
        jars.forEach((name, jar) -> assertThat(ModuleJars.automaticModuleName(jar)).as(jar.toString()).contains(name));

        ModuleFinder finder = ModuleFinder.of(jars.values().toArray(Path[]::new));
        Map<String, String> owner = new HashMap<>();
        List<String> shared = new ArrayList<>();
        finder.findAll().stream().map(ModuleReference::descriptor).sorted().forEach(module -> module.packages().forEach(p -> {
            String first = owner.putIfAbsent(p, module.name());
            if (first != null) {
                shared.add(p + " in " + first + " and " + module.name());
            }
        }));
        assertThat(shared).as("packages in two of our jars").isEmpty();

        Configuration resolved = ModuleLayer.boot().configuration().resolve(finder, ModuleFinder.of(), jars.keySet());
        assertThat(resolved.modules().stream().map(ResolvedModule::name).collect(Collectors.toSet()))
                .isEqualTo(jars.keySet());
    }

    @Test
    void everyJarIsNamedSmainerAndCarriesItsVersionInItsManifest() {
        ourJars().values().forEach(jar -> {
            assertThat(jar.getFileName().toString()).as("artifact id").startsWith("smainer-");
            assertThat(ModuleJars.manifestValue(jar, "Implementation-Version")).as(jar.toString())
                    .contains(SmainerVersion.current());
        });
    }

    /** Our jars as built, by the module name each must declare. */
    private static Map<String, Path> ourJars() {
        Map<String, Path> jars = new LinkedHashMap<>();
        jars.put("io.smainer.sdk", ModuleJars.jarOf(Felt.class));
        jars.put("io.smainer.gpu", ModuleJars.jarOf(CudaJobRunner.class));
        jars.put("io.smainer.relayer", ModuleJars.jarOf(Relayer.class));
        jars.put("io.smainer.provider.app", ModuleJars.jarOf(ProviderDaemon.class));
        jars.put("io.smainer.testkit", ModuleJars.jarOf(LocalNetwork.class));
        jars.put("io.smainer.examples", ModuleJars.builtJar());
        return jars;
    }
}
