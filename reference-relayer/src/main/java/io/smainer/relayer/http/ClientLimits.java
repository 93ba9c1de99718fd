package io.smainer.relayer.http;

import io.smainer.chain.ContractAddress;
import io.smainer.relayer.RelayerConfig;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * The API's rate limits, by whom they count (429 {@code rate_limited} with {@code Retry-After} past them):
 * <ul>
 *   <li>a request with a valid API key counts against its key ({@code limits.rate_per_second}), wherever it
 *       comes from and whichever demander it names: the operator vouches for its clients;</li>
 *   <li>{@code POST /tasks} without one counts twice: first against its client address
 *       ({@code limits.ip_rate_per_second}) as soon as it arrives, before its body is read, its demander's
 *       account is looked up on the chain or its signature checked, so that naming a new demander in every
 *       request buys no new budget; then against the demander address it names ({@code limits.rate_per_second});</li>
 *   <li>any other request without a key counts against its client address ({@code limits.rate_per_second}).</li>
 * </ul>
 * Thread-safe.
 */
public final class ClientLimits {
    private final RelayerConfig config;
    private final RateLimiter limiter;
    private final Optional<RateLimiter> submitters;
    private final Consumer<String> refused;

    /**
     * @param config the rates
     * @param clock time
     * @param refused told the name of each limit that refuses a request ({@code key}, {@code addr}, {@code ip},
     *     {@code submit_ip}), for a metric
     */
    public ClientLimits(RelayerConfig config, Clock clock, Consumer<String> refused) {
        this.config = config;
        this.limiter = new RateLimiter(config.limits().ratePerSecond(), config.limits().rateBurst(), clock);
        this.submitters = config.limits().ipRatePerSecond() == 0 ? Optional.empty()
                : Optional.of(new RateLimiter(config.limits().ipRatePerSecond(), config.limits().ipRateBurst(), clock));
        this.refused = refused;
    }

    /**
     * Any request but {@code POST /tasks}.
     *
     * @param client the API client, if the request carried a valid key
     * @param address the client address ({@link ClientAddresses})
     * @throws HttpFailure past the limit ({@link HttpFailure.Kind#RATE_LIMITED})
     */
    public void request(Optional<String> client, String address) {
        limit(client.map(c -> "key:" + c).orElseGet(() -> "ip:" + address));
    }

    /**
     * A {@code POST /tasks} as it arrives, before anything is read: counted per client address unless it
     * carries a valid API key (or {@code limits.ip_rate_per_second} is 0).
     *
     * @param client the API client, if the request carried a valid key
     * @param address the client address ({@link ClientAddresses})
     * @throws HttpFailure past the limit ({@link HttpFailure.Kind#RATE_LIMITED})
     */
    public void submitArrived(Optional<String> client, String address) {
        if (client.isPresent() || submitters.isEmpty()) {
            return;
        }
        Optional<Duration> wait = submitters.get().acquire(address);
        if (wait.isPresent()) {
            refused.accept("submit_ip");
            throw HttpFailure.rateLimited("more than " + config.limits().ipRatePerSecond() + " task submissions a second "
                    + "(burst " + config.limits().ipRateBurst() + ") from client address " + address + " without an API key "
                    + "(limits.ip_rate_per_second, limits.ip_rate_burst)", wait.get());
        }
    }

    /**
     * A {@code POST /tasks} once its demander is known: counted per API client, else per demander address.
     *
     * @param client the API client, if the request carried a valid key
     * @param demander the demander the request names
     * @throws HttpFailure past the limit ({@link HttpFailure.Kind#RATE_LIMITED})
     */
    public void submitFor(Optional<String> client, ContractAddress demander) {
        limit(client.map(c -> "key:" + c).orElseGet(() -> "addr:" + demander.hex()));
    }

    private void limit(String key) {
        Optional<Duration> wait = limiter.acquire(key);
        if (wait.isPresent()) {
            String kind = key.substring(0, key.indexOf(':'));
            refused.accept(kind);
            throw HttpFailure.rateLimited("more than " + config.limits().ratePerSecond() + " requests a second (burst "
                    + config.limits().rateBurst() + ") for " + kind, wait.get());
        }
    }
}
