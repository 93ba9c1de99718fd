package io.smainer.relayer.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.google.gson.JsonPrimitive;
import io.smainer.chain.ChainId;
import io.smainer.chain.TokenAmount;
import io.smainer.client.SmainerClient;
import io.smainer.escrow.CreatedTask;
import io.smainer.fee.Tier;
import io.smainer.protocol.JobSpec;
import java.io.IOException;
import java.io.InputStream;
import java.math.BigInteger;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * {@code docs/openapi.yaml} checked against a live relayer: every documented operation answers a documented status
 * with a body its schema accepts; every other method on a documented path is 405 with the documented methods in
 * {@code Allow}; 401 carries {@code WWW-Authenticate}; every operation documents the 429 every route gives past a rate
 * limit; the {@code X-Api-Key} header is a documented scheme; node ids in every form the spec allows are found.
 */
class OpenApiContractIT {
    private static final String OPERATOR_KEY = "operator-key-0123456789";
    private static final List<String> METHODS = List.of("get", "post", "put", "delete", "patch");

    private final HttpClient http = HttpClient.newHttpClient();
    private final Map<String, Object> spec = load();
    @RegisterExtension
    final LocalNetwork.Scope networks = new LocalNetwork.Scope();
    private LocalNetwork net;

    @SuppressWarnings("unchecked")
    private static Map<String, Object> load() {
        Path file = Path.of("..", "docs", "openapi.yaml");
        try (InputStream in = Files.newInputStream(file)) {
            return (Map<String, Object>) new Yaml(new SafeConstructor(new LoaderOptions())).load(in);
        } catch (IOException e) {
            throw new AssertionError("cannot read " + file.toAbsolutePath(), e);
        }
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(Object o) {
        return o == null ? Map.of() : (Map<String, Object>) o;
    }

    private Map<String, Object> paths() {
        return map(spec.get("paths"));
    }

    private HttpResponse<String> send(String method, String path, String body, Map<String, String> headers)
            throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(net.relayer.uri().resolve(URI.create("/api/v1" + path)))
                .method(method.toUpperCase(Locale.ROOT), body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body));
        headers.forEach(b::header);
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void everyDocumentedOperationAnswersAsDocumented() throws Exception {
        net = networks.start(Map.of("operator_clients", "ops", "api_keys", "ops:" + OPERATOR_KEY));
        TestProvider p = net.online(1, LocalNetwork.caps(2), TestProvider.Behaviour.HONEST);
        SmainerClient client = SmainerClient.builder().relayer(net.relayer.uri()).escrow(net.demander)
                .keyPair(net.demanderKey).chainId(ChainId.LOCAL).apiKey(OPERATOR_KEY).build();
        JobSpec job = JobSpec.of("echo", Map.of(), "contract".getBytes(StandardCharsets.UTF_8));
        CreatedTask funded = client.createEscrow(TokenAmount.parseStrk("0.2"), Tier.BASIC, job);
        String taskId = client.submit(funded.escrowId(), job).taskId();
        client.awaitResult(taskId, Duration.ofSeconds(20));
        String nodeId = p.address.hex();
        Map<String, String> operator = Map.of("Authorization", "Bearer " + OPERATOR_KEY);

        List<String> checked = new ArrayList<>();
        for (Map.Entry<String, Object> path : paths().entrySet()) {
            Map<String, Object> ops = map(path.getValue());
            String concrete = path.getKey().replace("/tasks/{id}", "/tasks/" + taskId).replace("{id}", nodeId);
            for (String method : ops.keySet()) {
                if (method.equals("post")) {
                    continue; // POST /tasks is answered by the SDK's submit above, and its refusals below
                }
                HttpResponse<String> res = send(method, concrete + query(ops.get(method)), null, operator);
                conforms(path.getKey(), method, res);
                checked.add(method.toUpperCase(Locale.ROOT) + " " + path.getKey() + " " + res.statusCode());
                assertThat(res.statusCode()).as(method + " " + concrete).isBetween(200, 299);
            }
            // every other method: 405, Allow naming what the spec documents (HEAD wherever GET)
            Set<String> documented = new TreeSet<>();
            ops.keySet().forEach(m -> documented.add(m.toUpperCase(Locale.ROOT)));
            if (documented.contains("GET")) {
                documented.add("HEAD");
            }
            for (String other : METHODS) {
                if (ops.containsKey(other) || other.equals("head")) {
                    continue;
                }
                HttpResponse<String> res = send(other, concrete, other.equals("get") ? null : "{}", operator);
                assertThat(res.statusCode()).as(other + " " + concrete).isEqualTo(405);
                assertThat(new TreeSet<>(Arrays.asList(res.headers().firstValue("Allow").orElse("").split(",\\s*"))))
                        .as("Allow on " + other + " " + concrete).isEqualTo(documented);
                assertValid("ErrorBody", JsonParser.parseString(res.body()), other + " " + concrete);
            }
        }
        System.out.println("OpenAPI operations checked against the live relayer: " + checked);

        // refusals, each documented for its operation, each body an ErrorBody
        HttpResponse<String> noKey = send("post", "/tasks", "{}", Map.of("Content-Type", "application/json"));
        conforms("/tasks", "post", noKey);
        assertThat(noKey.statusCode()).isEqualTo(401);
        assertThat(noKey.headers().firstValue("WWW-Authenticate")).hasValueSatisfying(v -> assertThat(v)
                .startsWith("Bearer "));
        HttpResponse<String> list = send("get", "/tasks", null, Map.of());
        conforms("/tasks", "get", list);
        assertThat(list.statusCode()).isEqualTo(401);
        HttpResponse<String> viaHeader = send("get", "/tasks", null, Map.of("X-Api-Key", OPERATOR_KEY));
        assertThat(viaHeader.statusCode()).as("the X-Api-Key header").isEqualTo(200);
        assertThat(map(map(spec.get("components")).get("securitySchemes")).values()).as("X-Api-Key is documented")
                .anySatisfy(s -> assertThat(map(s)).containsEntry("in", "header").containsEntry("name", "X-Api-Key"));
        conforms("/tasks/{id}", "get", send("get", "/tasks/no-such-task", null, operator));
        conforms("/nodes/{id}", "get", send("get", "/nodes/0x7", null, operator));

        // node ids: every form the spec's pattern allows finds the node
        Pattern idPattern = Pattern.compile((String) map(parameter("/nodes/{id}", "id").get("schema")).get("pattern"));
        String digits = nodeId.substring(2).replaceFirst("^0+", "");
        for (String form : List.of(nodeId, "0x" + digits, "0x" + digits.toUpperCase(Locale.ROOT),
                new BigInteger(digits, 16).toString())) {
            assertThat(form).as("the spec's node id pattern").matches(idPattern);
            HttpResponse<String> res = send("get", "/nodes/" + form, null, Map.of());
            assertThat(res.statusCode()).as("GET /nodes/" + form).isEqualTo(200);
            assertThat(JsonParser.parseString(res.body()).getAsJsonObject().get("node_id").getAsString()).isEqualTo(nodeId);
        }
    }

    @Test
    void everyOperationDocumentsThe429EveryRouteGivesPastItsLimit() throws Exception {
        net = networks.start(Map.of("limits.rate_per_second", "1", "limits.rate_burst", "1"));
        send("get", "/health", null, Map.of()); // the one request the bucket holds
        for (Map.Entry<String, Object> path : paths().entrySet()) {
            for (String method : map(path.getValue()).keySet()) {
                if (method.equals("post")) {
                    continue; // POST /tasks is limited per demander once its body is read (documented there too)
                }
                String concrete = path.getKey().replace("{id}", "0x1");
                HttpResponse<String> res = send(method, concrete, null, Map.of());
                for (int i = 0; i < 5 && res.statusCode() != 429; i++) { // the bucket refills one a second
                    res = send(method, concrete, null, Map.of());
                }
                assertThat(res.statusCode()).as(method + " " + concrete).isEqualTo(429);
                assertThat(res.headers().firstValue("Retry-After")).as("Retry-After").isPresent();
                conforms(path.getKey(), method, res);
            }
        }
    }

    /** The required query parameters, each with the spec's example value. */
    private static String query(Object operation) {
        StringBuilder q = new StringBuilder();
        for (Object p : (List<?>) map(operation).getOrDefault("parameters", List.of())) {
            Map<String, Object> param = map(p);
            if ("query".equals(param.get("in")) && Boolean.TRUE.equals(param.get("required"))) {
                assertThat(param).as("a required query parameter has an example").containsKey("example");
                q.append(q.length() == 0 ? '?' : '&').append(param.get("name")).append('=').append(param.get("example"));
            }
        }
        return q.toString();
    }

    private Map<String, Object> parameter(String path, String name) {
        for (Object p : (List<?>) map(map(paths().get(path)).get("get")).get("parameters")) {
            if (name.equals(map(p).get("name"))) {
                return map(p);
            }
        }
        throw new AssertionError("no parameter " + name + " on " + path);
    }

    /** The status is documented for the operation, and a JSON body matches the schema documented for it. */
    private void conforms(String path, String method, HttpResponse<String> res) {
        Map<String, Object> responses = map(map(map(paths().get(path)).get(method)).get("responses"));
        String status = Integer.toString(res.statusCode());
        assertThat(responses).as(method.toUpperCase(Locale.ROOT) + " " + path + " documents " + status
                + " (answered: " + res.body() + ")").containsKey(status);
        Map<String, Object> response = resolve(map(responses.get(status)));
        Map<String, Object> content = map(response.get("content"));
        if (method.equals("head") || content.isEmpty()) {
            return;
        }
        String type = res.headers().firstValue("Content-Type").orElse("").split(";")[0].trim();
        assertThat(content).as("content type of " + method + " " + path + " " + status).containsKey(type);
        if (type.equals("application/json")) {
            List<String> errors = new ArrayList<>();
            validate(map(map(content.get(type)).get("schema")), JsonParser.parseString(res.body()), "$", errors);
            assertThat(errors).as(method + " " + path + " " + status + ": " + res.body()).isEmpty();
        }
    }

    private void assertValid(String schema, JsonElement body, String what) {
        List<String> errors = new ArrayList<>();
        validate(Map.of("$ref", "#/components/schemas/" + schema), body, "$", errors);
        assertThat(errors).as(what).isEmpty();
    }

    private Map<String, Object> resolve(Map<String, Object> node) {
        Object ref = node.get("$ref");
        if (ref == null) {
            return node;
        }
        Object at = spec;
        for (String part : ((String) ref).substring(2).split("/")) {
            at = map(at).get(part);
        }
        assertThat(at).as("$ref " + ref).isNotNull();
        return resolve(map(at));
    }

    /** The part of JSON Schema (OpenAPI 3.0's dialect) that the spec uses. */
    private void validate(Map<String, Object> schemaOrRef, JsonElement value, String where, List<String> errors) {
        Map<String, Object> schema = resolve(schemaOrRef);
        if (schema.containsKey("oneOf")) {
            int matched = 0;
            for (Object alternative : (List<?>) schema.get("oneOf")) {
                List<String> inner = new ArrayList<>();
                validate(map(alternative), value, where, inner);
                matched += inner.isEmpty() ? 1 : 0;
            }
            if (matched == 0) {
                errors.add(where + ": matches none of oneOf");
            }
            return;
        }
        if (value.isJsonNull()) {
            if (!Boolean.TRUE.equals(schema.get("nullable"))) {
                errors.add(where + ": null");
            }
            return;
        }
        String type = (String) schema.get("type");
        if (type == null && schema.containsKey("properties")) {
            type = "object";
        }
        if (type != null && !hasType(type, value)) {
            errors.add(where + ": expected " + type + ", got " + value);
            return;
        }
        if (schema.containsKey("enum") && !((List<?>) schema.get("enum")).stream().map(String::valueOf)
                .toList().contains(value.isJsonPrimitive() ? value.getAsString() : value.toString())) {
            errors.add(where + ": " + value + " not in " + schema.get("enum"));
        }
        if (schema.containsKey("pattern") && value.isJsonPrimitive()
                && !Pattern.compile((String) schema.get("pattern")).matcher(value.getAsString()).find()) {
            errors.add(where + ": " + value + " does not match " + schema.get("pattern"));
        }
        if (value.isJsonObject()) {
            JsonObject o = value.getAsJsonObject();
            for (Object required : (List<?>) schema.getOrDefault("required", List.of())) {
                if (!o.has((String) required)) {
                    errors.add(where + ": no required field " + required);
                }
            }
            Map<String, Object> properties = map(schema.get("properties"));
            for (Map.Entry<String, JsonElement> field : o.entrySet()) {
                if (properties.containsKey(field.getKey())) {
                    validate(map(properties.get(field.getKey())), field.getValue(), where + "." + field.getKey(), errors);
                }
            }
        }
        if (value.isJsonArray() && schema.containsKey("items")) {
            int i = 0;
            for (JsonElement item : value.getAsJsonArray()) {
                validate(map(schema.get("items")), item, where + "[" + i++ + "]", errors);
            }
        }
    }

    private static boolean hasType(String type, JsonElement v) {
        return switch (type) {
            case "object" -> v.isJsonObject();
            case "array" -> v.isJsonArray();
            case "string" -> v.isJsonPrimitive() && v.getAsJsonPrimitive().isString();
            case "boolean" -> v.isJsonPrimitive() && v.getAsJsonPrimitive().isBoolean();
            case "integer" -> isNumber(v) && v.getAsBigDecimal().stripTrailingZeros().scale() <= 0;
            case "number" -> isNumber(v);
            default -> false;
        };
    }

    private static boolean isNumber(JsonElement v) {
        return v.isJsonPrimitive() && ((JsonPrimitive) v).isNumber();
    }
}
