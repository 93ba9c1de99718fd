package io.smainer.protocol;

import io.smainer.InvalidFieldException;

/** A message or body could not be decoded: malformed JSON, an unknown type, a bad field, or too large. */
public class ProtocolException extends InvalidFieldException {
    private static final long serialVersionUID = 1L;

    /**
     * @param field the field to blame ({@code payload} for the whole message)
     * @param expected what would have been accepted
     * @param actual what came
     */
    public ProtocolException(String field, String expected, Object actual) {
        super(field, expected, actual);
    }
}
