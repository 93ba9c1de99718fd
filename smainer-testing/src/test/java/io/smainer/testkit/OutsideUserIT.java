package io.smainer.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Plays an outside user: a separate Maven project, written here, that imports {@code smainer-bom} and depends
 * on {@code smainer-sdk} and {@code smainer-testing} without versions, as published (the jars and POMs this
 * build just packaged, installed into a private local repository under {@code target/}, never the shared one), sells a job kind of its own and tests it end
 * to end with {@link LocalNetworkExtension}, plus a unit test of the handler on a {@link TestJobContext}. Its
 * other artifacts (plugins, JUnit, the SDK's dependencies) come from the user's local repository read as a
 * {@code file:} mirror, so it needs no network. The project excludes starknet-jvm, as a user without the
 * Starknet client may (README: "What each artifact brings"), and checks that it, Kotlin and OkHttp are absent.
 * Prints how long the outside test took.
 */
class OutsideUserIT {
    private static final Path BUILT_JAR = Path.of(System.getProperty("smainer.built.jar"));
    private static final Path ROOT = BUILT_JAR.getParent().getParent().getParent();
    private static final Path WORK = BUILT_JAR.getParent().resolve("outside-user");
    private static final Path REPO = WORK.resolve("repo");
    private static final String VERSION = System.getProperty("smainer.version");

    @Test
    void aSeparateProjectTestsItsOwnHandlerOnTheLocalNetwork() throws Exception {
        // The third-party artifacts copied from the user's repository stay for the next run; ours are fresh.
        deleteTree(WORK.resolve("project"));
        deleteTree(REPO.resolve("io/smainer"));
        installReactorArtifacts();
        Path project = WORK.resolve("project");
        writeProject(project);
        Path settings = WORK.resolve("settings.xml");
        Files.writeString(settings, """
                <settings>
                  <localRepository>%s</localRepository>
                  <mirrors>
                    <mirror><id>user-repository</id><mirrorOf>*</mirrorOf><url>%s</url></mirror>
                  </mirrors>
                </settings>
                """.formatted(REPO, Path.of(System.getProperty("user.home"), ".m2", "repository").toUri()));

        Path log = WORK.resolve("build.log");
        Process mvn = new ProcessBuilder("mvn", "-B", "-s", settings.toString(), "-Dstyle.color=never", "test")
                .directory(project.toFile()).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        boolean done = mvn.waitFor(8, TimeUnit.MINUTES);
        if (!done) {
            mvn.destroyForcibly();
        }
        String output = Files.readString(log);
        assertThat(done).as("the outside build finished within 8 minutes; its log:%n%s", tail(output)).isTrue();
        assertThat(mvn.exitValue()).as("the outside build passed; its log:%n%s", tail(output)).isZero();

        String report = Files.readString(project.resolve("target/surefire-reports/TEST-com.example.wordlen.WordLengthTest.xml"));
        assertThat(report).contains("tests=\"3\"", "failures=\"0\"", "errors=\"0\"", "skipped=\"0\"");
        Matcher time = Pattern.compile("<testsuite [^>]*time=\"([0-9.]+)\"").matcher(report);
        assertThat(time.find()).isTrue();
        System.out.println("[outside-user] the outside project's WordLengthTest (network up, a custom handler end to end, "
                + "the handler's unit test, no Lettuce, logback, starknet-jvm, Kotlin or OkHttp on its class path) took "
                + time.group(1) + " s");
    }

    /** Puts every reactor module's POM, and its jar where it has one, into the private repository. */
    private static void installReactorArtifacts() throws IOException {
        install(ROOT.resolve("pom.xml"), "smainer-parent", null);
        try (Stream<Path> modules = Files.list(ROOT)) {
            for (Path dir : modules.filter(d -> Files.isRegularFile(d.resolve("pom.xml"))).toList()) {
                String artifact = artifactId(dir.resolve("pom.xml"));
                Path jar = dir.resolve("target/" + artifact + "-" + VERSION + ".jar");
                install(dir.resolve("pom.xml"), artifact, Files.isRegularFile(jar) ? jar : null);
            }
        }
        for (String needed : List.of("smainer-sdk", "smainer-relayer", "smainer-testing")) {
            assertThat(artifactDir(needed).resolve(needed + "-" + VERSION + ".jar"))
                    .as("%s is packaged (build it in the same reactor: -pl smainer-testing -am)", needed).isRegularFile();
        }
    }

    /** A module's own artifact id (its directory need not bear it): the first one outside its parent element. */
    private static String artifactId(Path pom) throws IOException {
        String own = Files.readString(pom).replaceFirst("(?s)<parent>.*?</parent>", "");
        Matcher m = Pattern.compile("<artifactId>([^<]+)</artifactId>").matcher(own);
        assertThat(m.find()).as("%s names its artifactId", pom).isTrue();
        return m.group(1);
    }

    private static void install(Path pom, String artifact, Path jar) throws IOException {
        Path dir = artifactDir(artifact);
        Files.createDirectories(dir);
        Files.copy(pom, dir.resolve(artifact + "-" + VERSION + ".pom"), StandardCopyOption.REPLACE_EXISTING);
        if (jar != null) {
            Files.copy(jar, dir.resolve(artifact + "-" + VERSION + ".jar"), StandardCopyOption.REPLACE_EXISTING);
        }
    }

    private static Path artifactDir(String artifact) {
        return REPO.resolve("io/smainer").resolve(artifact).resolve(VERSION);
    }

    /** A user's project: a word-length handler, and a JUnit 5 test of it on a local network. */
    private static void writeProject(Path project) throws IOException {
        write(project.resolve("pom.xml"), """
                <project xmlns="http://maven.apache.org/POM/4.0.0">
                  <modelVersion>4.0.0</modelVersion>
                  <groupId>com.example</groupId>
                  <artifactId>word-length</artifactId>
                  <version>1.0</version>
                  <properties>
                    <project.build.sourceEncoding>UTF-8</project.build.sourceEncoding>
                    <maven.compiler.release>17</maven.compiler.release>
                  </properties>
                  <!-- One version for every Smainer artifact: the BOM. -->
                  <dependencyManagement>
                    <dependencies>
                      <dependency>
                        <groupId>io.smainer</groupId><artifactId>smainer-bom</artifactId><version>%1$s</version>
                        <type>pom</type><scope>import</scope>
                      </dependency>
                    </dependencies>
                  </dependencyManagement>
                  <dependencies>
                    <!-- Without the Starknet client, starknet-jvm (and Kotlin, OkHttp, commons-math with it) can go:
                         README "What each artifact brings". -->
                    <dependency>
                      <groupId>io.smainer</groupId><artifactId>smainer-sdk</artifactId>
                      <exclusions>
                        <exclusion><groupId>com.swmansion.starknet</groupId><artifactId>starknet</artifactId></exclusion>
                      </exclusions>
                    </dependency>
                    <dependency>
                      <groupId>io.smainer</groupId><artifactId>smainer-testing</artifactId>
                      <scope>test</scope>
                      <exclusions>
                        <exclusion><groupId>com.swmansion.starknet</groupId><artifactId>starknet</artifactId></exclusion>
                      </exclusions>
                    </dependency>
                    <dependency>
                      <groupId>org.junit.jupiter</groupId><artifactId>junit-jupiter</artifactId><version>%2$s</version>
                      <scope>test</scope>
                    </dependency>
                  </dependencies>
                  <build>
                    <plugins>
                      <plugin><artifactId>maven-resources-plugin</artifactId><version>%3$s</version></plugin>
                      <plugin><artifactId>maven-compiler-plugin</artifactId><version>%4$s</version></plugin>
                      <plugin><artifactId>maven-surefire-plugin</artifactId><version>%5$s</version></plugin>
                    </plugins>
                  </build>
                </project>
                """.formatted(VERSION, System.getProperty("junit.version"), System.getProperty("resources.plugin.version"),
                System.getProperty("compiler.plugin.version"), System.getProperty("surefire.plugin.version")));
        write(project.resolve("src/main/java/com/example/wordlen/WordLengthHandler.java"), """
                package com.example.wordlen;

                import io.smainer.job.JobContext;
                import io.smainer.job.JobHandler;
                import io.smainer.job.JobOutput;
                import io.smainer.protocol.JobSpec;
                import java.nio.charset.StandardCharsets;

                /** word-length: the length of each space-separated word of a UTF-8 text, comma-separated. */
                public final class WordLengthHandler implements JobHandler {
                    @Override
                    public String kind() {
                        return "word-length";
                    }

                    @Override
                    public JobOutput run(JobSpec spec, JobContext context) {
                        StringBuilder out = new StringBuilder();
                        for (String w : new String(spec.payload(), StandardCharsets.UTF_8).split(" ")) {
                            context.checkActive();
                            out.append(out.length() == 0 ? "" : ",").append(w.length());
                        }
                        return JobOutput.of(out.toString().getBytes(StandardCharsets.UTF_8));
                    }
                }
                """);
        write(project.resolve("src/test/java/com/example/wordlen/WordLengthTest.java"), """
                package com.example.wordlen;

                import static org.junit.jupiter.api.Assertions.assertEquals;
                import static org.junit.jupiter.api.Assertions.assertThrows;

                import io.smainer.chain.TokenAmount;
                import io.smainer.job.JobException;
                import io.smainer.protocol.Api;
                import io.smainer.protocol.JobSpec;
                import io.smainer.testkit.LocalNetwork;
                import io.smainer.testkit.LocalNetworkExtension;
                import io.smainer.testkit.TestJobContext;
                import java.nio.charset.StandardCharsets;
                import java.util.Map;
                import org.junit.jupiter.api.Test;
                import org.junit.jupiter.api.extension.RegisterExtension;

                class WordLengthTest {
                    @RegisterExtension
                    static final LocalNetworkExtension NETWORK =
                            LocalNetworkExtension.of(() -> LocalNetwork.builder().provider(new WordLengthHandler()));

                    static JobSpec job(String text) {
                        return JobSpec.of("word-length", Map.of(), text.getBytes(StandardCharsets.UTF_8));
                    }

                    @Test
                    void soldEndToEnd(LocalNetwork net) {
                        TokenAmount price = TokenAmount.parseStrk("0.1");
                        Api.TaskResult r = net.run(job("to be or not"), price);
                        assertEquals("2,2,2,3", new String(r.result(), StandardCharsets.UTF_8));
                        assertEquals(1, net.providers().get(0).status().completed());
                    }

                    @Test
                    void handlerUnitTest() {
                        assertEquals("5", new String(TestJobContext.create().run(new WordLengthHandler(), job("hello")).output(),
                                StandardCharsets.UTF_8));
                        TestJobContext cancelled = TestJobContext.create();
                        cancelled.cancel();
                        assertThrows(JobException.class, () -> cancelled.run(new WordLengthHandler(), job("x")));
                    }

                    @Test
                    void memoryModeBringsNoRedisClientNorLoggingBackendAndRunsWithoutStarknetJvm() {
                        assertThrows(ClassNotFoundException.class, () -> Class.forName("io.lettuce.core.RedisClient"));
                        assertThrows(ClassNotFoundException.class, () -> Class.forName("ch.qos.logback.classic.Logger"));
                        assertThrows(ClassNotFoundException.class,
                                () -> Class.forName("com.swmansion.starknet.provider.rpc.JsonRpcProvider"));
                        assertThrows(ClassNotFoundException.class, () -> Class.forName("kotlin.Unit"));
                        assertThrows(ClassNotFoundException.class, () -> Class.forName("okhttp3.OkHttpClient"));
                    }
                }
                """);
    }

    private static void write(Path file, String text) throws IOException {
        Files.createDirectories(file.getParent());
        Files.writeString(file, text, StandardCharsets.UTF_8);
    }

    private static String tail(String text) {
        return text.length() <= 6000 ? text : text.substring(text.length() - 6000);
    }

    private static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> all = Files.walk(dir)) {
            for (Path p : all.sorted((a, b) -> b.getNameCount() - a.getNameCount()).toList()) {
                Files.delete(p);
            }
        }
    }
}
