package io.smainer.protocol;

import com.google.gson.Gson;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonPrimitive;
import io.smainer.InvalidFieldException;
import io.smainer.protocol.internal.GsonFactory;
import java.lang.reflect.Type;

/**
 * The one JSON codec of the protocol: WebSocket messages ({@link #encode(Message)},
 * {@link #decode(String)}) and REST bodies ({@link #toJson(Object)}, {@link #fromJson(String, Class)}).
 * Field names are snake_case; felts and addresses are {@code 0x} hex; amounts and u256 values decimal
 * strings; bytes base64. Parsing is strict: RFC 8259 JSON only (no comments, single quotes, unquoted names,
 * {@code NaN}), no name twice in an object, integers read exactly (a fraction or a value out of range is refused
 * naming the field, never truncated or wrapped), and every message written for people. Immutable and
 * thread-safe.
 */
public final class ProtocolCodec {
    /** The largest message {@link #create()} decodes: 16 MiB. */
    public static final int DEFAULT_MAX_BYTES = 16 * 1024 * 1024;

    private final Gson gson;
    private final int maxChars;

    private ProtocolCodec(int maxChars) {
        this.gson = GsonFactory.create();
        this.maxChars = maxChars;
    }

    /** @return a codec with the default size limit */
    public static ProtocolCodec create() {
        return new ProtocolCodec(DEFAULT_MAX_BYTES);
    }

    /**
     * @param maxChars the largest JSON text accepted, in characters
     * @return a codec with that limit
     */
    public static ProtocolCodec withMaxSize(int maxChars) {
        if (maxChars < 64) {
            throw new InvalidFieldException("max_chars", "at least 64", maxChars);
        }
        return new ProtocolCodec(maxChars);
    }

    /** @return the largest JSON text accepted */
    public int maxChars() {
        return maxChars;
    }

    /**
     * @param message a message
     * @return its JSON, with {@code v}, {@code type} and {@code id} first
     */
    public String encode(Message message) {
        // The record's own JSON object, with v and type spliced in front (no message has a field of either name;
        // wire types are snake_case words, nothing to escape).
        String body = gson.toJson(message);
        StringBuilder out = new StringBuilder(body.length() + 48).append("{\"v\":").append(Message.VERSION)
                .append(",\"type\":\"").append(message.type()).append('"');
        if (body.length() > 2) {
            out.append(',').append(body, 1, body.length());
        } else {
            out.append('}');
        }
        return out.toString();
    }

    /**
     * @param json one message
     * @return the message
     * @throws ProtocolException naming the field: oversized, malformed, wrong version, unknown type, or a
     *         missing or bad field
     */
    public Message decode(String json) {
        JsonObject obj = parseObject(json);
        JsonElement v = obj.get("v");
        if (v == null || !v.isJsonPrimitive() || !v.getAsJsonPrimitive().isNumber()
                || !v.getAsString().equals(Integer.toString(Message.VERSION))) {
            throw new ProtocolException("v", "protocol version " + Message.VERSION, v == null ? null : v.toString());
        }
        JsonElement type = obj.get("type");
        if (type == null || !(type instanceof JsonPrimitive p) || !p.isString()) {
            throw new ProtocolException("type", "a message type string", type == null ? null : type.toString());
        }
        MessageType mt;
        try {
            mt = MessageType.fromWire(type.getAsString());
        } catch (InvalidFieldException e) {
            throw new ProtocolException(e.field(), e.expected(), type.getAsString());
        }
        return read(obj, mt.recordClass());
    }

    /**
     * @param body a REST body
     * @return its JSON
     */
    public String toJson(Object body) {
        return gson.toJson(body);
    }

    /**
     * @param json a REST body
     * @param type the record class
     * @param <T> the type
     * @return the decoded, validated body
     * @throws ProtocolException naming the field
     */
    public <T> T fromJson(String json, Class<T> type) {
        return read(parseObject(json), type);
    }

    /**
     * @param json a REST body whose type has type parameters
     * @param type the full type
     * @param <T> the type
     * @return the decoded, validated body
     */
    public <T> T fromJson(String json, Type type) {
        return read(parseObject(json), type);
    }

    private JsonObject parseObject(String json) {
        if (json == null) {
            throw new ProtocolException("payload", "a JSON object", null);
        }
        if (json.length() > maxChars) {
            throw new ProtocolException("payload", "at most " + maxChars + " characters", json.length() + " characters");
        }
        JsonElement e = GsonFactory.parseStrict(json);
        if (!e.isJsonObject()) {
            throw new ProtocolException("payload", "a JSON object", json);
        }
        return e.getAsJsonObject();
    }

    private <T> T read(JsonObject obj, Type type) {
        try {
            return gson.fromJson(obj, type);
        } catch (RuntimeException e) {
            throw GsonFactory.explain(e);
        }
    }
}
