package io.smainer.protocol.internal;

import com.google.gson.FieldNamingPolicy;
import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonNull;
import com.google.gson.JsonObject;
import com.google.gson.JsonPrimitive;
import com.google.gson.Strictness;
import com.google.gson.TypeAdapter;
import com.google.gson.TypeAdapterFactory;
import com.google.gson.internal.LazilyParsedNumber;
import com.google.gson.reflect.TypeToken;
import com.google.gson.stream.JsonReader;
import com.google.gson.stream.JsonToken;
import com.google.gson.stream.JsonWriter;
import io.smainer.InvalidFieldException;
import io.smainer.chain.ContractAddress;
import io.smainer.chain.Felt;
import io.smainer.chain.TokenAmount;
import io.smainer.chain.U256;
import io.smainer.crypto.AccountSignature;
import io.smainer.fee.BasisPoints;
import io.smainer.fee.Tier;
import io.smainer.protocol.ProtocolException;
import io.smainer.protocol.SettlementMode;
import io.smainer.protocol.TaskStatus;
import io.smainer.seal.SealPublicKey;
import java.io.IOException;
import java.io.StringReader;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Function;

/** Builds the protocol's Gson: snake_case fields and the chain types' wire forms. Not API. */
public final class GsonFactory {
    private GsonFactory() {
    }

    /** @return the configured Gson */
    public static Gson create() {
        return new GsonBuilder()
                .setFieldNamingPolicy(FieldNamingPolicy.LOWER_CASE_WITH_UNDERSCORES)
                .disableHtmlEscaping()
                .registerTypeAdapter(Felt.class, new StringAdapter<>("felt", Felt::hex, Felt::parse).nullSafe())
                .registerTypeAdapter(ContractAddress.class,
                        new StringAdapter<>("address", ContractAddress::hex, ContractAddress::parse).nullSafe())
                .registerTypeAdapter(U256.class, new StringAdapter<>("u256", U256::toString, U256::parse).nullSafe())
                .registerTypeAdapter(TokenAmount.class, new StringAdapter<>("amount", TokenAmount::toString,
                        s -> TokenAmount.parseBaseUnits("amount", s)).nullSafe())
                .registerTypeAdapter(byte[].class, new StringAdapter<>("bytes", b -> Base64.getEncoder().encodeToString(b),
                        GsonFactory::base64).nullSafe())
                .registerTypeAdapter(SealPublicKey.class, new StringAdapter<>("seal_key", SealPublicKey::hex,
                        SealPublicKey::parse).nullSafe())
                .registerTypeAdapter(Tier.class, new StringAdapter<>("tier", Tier::wireName, Tier::parse).nullSafe())
                .registerTypeAdapter(SettlementMode.class, new StringAdapter<>("settlement",
                        m -> m.name().toLowerCase(Locale.ROOT), s -> SettlementMode.valueOf(s.toUpperCase(Locale.ROOT))).nullSafe())
                .registerTypeAdapter(TaskStatus.class, new StringAdapter<>("status",
                        m -> m.name().toLowerCase(Locale.ROOT), s -> TaskStatus.valueOf(s.toUpperCase(Locale.ROOT))).nullSafe())
                .registerTypeAdapter(BasisPoints.class, new BasisPointsAdapter().nullSafe())
                .registerTypeAdapter(AccountSignature.class, new AccountSignatureAdapter().nullSafe())
                .registerTypeAdapter(long.class, new WholeNumberAdapter(Long.MIN_VALUE, Long.MAX_VALUE, false))
                .registerTypeAdapter(Long.class, new WholeNumberAdapter(Long.MIN_VALUE, Long.MAX_VALUE, false).nullSafe())
                .registerTypeAdapter(int.class, new WholeNumberAdapter(Integer.MIN_VALUE, Integer.MAX_VALUE, true))
                .registerTypeAdapter(Integer.class, new WholeNumberAdapter(Integer.MIN_VALUE, Integer.MAX_VALUE, true)
                        .nullSafe())
                .setStrictness(Strictness.STRICT)
                .registerTypeAdapterFactory(new OptionalFactory())
                .create();
    }

    /** How deep objects and arrays may nest in a message or body. */
    public static final int MAX_DEPTH = 64;

    /**
     * Parses one JSON value strictly (RFC 8259): no comments, single quotes, unquoted names, {@code NaN} or
     * infinities, nothing after the value, no name twice in one object, nesting at most {@value #MAX_DEPTH} deep.
     * Numbers keep their text, to be read exactly (see {@code WholeNumberAdapter}).
     *
     * @param json the text
     * @return the tree
     * @throws ProtocolException naming {@code payload} (or the repeated name), in words for people
     */
    public static JsonElement parseStrict(String json) {
        JsonReader in = new JsonReader(new StringReader(json));
        in.setStrictness(Strictness.STRICT);
        try {
            JsonElement e = read(in, 0);
            if (in.peek() != JsonToken.END_DOCUMENT) {
                throw new ProtocolException("payload", "one JSON value", "more text after it");
            }
            return e;
        } catch (IOException | IllegalStateException | NumberFormatException e) {
            throw new ProtocolException("payload", "well-formed JSON (double-quoted names and strings, no comments,"
                    + " no NaN or infinities)", "malformed JSON near character " + position(in));
        }
    }

    private static String position(JsonReader in) {
        String where = in.toString(); // "JsonReader at line L column C path P"
        int at = where.indexOf(" column ");
        int line = where.indexOf(" line ");
        if (at < 0 || line < 0) {
            return "?";
        }
        return where.substring(line + 6, at) + ":" + where.substring(at + 8).split(" ")[0];
    }

    private static JsonElement read(JsonReader in, int depth) throws IOException {
        if (depth > MAX_DEPTH) {
            throw new ProtocolException("payload", "objects and arrays nested at most " + MAX_DEPTH + " deep",
                    "deeper nesting");
        }
        switch (in.peek()) {
            case BEGIN_OBJECT -> {
                JsonObject o = new JsonObject();
                in.beginObject();
                while (in.hasNext()) {
                    String name = in.nextName();
                    if (o.has(name)) {
                        throw new ProtocolException(name, "each name once in an object", "it twice");
                    }
                    o.add(name, read(in, depth + 1));
                }
                in.endObject();
                return o;
            }
            case BEGIN_ARRAY -> {
                JsonArray a = new JsonArray();
                in.beginArray();
                while (in.hasNext()) {
                    a.add(read(in, depth + 1));
                }
                in.endArray();
                return a;
            }
            case STRING -> {
                return new JsonPrimitive(in.nextString());
            }
            case NUMBER -> {
                return new JsonPrimitive(new LazilyParsedNumber(in.nextString()));
            }
            case BOOLEAN -> {
                return new JsonPrimitive(in.nextBoolean());
            }
            case NULL -> {
                in.nextNull();
                return JsonNull.INSTANCE;
            }
            default -> throw new IllegalStateException("unexpected " + in.peek());
        }
    }

    /**
     * Turns whatever Gson threw while reading into a {@link ProtocolException} naming the field.
     *
     * @param e the failure
     * @return the protocol exception
     */
    public static ProtocolException explain(RuntimeException e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof ProtocolException p) {
                return p;
            }
            if (t instanceof InvalidFieldException f) {
                ProtocolException p = new ProtocolException(f.field(), f.expected(), f.actual());
                p.initCause(f);
                return p;
            }
        }
        String msg = e.getMessage() == null ? "" : e.getMessage();
        String field = "payload";
        int at = msg.indexOf(" path $.");
        if (at >= 0) {
            field = msg.substring(at + 8).split("[\\s\\[]")[0];
        }
        ProtocolException p = new ProtocolException(field, "a value of the right JSON type", kindOf(msg));
        p.initCause(e);
        return p;
    }

    /** What Gson found, in words: "Expected X but was STRING at path ..." is "a string". */
    private static String kindOf(String gsonMessage) {
        int at = gsonMessage.indexOf("but was ");
        String token = at < 0 ? "" : gsonMessage.substring(at + 8).split("[\\s:]")[0];
        return switch (token) {
            case "BEGIN_OBJECT" -> "an object";
            case "BEGIN_ARRAY" -> "an array";
            case "STRING" -> "a string";
            case "NUMBER" -> "a number";
            case "BOOLEAN" -> "true or false";
            case "NULL" -> "null";
            default -> "a value of another type";
        };
    }

    private static byte[] base64(String s) {
        try {
            return Base64.getDecoder().decode(s);
        } catch (IllegalArgumentException e) {
            throw new InvalidFieldException("bytes", "base64", s);
        }
    }

    /** A type written as one JSON string. */
    private static final class StringAdapter<T> extends TypeAdapter<T> {
        private final String what;
        private final Function<T, String> write;
        private final Function<String, T> read;

        StringAdapter(String what, Function<T, String> write, Function<String, T> read) {
            this.what = what;
            this.write = write;
            this.read = read;
        }

        @Override
        public void write(JsonWriter out, T value) throws IOException {
            out.value(write.apply(value));
        }

        @Override
        public T read(JsonReader in) throws IOException {
            if (in.peek() != JsonToken.STRING) {
                String field = field(in.getPath());
                throw new ProtocolException(field.isEmpty() ? what : field, "a JSON string (" + what + ")", in.peek().toString());
            }
            String s = in.nextString();
            try {
                return read.apply(s);
            } catch (InvalidFieldException e) {
                String field = field(in.getPreviousPath());
                throw new ProtocolException(field.isEmpty() ? e.field() : field, e.expected(), s);
            } catch (IllegalArgumentException e) {
                String field = field(in.getPreviousPath());
                throw new ProtocolException(field.isEmpty() ? what : field, "a valid " + what, s);
            }
        }

        /** A JSON path as a field name: {@code $.a.b} is {@code a.b}, the root {@code $} is empty. */
        private static String field(String jsonPath) {
            if (jsonPath.startsWith("$.")) {
                return jsonPath.substring(2);
            }
            return jsonPath.startsWith("$") ? jsonPath.substring(1) : jsonPath;
        }
    }

    /**
     * Basis points as a JSON integer ({@code 22000}). Also reads the object form {@code {"value": 22000}}
     * that records stored before this adapter existed were written in.
     */
    private static final class BasisPointsAdapter extends TypeAdapter<BasisPoints> {
        @Override
        public void write(JsonWriter out, BasisPoints value) throws IOException {
            out.value(value.value());
        }

        @Override
        public BasisPoints read(JsonReader in) throws IOException {
            String path = StringAdapter.field(in.getPath());
            String field = path.isEmpty() ? "bps" : path;
            JsonToken token = in.peek();
            long value;
            if (token == JsonToken.NUMBER) {
                String text = in.nextString();
                try {
                    value = Long.parseLong(text);
                } catch (NumberFormatException e) {
                    throw new ProtocolException(field, "an integer number of basis points", text);
                }
            } else if (token == JsonToken.BEGIN_OBJECT) {
                Long found = null;
                in.beginObject();
                while (in.hasNext()) {
                    if (in.nextName().equals("value") && in.peek() == JsonToken.NUMBER) {
                        found = in.nextLong();
                    } else {
                        in.skipValue();
                    }
                }
                in.endObject();
                if (found == null) {
                    throw new ProtocolException(field, "an integer number of basis points", "an object without value");
                }
                value = found;
            } else {
                throw new ProtocolException(field, "an integer number of basis points", token.toString());
            }
            if (value < 0 || value > BasisPoints.MAX) {
                throw new ProtocolException(field, "basis points in [0, " + BasisPoints.MAX + "]", Long.toString(value));
            }
            return BasisPoints.of((int) value);
        }
    }

    /**
     * An account's signature: an array of felts ({@code ["0x…", …]}, as starknet.js and wallets give it), or the
     * object {@code {"r": …, "s": …}} of one Stark key. Written as that object when it is two felts (what every
     * relayer reads), else as the array. The array is read one felt at a time and refused past
     * {@link AccountSignature#MAX_FELTS}, so a hostile array is not read whole.
     */
    private static final class AccountSignatureAdapter extends TypeAdapter<AccountSignature> {
        private static final String EXPECTED = "an array of " + AccountSignature.MIN_FELTS + " to "
                + AccountSignature.MAX_FELTS + " felts (hex strings), or {r, s}";

        @Override
        public void write(JsonWriter out, AccountSignature value) throws IOException {
            if (value.size() == 2) {
                out.beginObject().name("r").value(value.felts().get(0).hex()).name("s").value(value.felts().get(1).hex())
                        .endObject();
                return;
            }
            out.beginArray();
            for (Felt f : value.felts()) {
                out.value(f.hex());
            }
            out.endArray();
        }

        @Override
        public AccountSignature read(JsonReader in) throws IOException {
            String path = StringAdapter.field(in.getPath());
            String field = path.isEmpty() ? "signature" : path;
            JsonToken token = in.peek();
            if (token == JsonToken.BEGIN_ARRAY) {
                List<Felt> felts = new ArrayList<>();
                in.beginArray();
                while (in.hasNext()) {
                    if (felts.size() == AccountSignature.MAX_FELTS) {
                        throw new ProtocolException(field, EXPECTED, "more than " + AccountSignature.MAX_FELTS + " felts");
                    }
                    felts.add(felt(in, field + "[" + felts.size() + "]"));
                }
                in.endArray();
                if (felts.size() < AccountSignature.MIN_FELTS) {
                    throw new ProtocolException(field, EXPECTED, felts.size() + " felts");
                }
                return AccountSignature.of(felts);
            }
            if (token != JsonToken.BEGIN_OBJECT) {
                throw new ProtocolException(field, EXPECTED, token.toString());
            }
            Felt r = null;
            Felt s = null;
            in.beginObject();
            while (in.hasNext()) {
                String name = in.nextName();
                switch (name) {
                    case "r" -> r = felt(in, field + ".r");
                    case "s" -> s = felt(in, field + ".s");
                    default -> throw new ProtocolException(field + "." + name, "no such field (a signature has r and s)",
                            "a value");
                }
            }
            in.endObject();
            if (r == null || s == null) {
                throw new ProtocolException(field + (r == null ? ".r" : ".s"), "a felt", null);
            }
            return AccountSignature.of(List.of(r, s));
        }

        private static Felt felt(JsonReader in, String field) throws IOException {
            if (in.peek() != JsonToken.STRING) {
                throw new ProtocolException(field, "a felt (a 0x hex string)", in.peek().toString());
            }
            String text = in.nextString();
            try {
                return Felt.parse(text);
            } catch (InvalidFieldException e) {
                throw new ProtocolException(field, e.expected(), text);
            }
        }
    }

    /**
     * A JSON integer read exactly: a fraction ({@code 1.5}) or a value out of the Java type's range
     * ({@code 2^64 + 1} for a {@code long}) is refused naming the field, never truncated or wrapped.
     */
    private static final class WholeNumberAdapter extends TypeAdapter<Number> {
        private final long min;
        private final long max;
        private final boolean integer;

        WholeNumberAdapter(long min, long max, boolean integer) {
            this.min = min;
            this.max = max;
            this.integer = integer;
        }

        @Override
        public void write(JsonWriter out, Number value) throws IOException {
            out.value(value.longValue());
        }

        @Override
        public Number read(JsonReader in) throws IOException {
            String field = StringAdapter.field(in.getPath());
            String expected = "a whole number in [" + min + ", " + max + "]";
            if (in.peek() != JsonToken.NUMBER) {
                throw new ProtocolException(field.isEmpty() ? "payload" : field, expected + " (a JSON number)",
                        in.peek() == JsonToken.STRING ? "a string" : in.peek().toString().toLowerCase(Locale.ROOT));
            }
            String text = in.nextString();
            long value;
            try {
                value = new BigDecimal(text).longValueExact();
            } catch (ArithmeticException | NumberFormatException e) {
                throw new ProtocolException(field.isEmpty() ? "payload" : field, expected, text);
            }
            if (value < min || value > max) {
                throw new ProtocolException(field.isEmpty() ? "payload" : field, expected, text);
            }
            if (integer) {
                return Integer.valueOf((int) value); // not a conditional expression: it would box both as Long
            }
            return Long.valueOf(value);
        }
    }

    /** {@code Optional<T>}: the value, or the field left out. */
    private static final class OptionalFactory implements TypeAdapterFactory {
        @Override
        @SuppressWarnings({"unchecked", "rawtypes"})
        public <T> TypeAdapter<T> create(Gson gson, TypeToken<T> type) {
            if (type.getRawType() != Optional.class) {
                return null;
            }
            Type inner = type.getType() instanceof ParameterizedType p ? p.getActualTypeArguments()[0] : Object.class;
            TypeAdapter<Object> delegate = (TypeAdapter<Object>) gson.getAdapter(TypeToken.get(inner));
            return (TypeAdapter<T>) new TypeAdapter<Optional<?>>() {
                @Override
                public void write(JsonWriter out, Optional<?> value) throws IOException {
                    if (value == null || value.isEmpty()) {
                        out.nullValue();
                    } else {
                        delegate.write(out, value.get());
                    }
                }

                @Override
                public Optional<?> read(JsonReader in) throws IOException {
                    if (in.peek() == JsonToken.NULL) {
                        in.nextNull();
                        return Optional.empty();
                    }
                    return Optional.ofNullable(delegate.read(in));
                }
            };
        }
    }

}
