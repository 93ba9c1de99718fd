package io.smainer.provider.internal;

import io.smainer.InvalidFieldException;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;

/** Turns what an operator types for a relayer into its WebSocket address. Not API. */
public final class RelayerUris {
    /** The path of the provider WebSocket on a relayer. */
    public static final String WS_PATH = "/api/v1/ws";

    private RelayerUris() {
    }

    /**
     * Accepts {@code ws://}, {@code wss://}, {@code http://} and {@code https://} addresses; an address
     * without a path gets {@value #WS_PATH}.
     *
     * @param field the setting's name, for the error
     * @param text the address
     * @return the WebSocket address
     * @throws InvalidFieldException naming the field and the address when it is not one
     */
    public static URI webSocketUri(String field, String text) {
        String expected = "a relayer address such as ws://host:8000" + WS_PATH + " or http://host:8000";
        if (text == null || text.isBlank()) {
            throw new InvalidFieldException(field, expected, text);
        }
        URI uri;
        try {
            uri = new URI(text.trim());
        } catch (URISyntaxException e) {
            throw new InvalidFieldException(field, expected, text);
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        String wsScheme = switch (scheme) {
            case "ws", "http" -> "ws";
            case "wss", "https" -> "wss";
            default -> throw new InvalidFieldException(field, expected, text);
        };
        if (uri.getHost() == null || uri.getHost().isBlank()) {
            throw new InvalidFieldException(field, expected + " (the host is missing)", text);
        }
        String path = uri.getRawPath() == null || uri.getRawPath().isEmpty() || uri.getRawPath().equals("/")
                ? WS_PATH : uri.getRawPath();
        try {
            return new URI(wsScheme, null, uri.getHost(), uri.getPort(), path, null, null);
        } catch (URISyntaxException e) {
            throw new InvalidFieldException(field, expected, text);
        }
    }
}
