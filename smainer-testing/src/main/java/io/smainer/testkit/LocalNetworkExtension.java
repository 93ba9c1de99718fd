package io.smainer.testkit;

import io.smainer.client.SmainerClient;
import io.smainer.escrow.Ledger;
import java.util.function.Supplier;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolutionException;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * A JUnit 5 extension that gives tests a running {@link LocalNetwork}: the in-process ledger, the reference
 * relayer on a free loopback port, the provider nodes and funded demanders its builder names.
 *
 * <p>Registered on a {@code static} field or with {@code @ExtendWith}, one network serves every test of the
 * class (started before the first, closed after the last); on an instance field, each test gets a fresh one. Test and lifecycle methods
 * may take a {@link LocalNetwork}, a {@link Ledger} or a {@link SmainerClient} (the first demander's) as
 * parameters.
 *
 * <pre>{@code
 * class WordCountTest {
 *     @RegisterExtension
 *     static final LocalNetworkExtension NETWORK = LocalNetworkExtension.of(
 *             () -> LocalNetwork.builder().provider(new WordCountHandler()));
 *
 *     @Test
 *     void countsWords(LocalNetwork net) {
 *         Api.TaskResult r = net.run(JobSpec.of("word-count", Map.of(), text), TokenAmount.parseStrk("0.1"));
 *         ...
 *     }
 * }
 * }</pre>
 *
 * <p>With {@code @ExtendWith(LocalNetworkExtension.class)} the network has one demander and one provider
 * selling the standard job kinds. Register one extension per test class: two would both offer the parameters.
 */
public final class LocalNetworkExtension
        implements BeforeAllCallback, AfterAllCallback, BeforeEachCallback, AfterEachCallback, ParameterResolver {
    private final Supplier<LocalNetwork.Builder> recipe;
    private LocalNetwork network;
    private boolean perClass;

    /** The default network: one funded demander, one provider on the standard kinds. */
    public LocalNetworkExtension() {
        this(() -> LocalNetwork.builder().javaProviders(1));
    }

    private LocalNetworkExtension(Supplier<LocalNetwork.Builder> recipe) {
        this.recipe = recipe;
    }

    /**
     * @param recipe makes the builder of each network the extension starts
     * @return the extension
     */
    public static LocalNetworkExtension of(Supplier<LocalNetwork.Builder> recipe) {
        return new LocalNetworkExtension(recipe);
    }

    /**
     * @return the running network
     * @throws IllegalStateException outside a test
     */
    public LocalNetwork network() {
        if (network == null) {
            throw new IllegalStateException("no network runs now: the extension starts one before each test "
                    + "(or before all, on a static field)");
        }
        return network;
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        perClass = true;
        network = recipe.get().build();
    }

    @Override
    public void afterAll(ExtensionContext context) {
        closeNetwork();
    }

    @Override
    public void beforeEach(ExtensionContext context) {
        if (network == null) {
            network = recipe.get().build();
        }
    }

    @Override
    public void afterEach(ExtensionContext context) {
        if (!perClass) {
            closeNetwork();
        }
    }

    private void closeNetwork() {
        if (network != null) {
            network.close();
            network = null;
        }
    }

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        Class<?> type = parameter.getParameter().getType();
        return type == LocalNetwork.class || type == Ledger.class || type == SmainerClient.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        if (network == null) {
            beforeEach(context);
        }
        Class<?> type = parameter.getParameter().getType();
        if (type == LocalNetwork.class) {
            return network;
        }
        if (type == Ledger.class) {
            return network.ledger();
        }
        if (type == SmainerClient.class) {
            return network.demanderClient();
        }
        throw new ParameterResolutionException("cannot give a " + type.getName());
    }
}
