package io.smainer.fee;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/**
 * The fee vectors of {@code tools/gen-fee-vectors.py}, an implementation of PROTOCOL.md's money rules
 * independent of {@link FeeMath}. Shipped in the SDK's test-jar so the ledger, the relayer and the
 * examples check their books against the same figures.
 */
public final class FeeVectors {
    /** Classpath location of the vectors. */
    public static final String RESOURCE = "/io/smainer/fee/fee-vectors.json";

    private FeeVectors() {
    }

    /**
     * @param section {@code tier}, {@code flat}, {@code effort}, {@code affiliate} or {@code quote}
     * @return its vectors
     */
    public static JsonArray section(String section) {
        try (InputStream in = FeeVectors.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException(RESOURCE + " is not on the classpath");
            }
            JsonObject all = JsonParser.parseReader(new InputStreamReader(in, StandardCharsets.UTF_8)).getAsJsonObject();
            return all.getAsJsonArray(section);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
