package io.smainer;

/**
 * A value was rejected: names the field, what was expected and what came. Thrown by every validating
 * constructor in the SDK, by the JSON codec, and by the reference apps' request parsing.
 */
public class InvalidFieldException extends SmainerException {
    private static final long serialVersionUID = 1L;

    private final String field;
    private final String expected;
    private final String actual;

    /**
     * @param field the field's name as it appears on the wire or in the API, e.g. {@code "amount"}
     * @param expected what would have been accepted, e.g. {@code "a decimal string of base units"}
     * @param actual what came, shortened when long; never a secret
     */
    public InvalidFieldException(String field, String expected, Object actual) {
        super(field + ": expected " + expected + ", got " + describe(actual));
        this.field = field;
        this.expected = expected;
        this.actual = describe(actual);
    }

    /** @return the rejected field's name */
    public String field() {
        return field;
    }

    /** @return what would have been accepted */
    public String expected() {
        return expected;
    }

    /** @return what came, shortened to at most 80 characters */
    public String actual() {
        return actual;
    }

    /**
     * Returns a copy that names the field inside its parent, e.g. {@code job.kind}.
     *
     * @param parent the enclosing field
     * @return the same failure, with {@code parent.} before the field
     */
    public InvalidFieldException within(String parent) {
        InvalidFieldException e = new InvalidFieldException(parent + "." + field, expected, actual);
        e.setStackTrace(getStackTrace());
        return e;
    }

    private static String describe(Object actual) {
        if (actual == null) {
            return "nothing";
        }
        String s = String.valueOf(actual);
        return s.length() <= 80 ? "'" + s + "'" : "'" + s.substring(0, 77) + "...' (" + s.length() + " chars)";
    }
}
