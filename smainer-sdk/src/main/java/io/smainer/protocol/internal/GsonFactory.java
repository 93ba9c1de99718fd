package io.smainer.protocol.internal;

import com.google.gson.FieldNamingPolicy;
import com.google.gson.Gson;
import com.google.gson.GsonBuilder;

import com.google.gson.TypeAdapter;
import com.google.gson.TypeAdapterFactory;
import com.google.gson.reflect.TypeToken;
import com.google.gson.stream.JsonReader;
import com.google.gson.stream.JsonToken;
import com.google.gson.stream.JsonWriter;
import io.smainer.InvalidFieldException;
import io.smainer.chain.ContractAddress;
import io.smainer.chain.Felt;
import io.smainer.chain.TokenAmount;
import io.smainer.chain.U256;
import io.smainer.fee.BasisPoints;
import io.smainer.fee.Tier;
import io.smainer.protocol.ProtocolException;
import io.smainer.protocol.SettlementMode;
import io.smainer.protocol.TaskStatus;
import java.io.IOException;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.util.Base64;
import java.util.Locale;
import java.util.Optional;

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
                .registerTypeAdapter(Tier.class, new StringAdapter<>("tier", Tier::wireName, Tier::parse).nullSafe())
                .registerTypeAdapter(SettlementMode.class, new StringAdapter<>("settlement",
                        m -> m.name().toLowerCase(Locale.ROOT), s -> SettlementMode.valueOf(s.toUpperCase(Locale.ROOT))).nullSafe())
                .registerTypeAdapter(TaskStatus.class, new StringAdapter<>("status",
                        m -> m.name().toLowerCase(Locale.ROOT), s -> TaskStatus.valueOf(s.toUpperCase(Locale.ROOT))).nullSafe())
                .registerTypeAdapter(BasisPoints.class, new BasisPointsAdapter().nullSafe())
                .registerTypeAdapterFactory(new OptionalFactory())
                .create();
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
        String msg = e.getMessage() == null ? e.toString() : e.getMessage();
        String field = "payload";
        int at = msg.indexOf(" path $.");
        if (at >= 0) {
            field = msg.substring(at + 8).split("[\\s\\[]")[0];
        }
        ProtocolException p = new ProtocolException(field, "a value of the right JSON type", msg);
        p.initCause(e);
        return p;
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
        private final java.util.function.Function<T, String> write;
        private final java.util.function.Function<String, T> read;

        StringAdapter(String what, java.util.function.Function<T, String> write, java.util.function.Function<String, T> read) {
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
