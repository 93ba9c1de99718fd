package io.smainer.examples;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.joran.JoranConfigurator;
import ch.qos.logback.classic.util.LogbackMDCAdapter;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The launcher's {@code logback.xml}: ISO-8601 timestamps, or JSON lines with {@code SMAINER_LOG_FORMAT=json}. */
class LogFormatTest {
    /** Configures a fresh logger context from the shipped file with these properties, logs one line, returns it. */
    private static String logOnce(String format, String level) throws Exception {
        PrintStream stdout = System.out;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
        LoggerContext context = new LoggerContext();
        context.setMDCAdapter(new LogbackMDCAdapter());
        try {
            if (format != null) {
                context.putProperty("SMAINER_LOG_FORMAT", format);
            }
            if (level != null) {
                context.putProperty("SMAINER_LOG_LEVEL", level);
            }
            JoranConfigurator joran = new JoranConfigurator();
            joran.setContext(context);
            URL file = LogFormatTest.class.getClassLoader().getResource("logback.xml");
            assertThat(file).isNotNull();
            joran.doConfigure(file);
            Logger log = context.getLogger("io.smainer.relayer.Relayer");
            log.info("relayer {} listening", "relayer-1");
            log.debug("a detail");
        } finally {
            context.stop();
            System.setOut(stdout);
        }
        return captured.toString(StandardCharsets.UTF_8);
    }

    @Test
    void textLinesCarryAnIso8601DateAndOffset() throws Exception {
        String out = logOnce(null, null);

        assertThat(out).matches("(?s)\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}\\.\\d{3}(Z|[+-]\\d{2}:\\d{2}) INFO  \\[.*\\]"
                + " io\\.smainer\\.relayer\\.Relayer - relayer relayer-1 listening\\R");
    }

    @Test
    void jsonLinesWhenAskedAndTheLevelFromTheEnvironment() throws Exception {
        String out = logOnce("json", "DEBUG");

        String[] lines = out.lines().filter(l -> !l.isBlank()).toArray(String[]::new);
        assertThat(lines).hasSize(2);
        JsonObject first = JsonParser.parseString(lines[0]).getAsJsonObject();
        assertThat(first.get("level").getAsString()).isEqualTo("INFO");
        assertThat(first.get("loggerName").getAsString()).isEqualTo("io.smainer.relayer.Relayer");
        assertThat(first.get("formattedMessage").getAsString()).isEqualTo("relayer relayer-1 listening");
        assertThat(first.get("timestamp").getAsLong()).isPositive();
        assertThat(JsonParser.parseString(lines[1]).getAsJsonObject().get("formattedMessage").getAsString())
                .isEqualTo("a detail");
    }
}
