package io.smainer.relayer.staking;

import io.smainer.chain.Felt;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * Serves the staking policy's evidence at {@code GET /api/v1/evidence/<reason_hash>}: the JSON whose SHA-256
 * (mod P) is the hash, so anyone can check it against the slash's {@code reason_hash} on chain. Public, like the
 * chain. Any other path is left to the next handler.
 */
public final class EvidenceHandler extends Handler.Abstract {
    /** The path prefix. */
    public static final String PREFIX = "/api/v1/evidence/";

    private final StakingPolicy policy;

    /** @param policy where the evidence is kept */
    public EvidenceHandler(StakingPolicy policy) {
        this.policy = policy;
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) {
        String path = Request.getPathInContext(request);
        if (!path.startsWith(PREFIX) || !request.getMethod().equals("GET")) {
            return false;
        }
        String id = path.substring(PREFIX.length());
        Optional<byte[]> body = Optional.empty();
        if (id.matches("0x[0-9a-fA-F]{1,64}")) {
            try {
                body = policy.evidence(Felt.parse(id));
            } catch (RuntimeException e) {
                body = Optional.empty(); // not a felt: nothing kept under it
            }
        }
        byte[] out = body.orElseGet(() -> ("{\"error\":{\"code\":\"not_found\",\"message\":\"reason_hash: expected the hash "
                + "of evidence this relayer kept, got " + (id.length() > 80 ? id.substring(0, 80) : id).replaceAll("[^0-9a-zA-Zx]", "?")
                + "\",\"field\":\"reason_hash\"}}").getBytes(StandardCharsets.UTF_8));
        response.setStatus(body.isPresent() ? 200 : 404);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json");
        response.getHeaders().put("X-Content-Type-Options", "nosniff");
        response.getHeaders().put(HttpHeader.CONTENT_LENGTH, out.length);
        response.write(true, ByteBuffer.wrap(out), callback);
        return true;
    }
}
