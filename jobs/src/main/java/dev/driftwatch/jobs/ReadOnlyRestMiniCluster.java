package dev.driftwatch.jobs;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;
import java.util.stream.Stream;
import org.apache.flink.api.java.tuple.Tuple2;
import org.apache.flink.client.deployment.executors.LocalExecutor;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.execution.PipelineExecutor;
import org.apache.flink.core.execution.PipelineExecutorFactory;
import org.apache.flink.core.execution.PipelineExecutorServiceLoader;
import org.apache.flink.runtime.blob.TransientBlobService;
import org.apache.flink.runtime.dispatcher.DispatcherGateway;
import org.apache.flink.runtime.dispatcher.DispatcherRestEndpoint;
import org.apache.flink.runtime.dispatcher.SessionDispatcherFactory;
import org.apache.flink.runtime.dispatcher.runner.DefaultDispatcherRunnerFactory;
import org.apache.flink.runtime.entrypoint.component.DefaultDispatcherResourceManagerComponentFactory;
import org.apache.flink.runtime.entrypoint.component.DispatcherResourceManagerComponentFactory;
import org.apache.flink.runtime.leaderelection.LeaderElection;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.runtime.minicluster.MiniClusterConfiguration;
import org.apache.flink.runtime.resourcemanager.ResourceManagerGateway;
import org.apache.flink.runtime.resourcemanager.StandaloneResourceManagerFactory;
import org.apache.flink.runtime.rest.HttpMethodWrapper;
import org.apache.flink.runtime.rest.RestEndpointFactory;
import org.apache.flink.runtime.rest.handler.RestHandlerConfiguration;
import org.apache.flink.runtime.rest.handler.RestHandlerSpecification;
import org.apache.flink.runtime.rest.handler.legacy.metrics.MetricFetcher;
import org.apache.flink.runtime.rpc.FatalErrorHandler;
import org.apache.flink.runtime.webmonitor.WebMonitorEndpoint;
import org.apache.flink.runtime.webmonitor.retriever.LeaderGatewayRetriever;
import org.apache.flink.shaded.netty4.io.netty.channel.ChannelInboundHandler;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * A Flink MiniCluster whose REST API and web UI only read: every handler but the {@code GET} ones
 * is left out, and so are the two {@code GET} handlers that act ({@code /jobs/:jobid/yarn-cancel},
 * {@code /jobs/:jobid/yarn-stop}). Nobody who reaches the port can cancel or stop a job ({@code
 * PATCH /jobs/:jobid}, {@code POST /jobs/:jobid/stop}), submit one ({@code POST /jobs}), trigger a
 * savepoint, rescale, or shut the cluster down ({@code DELETE /cluster}): such requests answer 404.
 * The process that started the job keeps its {@link org.apache.flink.core.execution.JobClient},
 * which cancels through the MiniCluster itself, not over REST.
 *
 * <p>Flink's own switches do not do this: {@code web.cancel.enable: false} only hides the web UI's
 * cancel button, and {@code web.submit.enable: false} only leaves out the {@code /jars} handlers.
 *
 * <pre>{@code
 * StreamExecutionEnvironment env = ReadOnlyRestMiniCluster.environment(flinkConfig);
 * JobClient job = env.executeAsync("driftwatch");
 * }</pre>
 */
public final class ReadOnlyRestMiniCluster extends MiniCluster {
    public ReadOnlyRestMiniCluster(MiniClusterConfiguration configuration) {
        super(configuration);
    }

    /**
     * A local environment (as {@link StreamExecutionEnvironment#createLocalEnvironmentWithWebUI})
     * whose jobs run on a {@link ReadOnlyRestMiniCluster}, one per job.
     */
    public static StreamExecutionEnvironment environment(Configuration config) {
        Configuration c = new Configuration(config);
        c.setString("execution.target", LocalExecutor.NAME);
        c.setString("execution.attached", "true");
        return new StreamExecutionEnvironment(
                new Executors(), c, ReadOnlyRestMiniCluster.class.getClassLoader());
    }

    /** Whether a REST handler only reads. */
    static boolean readsOnly(RestHandlerSpecification spec) {
        String url = spec.getTargetRestEndpointURL();
        return spec.getHttpMethod() == HttpMethodWrapper.GET
                && !url.endsWith("/yarn-cancel")
                && !url.endsWith("/yarn-stop");
    }

    @Override
    protected DispatcherResourceManagerComponentFactory
            createDispatcherResourceManagerComponentFactory() {
        return new DefaultDispatcherResourceManagerComponentFactory(
                DefaultDispatcherRunnerFactory.createSessionRunner(
                        SessionDispatcherFactory.INSTANCE),
                StandaloneResourceManagerFactory.getInstance(),
                new ReadOnlyEndpointFactory());
    }

    /** Runs every pipeline of {@link #environment} on its own {@link ReadOnlyRestMiniCluster}. */
    private static final class Executors
            implements PipelineExecutorServiceLoader, PipelineExecutorFactory {
        @Override
        public PipelineExecutorFactory getExecutorFactory(Configuration configuration) {
            return this;
        }

        @Override
        public Stream<String> getExecutorNames() {
            return Stream.of(LocalExecutor.NAME);
        }

        @Override
        public String getName() {
            return LocalExecutor.NAME;
        }

        @Override
        public boolean isCompatibleWith(Configuration configuration) {
            return true;
        }

        @Override
        public PipelineExecutor getExecutor(Configuration configuration) {
            return LocalExecutor.createWithFactory(configuration, ReadOnlyRestMiniCluster::new);
        }
    }

    /** The session cluster's REST endpoint with only the handlers that read. */
    private static final class ReadOnlyEndpointFactory
            implements RestEndpointFactory<DispatcherGateway> {
        @Override
        public WebMonitorEndpoint<DispatcherGateway> createRestEndpoint(
                Configuration configuration,
                LeaderGatewayRetriever<DispatcherGateway> dispatcherGatewayRetriever,
                LeaderGatewayRetriever<ResourceManagerGateway> resourceManagerGatewayRetriever,
                TransientBlobService transientBlobService,
                ScheduledExecutorService executor,
                MetricFetcher metricFetcher,
                LeaderElection leaderElection,
                FatalErrorHandler fatalErrorHandler)
                throws Exception {
            RestHandlerConfiguration rest =
                    RestHandlerConfiguration.fromConfiguration(configuration);
            return new DispatcherRestEndpoint(
                    dispatcherGatewayRetriever,
                    configuration,
                    rest,
                    resourceManagerGatewayRetriever,
                    transientBlobService,
                    executor,
                    metricFetcher,
                    leaderElection,
                    RestEndpointFactory.createExecutionGraphCache(rest),
                    fatalErrorHandler) {
                @Override
                protected List<Tuple2<RestHandlerSpecification, ChannelInboundHandler>>
                        initializeHandlers(CompletableFuture<String> localAddressFuture) {
                    List<Tuple2<RestHandlerSpecification, ChannelInboundHandler>> kept =
                            new ArrayList<>();
                    for (Tuple2<RestHandlerSpecification, ChannelInboundHandler> h :
                            super.initializeHandlers(localAddressFuture)) {
                        if (readsOnly(h.f0)) {
                            kept.add(h);
                        }
                    }
                    return kept;
                }
            };
        }
    }
}
