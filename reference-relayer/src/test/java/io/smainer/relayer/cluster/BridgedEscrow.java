package io.smainer.relayer.cluster;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.smainer.chain.ContractAddress;
import io.smainer.chain.Felt;
import io.smainer.escrow.ChainEvent;
import io.smainer.escrow.ChainException;
import io.smainer.escrow.ContractCall;
import io.smainer.escrow.EscrowRevertedException;
import io.smainer.escrow.EventCursor;
import io.smainer.escrow.EventPage;
import io.smainer.escrow.TxResult;
import io.smainer.escrow.internal.CallEscrow;
import io.smainer.escrow.internal.EscrowEvents;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;

/**
 * The {@link io.smainer.escrow.Escrow} of a relayer in another process than the chain: every view and
 * transaction goes to a {@link LedgerBridge} over loopback HTTP. Test code.
 */
public final class BridgedEscrow extends CallEscrow {
    private final URI base;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    /**
     * @param bridge the bridge's URL
     * @param caller the account this client acts for
     * @param contract the escrow contract
     * @param token the token
     */
    public BridgedEscrow(String bridge, ContractAddress caller, ContractAddress contract, ContractAddress token) {
        super(caller, contract, token);
        this.base = URI.create(bridge);
    }

    private JsonObject post(String path, JsonObject body) {
        try {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(base.resolve(path)).timeout(Duration.ofSeconds(30))
                    .POST(HttpRequest.BodyPublishers.ofString(body.toString())).build(), HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() != 200) {
                throw new ChainException(0, "ledger bridge answered " + r.statusCode() + " to " + path, null);
            }
            return JsonParser.parseString(r.body()).getAsJsonObject();
        } catch (IOException e) {
            throw new ChainException(0, "ledger bridge unreachable: " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ChainException(0, "interrupted", e);
        }
    }

    @Override
    public boolean offers(String entryPoint) {
        JsonObject in = new JsonObject();
        in.addProperty("entry_point", entryPoint);
        return post("/offers", in).get("offers").getAsBoolean();
    }

    @Override
    protected List<Felt> view(ContractCall call) {
        JsonObject in = new JsonObject();
        in.add("call", LedgerBridge.callJson(call));
        JsonObject out = post("/view", in);
        if (out.has("revert")) {
            throw new EscrowRevertedException(out.get("revert").getAsString(), "call " + call.selector().hex());
        }
        return LedgerBridge.feltList(out.getAsJsonArray("result"));
    }

    @Override
    protected Invoked invoke(List<ContractCall> calls, String context) {
        JsonObject in = new JsonObject();
        in.addProperty("sender", caller().hex());
        JsonArray a = new JsonArray();
        calls.forEach(c -> a.add(LedgerBridge.callJson(c)));
        in.add("calls", a);
        JsonObject out = post("/execute", in);
        if (out.has("revert")) {
            throw new EscrowRevertedException(out.get("revert").getAsString(), context);
        }
        return new Invoked(new TxResult(Felt.parse(out.get("hash").getAsString()), out.get("block").getAsLong()),
                LedgerBridge.eventList(out.getAsJsonArray("events")));
    }

    @Override
    public EventPage events(EventCursor after, int max) {
        return EscrowEvents.page(after, max, new Iterator<>() {
            private static final int CHUNK = 256;
            private List<ChainEvent> buffer = List.of();
            private int at;
            private int skip;
            private boolean done;

            @Override
            public boolean hasNext() {
                if (at < buffer.size()) {
                    return true;
                }
                if (done) {
                    return false;
                }
                JsonObject in = new JsonObject();
                in.addProperty("from_block", after.block());
                in.addProperty("skip", skip);
                in.addProperty("max", CHUNK);
                buffer = LedgerBridge.eventList(post("/events", in).getAsJsonArray("events"));
                skip += buffer.size();
                at = 0;
                done = buffer.size() < CHUNK;
                return !buffer.isEmpty();
            }

            @Override
            public ChainEvent next() {
                if (!hasNext()) {
                    throw new NoSuchElementException();
                }
                return buffer.get(at++);
            }
        });
    }

    @Override
    public void close() {
        // nothing held
    }
}
