package io.smainer.escrow;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.smainer.chain.Felt;
import io.smainer.escrow.internal.Abi;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * A contract ABI in Cairo's JSON format (as {@code contracts/*.abi.json} hold), reduced to what calldata
 * needs: each function's selector and how many felts its inputs and outputs take, each event's selector
 * and how many key and data felts it carries. A {@code u256} is two felts, a tuple the sum of its parts,
 * every other type used here one.
 */
public final class ContractAbi {
    /** A function of the ABI. */
    public record Function(String name, Felt selector, int inputFelts, int outputFelts, boolean view) {
    }

    /** An event of the ABI: keys include the selector. */
    public record Event(String name, Felt selector, int keyFelts, int dataFelts) {
    }

    private final Map<Felt, Function> functions = new LinkedHashMap<>();
    private final Map<Felt, Event> events = new LinkedHashMap<>();
    private JsonArray entries = new JsonArray();

    private ContractAbi() {
    }

    /**
     * @param file an ABI JSON file
     * @return the ABI
     */
    public static ContractAbi load(Path file) {
        try {
            ContractAbi abi = new ContractAbi();
            abi.entries = JsonParser.parseString(Files.readString(file, StandardCharsets.UTF_8)).getAsJsonArray();
            abi.read(abi.entries);
            return abi;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * @param name a file in the repository's {@code contracts/} folder
     * @return the ABI, found from the module's or the repository's directory
     */
    public static ContractAbi repositoryFile(String name) {
        return load(repositoryPath(name));
    }

    /**
     * @param name a file in the repository's {@code contracts/} folder
     * @return its path, found from the module's or the repository's directory
     */
    public static Path repositoryPath(String name) {
        for (Path dir : List.of(Path.of("contracts"), Path.of("..", "contracts"))) {
            if (Files.isRegularFile(dir.resolve(name))) {
                return dir.resolve(name);
            }
        }
        throw new IllegalStateException("contracts/" + name + " not found from " + Path.of("").toAbsolutePath());
    }

    private void read(Iterable<JsonElement> entries) {
        for (JsonElement e : entries) {
            JsonObject o = e.getAsJsonObject();
            switch (o.get("type").getAsString()) {
                case "interface" -> read(o.getAsJsonArray("items"));
                case "function" -> {
                    String name = o.get("name").getAsString();
                    int in = 0;
                    for (JsonElement i : o.getAsJsonArray("inputs")) {
                        in += felts(i.getAsJsonObject().get("type").getAsString());
                    }
                    int out = 0;
                    for (JsonElement i : o.getAsJsonArray("outputs")) {
                        out += felts(i.getAsJsonObject().get("type").getAsString());
                    }
                    functions.put(Abi.selector(name), new Function(name, Abi.selector(name), in, out,
                            "view".equals(o.get("state_mutability").getAsString())));
                }
                case "event" -> {
                    if ("struct".equals(o.get("kind").getAsString())) {
                        String full = o.get("name").getAsString();
                        String name = full.substring(full.lastIndexOf(':') + 1);
                        int keys = 1;
                        int data = 0;
                        for (JsonElement m : o.getAsJsonArray("members")) {
                            int n = felts(m.getAsJsonObject().get("type").getAsString());
                            if ("key".equals(m.getAsJsonObject().get("kind").getAsString())) {
                                keys += n;
                            } else {
                                data += n;
                            }
                        }
                        events.put(Abi.selector(name), new Event(name, Abi.selector(name), keys, data));
                    }
                }
                default -> {
                    // impl, struct, enum, constructor: not needed for calldata sizes
                }
            }
        }
    }

    static int felts(String type) {
        if (type.startsWith("(") && type.endsWith(")")) {
            String inner = type.substring(1, type.length() - 1).trim();
            if (inner.isEmpty()) {
                return 0;
            }
            int sum = 0;
            for (String part : inner.split(",")) {
                sum += felts(part.trim());
            }
            return sum;
        }
        return type.equals("core::integer::u256") ? 2 : 1;
    }

    /**
     * Checks the ABI's shape as a compiled Sierra class serves it: every impl names a declared interface and
     * every function sits in an interface an impl embeds; every struct and enum type a function or event
     * uses is declared (or a core scalar); the contract's top-level {@code Event} enum (the last event
     * entry) reaches every event struct through its variants, {@code nested} or {@code flat}, each variant
     * naming a declared event; and no two event structs share a name (their selector).
     *
     * @return what is wrong, empty when nothing
     */
    public List<String> shapeProblems() {
        List<String> problems = new ArrayList<>();
        Map<String, JsonObject> interfaces = new LinkedHashMap<>();
        Map<String, JsonObject> eventEntries = new LinkedHashMap<>();
        Set<String> types = new HashSet<>(List.of("core::felt252", "core::integer::u8", "core::integer::u16",
                "core::integer::u32", "core::integer::u64", "core::integer::u128",
                "core::starknet::contract_address::ContractAddress", "core::starknet::class_hash::ClassHash"));
        List<String> embedded = new ArrayList<>();
        String topEvent = null;
        for (JsonElement e : entries) {
            JsonObject o = e.getAsJsonObject();
            String name = o.has("name") ? o.get("name").getAsString() : "";
            switch (o.get("type").getAsString()) {
                case "impl" -> embedded.add(o.get("interface_name").getAsString());
                case "interface" -> interfaces.put(name, o);
                case "struct", "enum" -> types.add(name);
                case "event" -> {
                    eventEntries.put(name, o);
                    topEvent = name;
                }
                case "function" -> problems.add("function " + name + " outside any interface");
                default -> {
                    // constructor, l1_handler
                }
            }
        }
        for (String i : embedded) {
            if (!interfaces.containsKey(i)) {
                problems.add("impl of undeclared interface " + i);
            }
        }
        for (Map.Entry<String, JsonObject> i : interfaces.entrySet()) {
            if (!embedded.contains(i.getKey())) {
                problems.add("interface " + i.getKey() + " embedded by no impl");
            }
            for (JsonElement f : i.getValue().getAsJsonArray("items")) {
                JsonObject fn = f.getAsJsonObject();
                for (String part : List.of("inputs", "outputs")) {
                    for (JsonElement arg : fn.getAsJsonArray(part)) {
                        checkType(arg.getAsJsonObject().get("type").getAsString(), types, fn.get("name").getAsString(),
                                problems);
                    }
                }
            }
        }
        if (topEvent == null || !"enum".equals(eventEntries.get(topEvent).get("kind").getAsString())) {
            problems.add("the last event entry is not the contract's Event enum");
            return problems;
        }
        Set<String> reached = new HashSet<>();
        Deque<String> todo = new ArrayDeque<>(List.of(topEvent));
        while (!todo.isEmpty()) {
            String name = todo.pop();
            if (!reached.add(name)) {
                continue;
            }
            JsonObject ev = eventEntries.get(name);
            if (ev == null) {
                problems.add("event variant type " + name + " is not declared");
                continue;
            }
            if ("enum".equals(ev.get("kind").getAsString())) {
                for (JsonElement v : ev.getAsJsonArray("variants")) {
                    JsonObject variant = v.getAsJsonObject();
                    String kind = variant.get("kind").getAsString();
                    if (!kind.equals("nested") && !kind.equals("flat")) {
                        problems.add(name + "." + variant.get("name").getAsString() + " has kind " + kind);
                    }
                    todo.push(variant.get("type").getAsString());
                }
            } else {
                for (JsonElement m : ev.getAsJsonArray("members")) {
                    JsonObject member = m.getAsJsonObject();
                    String kind = member.get("kind").getAsString();
                    if (!kind.equals("key") && !kind.equals("data")) {
                        problems.add(name + "." + member.get("name").getAsString() + " has kind " + kind);
                    }
                    checkType(member.get("type").getAsString(), types, name, problems);
                }
            }
        }
        Set<String> shortNames = new HashSet<>();
        for (Map.Entry<String, JsonObject> e : eventEntries.entrySet()) {
            if (!reached.contains(e.getKey())) {
                problems.add("event " + e.getKey() + " is listed in no Event enum");
            }
            if ("struct".equals(e.getValue().get("kind").getAsString())
                    && !shortNames.add(e.getKey().substring(e.getKey().lastIndexOf(':') + 1))) {
                problems.add("two events named " + e.getKey().substring(e.getKey().lastIndexOf(':') + 1));
            }
        }
        return problems;
    }

    private static void checkType(String type, Set<String> declared, String where, List<String> problems) {
        if (type.startsWith("(") && type.endsWith(")")) {
            for (String part : type.substring(1, type.length() - 1).split(",")) {
                if (!part.isBlank()) {
                    checkType(part.trim(), declared, where, problems);
                }
            }
        } else if (!declared.contains(type)) {
            problems.add(where + " uses undeclared type " + type);
        }
    }

    /** @return the interfaces' functions and their mutability ({@code view} or {@code external}), by name */
    public Map<String, String> functionMutability() {
        Map<String, String> out = new LinkedHashMap<>();
        functions.values().forEach(f -> out.put(f.name(), f.view() ? "view" : "external"));
        return out;
    }

    /** @return the functions, by selector */
    public Map<Felt, Function> functions() {
        return functions;
    }

    /** @return the events, by selector */
    public Map<Felt, Event> events() {
        return events;
    }

    /**
     * @param name a function name
     * @return it, when the ABI has it
     */
    public Optional<Function> function(String name) {
        return Optional.ofNullable(functions.get(Abi.selector(name)));
    }

    /**
     * @param call a call to this contract
     * @return what is wrong with its selector or its calldata length, empty when nothing
     */
    public Optional<String> check(ContractCall call) {
        Function f = functions.get(call.selector());
        if (f == null) {
            return Optional.of("selector " + call.selector().hex() + " is in no function of the ABI");
        }
        if (f.inputFelts() != call.calldata().size()) {
            return Optional.of(f.name() + " takes " + f.inputFelts() + " felts, the call has " + call.calldata().size());
        }
        return Optional.empty();
    }

    /**
     * @param e an event of this contract
     * @return what is wrong with its layout, empty when nothing
     */
    public Optional<String> check(ChainEvent e) {
        Event ev = events.get(e.keys().get(0));
        if (ev == null) {
            return Optional.of("event key " + e.keys().get(0).hex() + " is in no event of the ABI");
        }
        if (ev.keyFelts() != e.keys().size() || ev.dataFelts() != e.data().size()) {
            return Optional.of(ev.name() + " has " + ev.keyFelts() + " keys and " + ev.dataFelts() + " data felts, the event "
                    + e.keys().size() + " and " + e.data().size());
        }
        return Optional.empty();
    }

    /** @return the names of the functions, in ABI order */
    public List<String> functionNames() {
        List<String> names = new ArrayList<>();
        functions.values().forEach(f -> names.add(f.name()));
        return names;
    }
}
