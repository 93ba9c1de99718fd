package io.smainer.relayer.cluster;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.smainer.chain.ContractAddress;
import io.smainer.chain.Felt;
import io.smainer.escrow.ChainEvent;
import io.smainer.escrow.ContractCall;
import io.smainer.escrow.EscrowRevertedException;
import io.smainer.escrow.Ledger;
import io.smainer.escrow.LedgerTransaction;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.thread.QueuedThreadPool;

/**
 * Serves an in-process {@link Ledger} on loopback HTTP so that a relayer in another process (one a test
 * kills hard) settles on the same chain the test reads: {@code POST /view}, {@code /execute} and
 * {@code /events}, felts as hex. The chain stays here; {@link BridgedEscrow} is its client. Test code.
 */
public final class LedgerBridge implements AutoCloseable {
    private final Ledger ledger;
    private final Server server;
    private final ServerConnector connector;

    private LedgerBridge(Ledger ledger) throws Exception {
        this.ledger = ledger;
        this.server = new Server(new QueuedThreadPool(16, 4));
        this.connector = new ServerConnector(server);
        connector.setHost("127.0.0.1");
        connector.setPort(0);
        server.addConnector(connector);
        server.setHandler(new Handler.Abstract() {
            @Override
            public boolean handle(Request req, Response res, Callback cb) throws Exception {
                String body = Content.Source.asString(req, StandardCharsets.UTF_8);
                JsonObject in = JsonParser.parseString(body).getAsJsonObject();
                JsonObject out = answer(Request.getPathInContext(req), in);
                res.setStatus(200);
                res.getHeaders().put("Content-Type", "application/json");
                res.write(true, ByteBuffer.wrap(out.toString().getBytes(StandardCharsets.UTF_8)), cb);
                return true;
            }
        });
        server.start();
    }

    /**
     * @param ledger the chain to serve
     * @return the running bridge
     * @throws Exception when Jetty cannot start
     */
    public static LedgerBridge serve(Ledger ledger) throws Exception {
        return new LedgerBridge(ledger);
    }

    /** @return {@code http://127.0.0.1:port} */
    public String url() {
        return "http://127.0.0.1:" + connector.getLocalPort();
    }

    private JsonObject answer(String path, JsonObject in) {
        JsonObject out = new JsonObject();
        switch (path) {
            case "/view" -> {
                try {
                    out.add("result", felts(ledger.call(call(in.getAsJsonObject("call")))));
                } catch (EscrowRevertedException e) {
                    out.addProperty("revert", e.reason());
                }
            }
            case "/execute" -> {
                List<ContractCall> calls = new ArrayList<>();
                for (var c : in.getAsJsonArray("calls")) {
                    calls.add(call(c.getAsJsonObject()));
                }
                LedgerTransaction tx = ledger.execute(ContractAddress.parse(in.get("sender").getAsString()), calls,
                        Optional.empty());
                out.addProperty("hash", tx.hash().hex());
                out.addProperty("block", tx.block());
                tx.revertReason().ifPresent(r -> out.addProperty("revert", r));
                out.add("events", events(tx.events()));
            }
            case "/events" -> {
                long from = in.get("from_block").getAsLong();
                int skip = in.get("skip").getAsInt();
                int max = in.get("max").getAsInt();
                out.add("events", events(ledger.events(from, Long.MAX_VALUE, Optional.of(ledger.contract()), List.of(), skip,
                        max)));
            }
            case "/offers" -> out.addProperty("offers", ledger.offers(in.get("entry_point").getAsString()));
            default -> out.addProperty("error", "no route " + path);
        }
        return out;
    }

    static JsonObject callJson(ContractCall c) {
        JsonObject o = new JsonObject();
        o.addProperty("to", c.to().hex());
        o.addProperty("selector", c.selector().hex());
        o.add("calldata", felts(c.calldata()));
        return o;
    }

    static ContractCall call(JsonObject o) {
        return new ContractCall(ContractAddress.parse(o.get("to").getAsString()), Felt.parse(o.get("selector").getAsString()),
                feltList(o.getAsJsonArray("calldata")));
    }

    static JsonArray felts(List<Felt> felts) {
        JsonArray a = new JsonArray();
        felts.forEach(f -> a.add(f.hex()));
        return a;
    }

    static List<Felt> feltList(JsonArray a) {
        List<Felt> out = new ArrayList<>(a.size());
        a.forEach(e -> out.add(Felt.parse(e.getAsString())));
        return out;
    }

    static JsonArray events(List<ChainEvent> events) {
        JsonArray a = new JsonArray();
        for (ChainEvent e : events) {
            JsonObject o = new JsonObject();
            o.addProperty("from", e.from().hex());
            o.add("keys", felts(e.keys()));
            o.add("data", felts(e.data()));
            o.addProperty("block", e.block());
            o.addProperty("index", e.index());
            o.addProperty("tx", e.txHash().hex());
            a.add(o);
        }
        return a;
    }

    static List<ChainEvent> eventList(JsonArray a) {
        List<ChainEvent> out = new ArrayList<>(a.size());
        for (var el : a) {
            JsonObject o = el.getAsJsonObject();
            out.add(new ChainEvent(ContractAddress.parse(o.get("from").getAsString()), feltList(o.getAsJsonArray("keys")),
                    feltList(o.getAsJsonArray("data")), o.get("block").getAsLong(), o.get("index").getAsInt(),
                    Felt.parse(o.get("tx").getAsString())));
        }
        return out;
    }

    @Override
    public void close() throws Exception {
        server.stop();
    }

    @Override
    public String toString() {
        return "LedgerBridge[" + url() + "]";
    }

    /** @return where it listens */
    public InetSocketAddress address() {
        return new InetSocketAddress("127.0.0.1", connector.getLocalPort());
    }
}
