package io.smainer;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;

/**
 * The version of Smainer for Java these classes belong to, as the build wrote it (every jar's manifest also
 * carries it as {@code Implementation-Version}). The CLIs print it for {@code --version}; the SDK's HTTP
 * clients send it in their {@code User-Agent}.
 */
public final class SmainerVersion {
    private static final String VERSION = read();

    private SmainerVersion() {
    }

    /** @return the version, such as {@code 0.1.0} or {@code 0.1.0-SNAPSHOT} */
    public static String current() {
        return VERSION;
    }

    /**
     * @param product the program, such as {@code smainer-relayer}
     * @return a {@code User-Agent} value: {@code product/version (Java 17.0.15)}
     */
    public static String userAgent(String product) {
        return product + "/" + VERSION + " (Java " + Runtime.version() + ")";
    }

    private static String read() {
        try (InputStream in = SmainerVersion.class.getResourceAsStream("version.properties")) {
            if (in == null) {
                throw new IllegalStateException("io/smainer/version.properties is missing from the SDK's classes");
            }
            Properties p = new Properties();
            p.load(in);
            return p.getProperty("version");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
