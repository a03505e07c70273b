package dev.driftwatch.registry;

import dev.driftwatch.core.contract.Topics;
import dev.driftwatch.registry.alert.AlertIntake;
import dev.driftwatch.registry.alert.KafkaAlertConsumer;
import dev.driftwatch.registry.api.AlertApi;
import dev.driftwatch.registry.api.InputSchemaApi;
import dev.driftwatch.registry.api.MlflowApi;
import dev.driftwatch.registry.api.ProfileApi;
import dev.driftwatch.registry.api.RetrainApi;
import dev.driftwatch.registry.api.TokenApi;
import dev.driftwatch.registry.auth.AccessControl;
import dev.driftwatch.registry.auth.RunTokens;
import dev.driftwatch.registry.auth.TokenStore;
import dev.driftwatch.registry.console.Console;
import dev.driftwatch.registry.db.Database;
import dev.driftwatch.registry.model.ModelRegistry;
import dev.driftwatch.registry.notify.NotificationDispatcher;
import dev.driftwatch.registry.notify.NotificationRoutes;
import dev.driftwatch.registry.notify.OutboundAddresses;
import dev.driftwatch.registry.profile.KafkaReferenceProfilePublisher;
import dev.driftwatch.registry.profile.ReferenceProfilePublisher;
import dev.driftwatch.registry.profile.ReferenceProfiles;
import dev.driftwatch.registry.retrain.RetrainSettings;
import dev.driftwatch.registry.retrain.Retraining;
import dev.driftwatch.registry.schema.InputSchemaPublisher;
import dev.driftwatch.registry.schema.InputSchemas;
import dev.driftwatch.registry.schema.KafkaInputSchemaPublisher;
import io.javalin.Javalin;
import io.javalin.config.RoutesConfig;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import javax.sql.DataSource;
import org.jdbi.v3.core.Jdbi;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The running registry service: migrates the database, bootstraps the admin token, wires the
 * services and starts HTTP. This is the class to embed (e.g. from {@code driftwatch up}). The given
 * data source is used through a pool of at most {@value #MAX_DATABASE_CONNECTIONS} connections
 * (HikariCP), closed with the server.
 *
 * <pre>{@code
 * try (RegistryServer server = RegistryServer.start(RegistryConfig.defaults().withPort(0), dataSource)) {
 *     String url = server.url();                               // http://localhost:PORT
 *     Optional<String> admin = server.generatedAdminToken();   // when none was configured
 * }
 * }</pre>
 */
public final class RegistryServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(RegistryServer.class);

    private final Javalin app;
    private final Jdbi jdbi;
    private final String url;
    private final Optional<String> generatedAdminToken;
    private final Retraining retraining;

    /** The most database connections the registry holds at once. */
    public static final int MAX_DATABASE_CONNECTIONS = 10;

    private final List<AutoCloseable> resources;

    private RegistryServer(
            Javalin app,
            Jdbi jdbi,
            String url,
            Optional<String> generatedAdminToken,
            Retraining retraining,
            List<AutoCloseable> resources) {
        this.app = app;
        this.jdbi = jdbi;
        this.url = url;
        this.generatedAdminToken = generatedAdminToken;
        this.retraining = retraining;
        this.resources = resources;
    }

    /** Starts with the real ports: Kafka when configured, the system clock. */
    public static RegistryServer start(RegistryConfig config, DataSource dataSource) {
        ReferenceProfilePublisher publisher =
                config.kafkaBootstrapServers() == null
                        ? ReferenceProfilePublisher.NONE
                        : new KafkaReferenceProfilePublisher(
                                config.kafkaBootstrapServers(), config.profilesTopic());
        return start(config, dataSource, publisher, Clock.systemUTC());
    }

    /**
     * Starts with the given profile publisher and clock (tests pass fakes); no retraining backend.
     */
    public static RegistryServer start(
            RegistryConfig config,
            DataSource dataSource,
            ReferenceProfilePublisher publisher,
            Clock clock) {
        return start(config, dataSource, publisher, clock, RetrainSettings.disabled());
    }

    /**
     * Starts with Kafka when configured and the system clock, and runs retraining as {@code
     * retrain} says (e.g. {@code RetrainSettings.with(new LocalProcessBackend(dir))}).
     */
    public static RegistryServer start(
            RegistryConfig config, DataSource dataSource, RetrainSettings retrain) {
        ReferenceProfilePublisher publisher =
                config.kafkaBootstrapServers() == null
                        ? ReferenceProfilePublisher.NONE
                        : new KafkaReferenceProfilePublisher(
                                config.kafkaBootstrapServers(), config.profilesTopic());
        return start(config, dataSource, publisher, Clock.systemUTC(), retrain);
    }

    /** Starts with the given publisher, clock and retraining settings. */
    public static RegistryServer start(
            RegistryConfig config,
            DataSource dataSource,
            ReferenceProfilePublisher publisher,
            Clock clock,
            RetrainSettings retrain) {
        List<AutoCloseable> resources = new ArrayList<>();
        resources.add(publisher);
        try {
            // a bounded pool: however many requests arrive at once, the database sees at most
            // MAX_DATABASE_CONNECTIONS connections from the registry; the others wait their turn
            com.zaxxer.hikari.HikariConfig pool = new com.zaxxer.hikari.HikariConfig();
            pool.setDataSource(dataSource);
            pool.setPoolName("driftwatch-registry");
            pool.setMaximumPoolSize(MAX_DATABASE_CONNECTIONS);
            pool.setMinimumIdle(1);
            pool.setConnectionTimeout(30_000);
            com.zaxxer.hikari.HikariDataSource pooled =
                    new com.zaxxer.hikari.HikariDataSource(pool);
            resources.add(pooled);
            Jdbi jdbi = Database.migrateAndOpen(pooled);
            TokenStore tokens = new TokenStore(jdbi, clock);
            Optional<String> generated = tokens.bootstrapAdmin(config.adminToken());
            RunTokens runTokens = new RunTokens(jdbi, clock);
            AccessControl access = new AccessControl(tokens, runTokens);
            ReferenceProfiles profiles = new ReferenceProfiles(jdbi, clock, publisher);
            InputSchemaPublisher schemaPublisher = inputSchemaPublisher(config);
            resources.add(schemaPublisher);
            InputSchemas schemas = new InputSchemas(jdbi, clock, schemaPublisher);
            ModelRegistry registry =
                    new ModelRegistry(
                            jdbi,
                            clock,
                            (h, name, alias, version) -> {
                                profiles.aliasMoved(h, name, alias, version);
                                schemas.aliasMoved(h, name, alias, version);
                            });
            PrometheusMeterRegistry meters = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
            OutboundAddresses outbound = OutboundAddresses.allowing(config.outboundAllowList());
            NotificationDispatcher dispatcher =
                    new NotificationDispatcher(
                            jdbi,
                            clock,
                            config.notificationRetryBase(),
                            config.notificationMaxAttempts(),
                            config.slackMinInterval(),
                            outbound);
            resources.add(dispatcher);
            Retraining retraining =
                    new Retraining(jdbi, clock, registry, runTokens, retrain, dispatcher::wakeUp);
            resources.add(retraining);
            AlertIntake intake =
                    new AlertIntake(jdbi, clock, dispatcher::wakeUp, retraining.requests());
            NotificationRoutes notificationRoutes = new NotificationRoutes(jdbi, clock, outbound);

            List<Consumer<RoutesConfig>> routes = new ArrayList<>();
            routes.add(new MlflowApi(registry, access, config.maxBodyBytes())::register);
            routes.add(
                    new ProfileApi(profiles, registry, access, config.maxProfileBytes())::register);
            routes.add(new InputSchemaApi(schemas, access, config.maxBodyBytes())::register);
            routes.add(new TokenApi(tokens, access, config.maxBodyBytes())::register);
            routes.add(
                    new AlertApi(intake, notificationRoutes, jdbi, access, config.maxBodyBytes())
                            ::register);
            routes.add(
                    new RetrainApi(retraining, registry, access, config.maxBodyBytes())::register);
            routes.add(
                    new Console(jdbi, tokens, clock, !Console.loopback(config.host()))::register);

            Javalin app =
                    RegistryApp.create(
                            routes,
                            meters,
                            Math.max(config.maxBodyBytes(), config.maxProfileBytes()),
                            config.metricsToken());
            app.start(config.host(), config.port());
            resources.add(app::stop);
            dispatcher.start();
            if (config.kafkaBootstrapServers() != null) {
                KafkaAlertConsumer consumer =
                        new KafkaAlertConsumer(
                                config.kafkaBootstrapServers(),
                                config.alertsTopic(),
                                config.deadLettersTopic(),
                                intake,
                                meters);
                resources.add(consumer);
                consumer.start();
            }
            String host =
                    config.host().equals("0.0.0.0") || config.host().equals("::")
                            ? "localhost"
                            : config.host();
            String url = "http://" + host + ":" + app.port();
            retraining.start(url);
            LOG.info("registry listening on {}", url);
            return new RegistryServer(app, jdbi, url, generated, retraining, resources);
        } catch (RuntimeException e) {
            closeAll(resources);
            throw e;
        }
    }

    /** Input schemas go to Kafka when it is configured (topic {@link Topics#INPUT_SCHEMAS}). */
    private static InputSchemaPublisher inputSchemaPublisher(RegistryConfig config) {
        return config.kafkaBootstrapServers() == null
                ? InputSchemaPublisher.NONE
                : new KafkaInputSchemaPublisher(
                        config.kafkaBootstrapServers(), Topics.INPUT_SCHEMAS);
    }

    /** The base URL, e.g. {@code http://localhost:8080}. */
    public String url() {
        return url;
    }

    public int port() {
        return app.port();
    }

    /**
     * The admin token generated at this start (no token was configured and none existed); empty
     * otherwise. Show it once; it is stored only as a hash.
     */
    public Optional<String> generatedAdminToken() {
        return generatedAdminToken;
    }

    /** The database handle (for embedding callers and tests). */
    public Jdbi jdbi() {
        return jdbi;
    }

    /** The retraining loop (for embedding callers and tests). */
    public Retraining retraining() {
        return retraining;
    }

    @Override
    public void close() {
        closeAll(resources);
    }

    private static void closeAll(List<AutoCloseable> resources) {
        for (int i = resources.size() - 1; i >= 0; i--) {
            try {
                resources.get(i).close();
            } catch (Exception e) {
                LOG.warn("error while closing {}", resources.get(i).getClass().getSimpleName(), e);
            }
        }
    }
}
