package io.smainer;

import java.util.Collection;
import java.util.Optional;

/**
 * The field checks every value of the SDK runs in its constructor, public so that code built on the SDK
 * (the reference relayer, a runner of one's own) refuses bad input the same way: each failed check throws
 * {@link InvalidFieldException} naming the field by its wire name, what was expected and what came.
 *
 * <pre>{@code
 * public record Offer(String name, long price) {
 *     public Offer {
 *         Require.text("name", name, 64);
 *         Require.range("price", price, 1, Long.MAX_VALUE);
 *     }
 * }
 * }</pre>
 */
public final class Require {
    private Require() {
    }

    /**
     * @param field the field's wire name
     * @param value the value
     * @param <T> its type
     * @return the value, when present
     */
    public static <T> T present(String field, T value) {
        if (value == null) {
            throw new InvalidFieldException(field, "a value", null);
        }
        return value;
    }

    /**
     * @param field the field's wire name
     * @param value the value
     * @param <T> its type
     * @return the value, or empty for null
     */
    public static <T> Optional<T> optional(String field, Optional<T> value) {
        return value == null ? Optional.empty() : value;
    }

    /**
     * @param field the field's wire name
     * @param value text
     * @param maxLength the largest length accepted
     * @return the text, when non-blank and short enough
     */
    public static String text(String field, String value, int maxLength) {
        if (value == null || value.isBlank()) {
            throw new InvalidFieldException(field, "non-empty text", value);
        }
        if (value.length() > maxLength) {
            throw new InvalidFieldException(field, "at most " + maxLength + " characters", value);
        }
        return value;
    }

    /**
     * @param field the field's wire name
     * @param value a number
     * @param min smallest accepted
     * @param max largest accepted
     * @return the number, when in range
     */
    public static long range(String field, long value, long min, long max) {
        if (value < min || value > max) {
            throw new InvalidFieldException(field, "an integer in [" + min + ", " + max + "]", value);
        }
        return value;
    }

    /**
     * @param field the field's wire name
     * @param values a collection
     * @param max the largest size accepted
     * @param <C> its type
     * @return the collection, when present and small enough
     */
    public static <C extends Collection<?>> C size(String field, C values, int max) {
        present(field, values);
        if (values.size() > max) {
            throw new InvalidFieldException(field, "at most " + max + " entries", values.size() + " entries");
        }
        for (Object v : values) {
            if (v == null) {
                throw new InvalidFieldException(field, "no empty entries", "a null entry");
            }
        }
        return values;
    }
}
