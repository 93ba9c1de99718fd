package io.smainer.config;

import io.smainer.InvalidFieldException;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Properties;
import java.util.Set;
import java.util.SortedMap;
import java.util.StringJoiner;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.function.UnaryOperator;

/**
 * An application's settings schema and reader, shared by the reference relayer and provider. Settings are
 * {@code key=value} with lower-case keys ({@code settlement.batch_size}). They are layered: the caller's
 * defaults, then an optional properties file (named by the caller, else by {@value #CONFIG_ENV}), then
 * {@code SMAINER_*} environment variables (the key upper-cased, dots to underscores:
 * {@code settlement.batch_size} is {@code SMAINER_SETTLEMENT_BATCH_SIZE}), then the application's own
 * {@code SMAINER_<APP>_*} variables when the schema names an {@linkplain Builder#app application}
 * ({@code SMAINER_RELAYER_SETTLEMENT_BATCH_SIZE}: the relayer's alone, so that one shell can configure a relayer
 * and a provider without one reading the other's {@code SMAINER_NAME} or {@code SMAINER_RPC_URL}), then
 * whatever the caller puts on top (command-line flags). The shared {@code SMAINER_*} names keep working. The environment is a map the application passes in ({@code System.getenv()});
 * the SDK never reads the process environment itself.
 *
 * <p>A file key that names no setting is a problem; an environment variable that names none is ignored
 * (it may belong to another program of the same family, or be a secret that is no setting, such as a
 * keystore passphrase). Every problem is collected and reported at once by {@link Reader#done()} as a
 * {@link ConfigException}, each naming the setting, what was expected and what came; values of settings
 * declared {@linkplain Builder#hidden hidden} are never echoed, and those with a
 * {@linkplain Builder#masked mask} are shown masked.
 *
 * <pre>{@code
 * static final Settings SCHEMA = Settings.builder().keys(List.of("port", "api_keys")).hidden("api_keys").build();
 * Settings.Reader r = SCHEMA.load(Optional.empty(), System.getenv());
 * int port = r.get("port", 8000, Settings.intIn(0, 65535));
 * r.done(); // throws ConfigException listing every problem
 * }</pre>
 *
 * <p>Immutable and thread-safe; a {@link Reader} is for one thread and one parse.
 */
public final class Settings {
    /** Prefix of the environment variables read. */
    public static final String ENV_PREFIX = "SMAINER_";
    /** The environment variable naming a properties file when the caller names none. */
    public static final String CONFIG_ENV = "SMAINER_CONFIG";
    /**
     * The environment variable the reference apps read a keystore passphrase from. It is no setting: never
     * in a file, never defaulted, never logged; without it they prompt on the terminal.
     */
    public static final String PASSPHRASE_ENV = "SMAINER_KEYSTORE_PASSPHRASE";
    /** How a start-up description shows the keystore passphrase, which is no setting: never. */
    public static final String PASSPHRASE_SHOWN = "keystore passphrase=(from " + PASSPHRASE_ENV + " or a prompt; never shown)";

    private final List<String> keys;
    private final List<String> prefixes;
    private final Set<String> hidden;
    private final Map<String, UnaryOperator<String>> masks;
    private final Map<String, String> unset;
    private final Optional<String> appPrefix;

    private Settings(Builder b) {
        this.appPrefix = b.app.map(a -> ENV_PREFIX + a.toUpperCase(Locale.ROOT) + "_");
        this.keys = List.copyOf(b.keys);
        this.prefixes = List.copyOf(b.prefixes);
        this.hidden = Set.copyOf(b.hidden);
        this.masks = Map.copyOf(b.masks);
        this.unset = Map.copyOf(b.unset);
    }

    /** @return a builder; at least one key */
    public static Builder builder() {
        return new Builder();
    }

    /** Builds a {@link Settings} schema. */
    public static final class Builder {
        private final Set<String> keys = new LinkedHashSet<>();
        private final Set<String> prefixes = new LinkedHashSet<>();
        private final Set<String> hidden = new LinkedHashSet<>();
        private final Map<String, UnaryOperator<String>> masks = new LinkedHashMap<>();
        private final Map<String, String> unset = new LinkedHashMap<>();
        private Optional<String> app = Optional.empty();

        private Builder() {
        }

        /**
         * Names the application, so that its settings can also be given as {@code SMAINER_<APP>_<KEY>} (which
         * win over the shared {@code SMAINER_<KEY>}), and its properties file as {@code SMAINER_<APP>_CONFIG}.
         *
         * @param app lower-case letters, e.g. {@code relayer}
         * @return this
         */
        public Builder app(String app) {
            if (app == null || !app.matches("[a-z]{1,20}")) {
                throw new InvalidFieldException("app", "1 to 20 lower-case letters", app);
            }
            this.app = Optional.of(app);
            return this;
        }

        /**
         * @param keys the settings known, in the order help lists them (lower case, dots between parts)
         * @return this
         */
        public Builder keys(List<String> keys) {
            for (String k : keys) {
                this.keys.add(checkKey(k));
            }
            return this;
        }

        /**
         * @param prefix a family of settings named by a prefix, e.g. {@code price.min_base.} for
         *     {@code price.min_base.matmul}; its environment spelling is {@code SMAINER_PRICE_MIN_BASE_MATMUL}
         * @return this
         */
        public Builder prefix(String prefix) {
            this.prefixes.add(checkKey(prefix));
            return this;
        }

        /**
         * @param keys settings whose values are secrets: never shown in problems ({@code (hidden)})
         * @return this
         */
        public Builder hidden(String... keys) {
            this.hidden.addAll(List.of(keys));
            return this;
        }

        /**
         * @param key a setting whose value may carry a secret in part (an RPC URL's path); a {@linkplain #hidden
         *     hidden} setting with a mask is hidden in problems and shown masked in the {@link Description}
         * @param mask turns a value into what may be shown; it should not throw
         * @return this
         */
        public Builder masked(String key, UnaryOperator<String> mask) {
            this.masks.put(key, mask);
            return this;
        }

        /**
         * @param key a setting whose empty value means something
         * @param meaning what the {@link Description} shows for it when empty, e.g. {@code (none: in-memory store)}
         * @return this
         */
        public Builder unset(String key, String meaning) {
            this.unset.put(key, meaning);
            return this;
        }

        /** @return the schema */
        public Settings build() {
            if (keys.isEmpty()) {
                throw new InvalidFieldException("keys", "at least one setting", "none");
            }
            return new Settings(this);
        }

        private static String checkKey(String k) {
            if (k == null || !k.matches("[a-z0-9_.]+")) {
                throw new InvalidFieldException("key", "lower-case letters, digits, '_' and '.'", k);
            }
            return k;
        }
    }

    /** @return the settings known, in the order given */
    public List<String> keys() {
        return keys;
    }

    /**
     * @param key a setting
     * @return its environment variable, e.g. {@code SMAINER_SETTLEMENT_BATCH_SIZE}
     */
    public static String envName(String key) {
        return ENV_PREFIX + key.replace('.', '_').toUpperCase(Locale.ROOT);
    }

    /**
     * @param key a setting
     * @return its application's own environment variable ({@code SMAINER_RELAYER_SETTLEMENT_BATCH_SIZE}), or the
     *     shared one ({@link #envName}) when the schema names no application
     */
    public String appEnvName(String key) {
        return appPrefix.map(p -> p + key.replace('.', '_').toUpperCase(Locale.ROOT)).orElseGet(() -> envName(key));
    }

    /** @return the variable naming this application's properties file, e.g. {@code SMAINER_RELAYER_CONFIG} */
    public String appConfigEnv() {
        return appPrefix.map(p -> p + "CONFIG").orElse(CONFIG_ENV);
    }

    /**
     * Reads the properties file (the one given, else the one {@link #appConfigEnv()} names, else the one
     * {@value #CONFIG_ENV} names, else none), then the environment's {@code SMAINER_*} variables that name a
     * setting, the application's own {@code SMAINER_<APP>_*} over the shared ones.
     *
     * @param file a properties file, if any
     * @param env the environment, e.g. {@code System.getenv()}; other variables are ignored
     * @return a reader over the merged settings, with any problem so far (an unreadable file, unknown keys)
     */
    public Reader load(Optional<Path> file, Map<String, String> env) {
        Map<String, String> settings = new LinkedHashMap<>();
        List<String> problems = new ArrayList<>();
        Optional<Path> source = file.isPresent() ? file
                : Optional.ofNullable(env.get(appConfigEnv())).or(() -> Optional.ofNullable(env.get(CONFIG_ENV)))
                        .filter(s -> !s.isBlank()).map(Path::of);
        if (source.isPresent()) {
            Properties p = new Properties();
            try (InputStream in = Files.newInputStream(source.get())) {
                p.load(in);
                for (String k : p.stringPropertyNames()) {
                    settings.put(k.trim().toLowerCase(Locale.ROOT), p.getProperty(k).trim());
                }
            } catch (IOException | IllegalArgumentException e) {
                problems.add("config file " + source.get() + ": cannot be read (" + e + ")");
            }
        }
        settings.putAll(fromEnvironment(env));
        return new Reader(this, settings, problems);
    }

    /**
     * Reads settings given as {@code key=value} (the properties file's keys), with no file or environment.
     *
     * @param settings the settings
     * @return a reader, with any unknown keys as problems
     */
    public Reader read(Map<String, String> settings) {
        return new Reader(this, new LinkedHashMap<>(settings), new ArrayList<>());
    }

    /**
     * @param env the environment
     * @return the settings its {@code SMAINER_*} variables name, by key: the application's own
     *     {@code SMAINER_<APP>_*} over the shared {@code SMAINER_*}
     */
    public Map<String, String> fromEnvironment(Map<String, String> env) {
        Map<String, String> out = new LinkedHashMap<>();
        SortedMap<String, String> sorted = new TreeMap<>(env);
        // the shared names first; an application's own variables are not read as shared ones
        collect(sorted, ENV_PREFIX, name -> appPrefix.isPresent() && name.startsWith(appPrefix.get()), out);
        appPrefix.ifPresent(p -> collect(sorted, p, name -> false, out));
        return out;
    }

    /** The settings named by the variables that start with {@code prefix} ({@code SMAINER_} or an app's). */
    private void collect(SortedMap<String, String> env, String prefix, Predicate<String> skip, Map<String, String> out) {
        for (Map.Entry<String, String> e : env.entrySet()) {
            String name = e.getKey();
            if (!name.startsWith(prefix) || name.equals(prefix + "CONFIG") || skip.test(name)) {
                continue;
            }
            String rest = name.substring(prefix.length());
            String key = null;
            for (String k : keys) {
                if (rest.equals(k.replace('.', '_').toUpperCase(Locale.ROOT))) {
                    key = k;
                    break;
                }
            }
            if (key == null) {
                for (String p : prefixes) {
                    String family = p.replace('.', '_').toUpperCase(Locale.ROOT);
                    if (rest.startsWith(family) && rest.length() > family.length()) {
                        key = p + rest.substring(family.length()).toLowerCase(Locale.ROOT);
                        break;
                    }
                }
            }
            if (key != null) {
                out.put(key, e.getValue().trim());
            }
        }
    }

    /**
     * @param key a setting
     * @param value its value
     * @return how a problem may show the value: {@code (hidden)}, masked, or quoted
     */
    public String shown(String key, String value) {
        if (hidden.contains(key)) {
            return "(hidden)";
        }
        UnaryOperator<String> mask = masks.get(key);
        if (mask != null) {
            try {
                return "'" + mask.apply(value) + "'";
            } catch (RuntimeException e) {
                return "(unparseable, hidden)";
            }
        }
        return "'" + value + "'";
    }

    private boolean known(String key) {
        if (keys.contains(key)) {
            return true;
        }
        for (String p : prefixes) {
            if (key.startsWith(p) && key.length() > p.length()) {
                return true;
            }
        }
        return false;
    }

    // ------------------------------------------------------------------ value parsers

    /**
     * @param min the least value
     * @param max the greatest value
     * @return a parser of an integer in {@code [min, max]}
     */
    public static Function<String, Integer> intIn(int min, int max) {
        Function<String, Long> parse = longIn(min, max);
        return v -> parse.apply(v).intValue(); // in [min, max], so an int
    }

    /**
     * @param min the least value
     * @param max the greatest value
     * @return a parser of a long in {@code [min, max]}
     */
    public static Function<String, Long> longIn(long min, long max) {
        return v -> {
            long l;
            try {
                l = Long.parseLong(v.trim());
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("an integer in [" + min + ", " + max + "]");
            }
            if (l < min || l > max) {
                throw new IllegalArgumentException("an integer in [" + min + ", " + max + "]");
            }
            return l;
        };
    }

    /** @return a parser of {@code true} or {@code false}, nothing else */
    public static Function<String, Boolean> bool() {
        return v -> switch (v.trim()) {
            case "true" -> true;
            case "false" -> false;
            default -> throw new IllegalArgumentException("true or false");
        };
    }

    /**
     * Masks a list of {@code id:secret} pairs for display: the ids stay, every secret becomes {@code ****}.
     *
     * @param pairs e.g. {@code ops:0123456789abcdef,web:fedcba9876543210}
     * @return e.g. {@code ops:****,web:****}
     */
    public static String maskPairValues(String pairs) {
        StringJoiner out = new StringJoiner(",");
        for (String pair : pairs.split(",")) {
            int at = pair.indexOf(':');
            out.add(at > 0 ? pair.substring(0, at).trim() + ":****" : "****");
        }
        return out.toString();
    }

    /**
     * @param expected what to say was expected when the value is not an http(s) URL with a host
     * @return a parser of an http or https URL
     */
    public static Function<String, URI> httpUrl(String expected) {
        return v -> {
            try {
                URI u = new URI(v.trim());
                String scheme = u.getScheme() == null ? "" : u.getScheme().toLowerCase(Locale.ROOT);
                if (!(scheme.equals("http") || scheme.equals("https")) || u.getHost() == null) {
                    throw new IllegalArgumentException(expected);
                }
                return u;
            } catch (URISyntaxException e) {
                throw new IllegalArgumentException(expected);
            }
        };
    }

    /**
     * @param <E> the enum
     * @param type the enum's class; its constants are matched case-insensitively
     * @return a parser of one of its constants, expecting their lower-case names
     */
    public static <E extends Enum<E>> Function<String, E> oneOf(Class<E> type) {
        return v -> {
            for (E e : type.getEnumConstants()) {
                if (e.name().equalsIgnoreCase(v.trim())) {
                    return e;
                }
            }
            List<String> names = new ArrayList<>();
            for (E e : type.getEnumConstants()) {
                names.add(e.name().toLowerCase(Locale.ROOT));
            }
            String last = names.remove(names.size() - 1);
            throw new IllegalArgumentException(names.isEmpty() ? last : String.join(", ", names) + " or " + last);
        };
    }

    /**
     * Masks a URL for display: keeps the scheme, host and port, hides user info, path and query (RPC
     * providers put API keys there).
     *
     * @param u the URL
     * @return e.g. {@code https://rpc.example.com/****}
     */
    public static String maskUrl(URI u) {
        boolean hidden = u.getRawUserInfo() != null || (u.getRawPath() != null && u.getRawPath().length() > 1)
                || u.getRawQuery() != null;
        return u.getScheme() + "://" + u.getHost() + (u.getPort() >= 0 ? ":" + u.getPort() : "") + (hidden ? "/****" : "");
    }

    /**
     * {@link #maskUrl(URI)} for text that may not parse.
     *
     * @param url the URL's text
     * @return it masked, or {@code (unparseable URL)}
     */
    public static String maskUrl(String url) {
        try {
            URI u = new URI(url.trim());
            return u.getScheme() == null || u.getHost() == null ? "(unparseable URL)" : maskUrl(u);
        } catch (URISyntaxException e) {
            return "(unparseable URL)";
        }
    }

    /**
     * Every setting a {@link Reader} read and its effective value as text (the value given, else the default),
     * in the schema's order, secrets hidden or masked: what an application logs at start. Generated from the
     * schema, so a new setting appears in it without a line of its own (HikariCP's {@code logConfiguration}).
     *
     * @param shown each setting's key and how it may be shown
     */
    public record Description(Map<String, String> shown) {
        /** Keeps the order. */
        public Description {
            shown = Collections.unmodifiableMap(new LinkedHashMap<>(shown));
        }

        /**
         * @param keys which settings to keep
         * @return those settings alone
         */
        public Description only(Predicate<String> keys) {
            Map<String, String> out = new LinkedHashMap<>();
            shown.forEach((k, v) -> {
                if (keys.test(k)) {
                    out.put(k, v);
                }
            });
            return new Description(out);
        }

        /**
         * @param separator what goes between two settings, e.g. a new line
         * @return {@code key=value}, separated
         */
        public String joined(String separator) {
            StringJoiner out = new StringJoiner(separator);
            shown.forEach((k, v) -> out.add(k + "=" + v));
            return out.toString();
        }

        /** @return {@code key=value, key=value, ...} */
        @Override
        public String toString() {
            return joined(", ");
        }
    }

    /** How the {@link Description} shows a value: a secret never, a masked one masked, an empty one as unset. */
    private String described(String key, String text) {
        if (text.isEmpty()) {
            return unset.getOrDefault(key, "(none)");
        }
        UnaryOperator<String> mask = masks.get(key);
        if (mask != null) {
            try {
                return mask.apply(text);
            } catch (RuntimeException e) {
                return "(unparseable, hidden)";
            }
        }
        return hidden.contains(key) ? "(set, hidden)" : text;
    }

    /** A default's text in the form the setting is written in. */
    private static String text(Object value) {
        if (value instanceof Optional<?> o) {
            return o.map(Settings::text).orElse("");
        }
        if (value instanceof OptionalInt o) {
            return o.isPresent() ? Integer.toString(o.getAsInt()) : "";
        }
        if (value instanceof Enum<?> e) {
            return e.name().toLowerCase(Locale.ROOT);
        }
        if (value instanceof Collection<?> c) {
            StringJoiner out = new StringJoiner(",");
            c.forEach(v -> out.add(text(v)));
            return out.toString();
        }
        if (value instanceof Map<?, ?> m) {
            StringJoiner out = new StringJoiner(",");
            m.forEach((k, v) -> out.add(text(k) + ":" + text(v)));
            return out.toString();
        }
        return String.valueOf(value);
    }

    /**
     * Reads typed values from merged settings, recording a problem for each bad one instead of throwing, so
     * that {@link #done()} reports them all. For one parse on one thread.
     */
    public static final class Reader {
        private final Settings schema;
        private final Map<String, String> values;
        private final List<String> problems;
        private final Map<String, String> effective = new LinkedHashMap<>();

        private Reader(Settings schema, Map<String, String> values, List<String> problems) {
            this.schema = schema;
            this.values = values;
            this.problems = problems;
            for (String k : values.keySet()) {
                if (!schema.known(k)) {
                    problems.add(k + ": unknown setting (known: " + String.join(", ", schema.keys) + ")");
                }
            }
        }

        /**
         * Reads one setting. A parser says what it expected by throwing {@link InvalidFieldException} (its
         * {@code expected()} is used) or another runtime exception (its message is used).
         *
         * @param <T> the value's type
         * @param key the setting
         * @param fallback the default, also returned when the value is bad
         * @param parse turns the text into the value
         * @return the value
         */
        public <T> T get(String key, T fallback, Function<String, T> parse) {
            String v = values.get(key);
            effective.put(key, v == null ? text(fallback) : v);
            if (v == null) {
                return fallback;
            }
            try {
                return parse.apply(v);
            } catch (InvalidFieldException e) {
                problems.add(key + ": expected " + e.expected() + ", got " + schema.shown(key, v));
            } catch (RuntimeException e) {
                problems.add(key + ": expected " + e.getMessage() + ", got " + schema.shown(key, v));
            }
            return fallback;
        }

        /**
         * @param key a setting
         * @return whether it was given (by file or environment)
         */
        public boolean has(String key) {
            return values.containsKey(key);
        }

        /** @return the keys given, in the order read */
        public Set<String> given() {
            return Collections.unmodifiableSet(values.keySet());
        }

        /**
         * Records a problem that spans settings.
         *
         * @param problem names the setting(s), what was expected and what came
         */
        public void problem(String problem) {
            problems.add(problem);
        }

        /**
         * @return every setting read so far with its effective value, in the schema's order (settings named by
         *     a prefix after the others), secrets hidden or masked
         */
        public Description description() {
            Map<String, String> out = new LinkedHashMap<>();
            for (String k : schema.keys) {
                if (effective.containsKey(k)) {
                    out.put(k, schema.described(k, effective.get(k)));
                }
            }
            effective.forEach((k, v) -> out.putIfAbsent(k, schema.described(k, v)));
            return new Description(out);
        }

        /** @return the problems recorded so far */
        public List<String> problems() {
            return List.copyOf(problems);
        }

        /** @throws ConfigException listing every problem, when there is any */
        public void done() {
            if (!problems.isEmpty()) {
                throw new ConfigException(problems);
            }
        }
    }
}
