package lp.search;

import org.opensearch.action.admin.cluster.health.ClusterHealthResponse;
import org.opensearch.analysis.common.CommonAnalysisPlugin;
import org.opensearch.common.settings.Settings;
import org.opensearch.common.unit.TimeValue;
import org.opensearch.core.common.transport.TransportAddress;
import org.opensearch.env.Environment;
import org.opensearch.http.HttpServerTransport;
import org.opensearch.index.mapper.MapperExtrasPlugin;
import org.opensearch.index.reindex.ReindexPlugin;
import org.opensearch.node.InternalSettingsPreparer;
import org.opensearch.node.Node;
import org.opensearch.painless.PainlessPlugin;
import org.opensearch.plugins.Plugin;
import org.opensearch.search.aggregations.matrix.MatrixAggregationPlugin;
import org.opensearch.transport.Netty4Plugin;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Collection;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Starts one embedded OpenSearch node on 127.0.0.1, built only from Maven Central jars.
 *
 * The public {@code new Node(Environment)} constructor only loads plugins from $path.home/plugins
 * and modules/ directories; the distribution's modules (netty4 transport, analysis-common,
 * painless, ...) are plain jars on our classpath, so we subclass Node to reach the protected
 * constructor that accepts "classpath plugins".
 *
 * Arguments (all optional, environment variable in brackets):
 *   --http-port=N       (OPENSEARCH_PORT, default 9201)
 *   --transport-port=P  (OPENSEARCH_TRANSPORT_PORT, default range 9300-9400: first free one wins)
 *   --home=DIR          (OPENSEARCH_HOME_DIR; default: a fresh temp dir, deleted on exit)
 *   --data=DIR          (default: DIR/data)
 *   --cluster-name=X    (default lp-dev)   --node-name=Y (default lp-node-1)
 *   -Ekey=value         any extra OpenSearch setting
 */
public final class Launcher {

    /** Node subclass that exposes the classpath-plugins constructor. */
    static final class EmbeddedNode extends Node {
        EmbeddedNode(Environment env, Collection<Class<? extends Plugin>> classpathPlugins) {
            super(env, classpathPlugins, true);
        }
    }

    static final List<Class<? extends Plugin>> PLUGINS = List.of(
        Netty4Plugin.class,            // transport-netty4-client: HTTP + transport layer (mandatory)
        CommonAnalysisPlugin.class,    // analysis-common: edge_ngram, cjk_width, stemmers, ...
        MapperExtrasPlugin.class,      // mapper-extras: search_as_you_type, scaled_float, rank_feature
        ReindexPlugin.class,           // reindex, update_by_query, delete_by_query
        MatrixAggregationPlugin.class, // matrix_stats aggregation
        PainlessPlugin.class           // painless scripts
    );

    public static void main(String[] args) throws Exception {
        String httpPort = env("OPENSEARCH_PORT", "9201");
        String transportPort = env("OPENSEARCH_TRANSPORT_PORT", "9300-9400");
        String home = env("OPENSEARCH_HOME_DIR", null);
        String data = null;
        String clusterName = "lp-dev";
        String nodeName = "lp-node-1";
        Settings.Builder extra = Settings.builder();
        for (String a : args) {
            if (a.startsWith("--http-port=")) httpPort = val(a);
            else if (a.startsWith("--transport-port=")) transportPort = val(a);
            else if (a.startsWith("--home=")) home = val(a);
            else if (a.startsWith("--data=")) data = val(a);
            else if (a.startsWith("--cluster-name=")) clusterName = val(a);
            else if (a.startsWith("--node-name=")) nodeName = val(a);
            else if (a.startsWith("-E") && a.contains("=")) {
                extra.put(a.substring(2, a.indexOf('=')), val(a));
            } else {
                System.err.println("unknown argument: " + a);
                System.exit(2);
            }
        }

        final boolean ownHome = home == null;
        final Path homeDir = ownHome ? Files.createTempDirectory("lp-opensearch-") : Paths.get(home).toAbsolutePath();
        Files.createDirectories(homeDir);
        final Path dataDir = data == null ? homeDir.resolve("data") : Paths.get(data).toAbsolutePath();
        Files.createDirectories(dataDir);
        Files.createDirectories(homeDir.resolve("logs"));
        Files.createDirectories(homeDir.resolve("config"));

        Settings settings = Settings.builder()
            .put("cluster.name", clusterName)
            .put("node.name", nodeName)
            .put("path.home", homeDir.toString())
            .put("path.data", dataDir.toString())
            .put("path.logs", homeDir.resolve("logs").toString())
            .put("network.host", "127.0.0.1")
            .put("http.port", httpPort)
            .put("transport.port", transportPort)
            .put("discovery.type", "single-node")
            // a dev node must not go read-only because the disk is >90% full
            .put("cluster.routing.allocation.disk.threshold_enabled", false)
            .put("action.auto_create_index", true)
            .put(extra.build())
            .build();

        Environment environment = InternalSettingsPreparer.prepareEnvironment(
            settings, Collections.emptyMap(), homeDir.resolve("config"), () -> settings.get("node.name"));

        final Node node = new EmbeddedNode(environment, PLUGINS);
        final CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            System.out.println("OPENSEARCH STOPPING");
            try {
                node.close();
                node.awaitClose(30, TimeUnit.SECONDS);
            } catch (Exception e) {
                e.printStackTrace();
            }
            if (ownHome) deleteRecursively(homeDir);
            System.out.println("OPENSEARCH STOPPED");
            System.out.flush();
            stopped.countDown();
        }, "lp-opensearch-shutdown"));

        try {
            node.start();
            ClusterHealthResponse health = node.client().admin().cluster().prepareHealth()
                .setWaitForYellowStatus().setTimeout(TimeValue.timeValueSeconds(60)).get();
            TransportAddress http = node.injector().getInstance(HttpServerTransport.class).boundAddress().publishAddress();
            System.out.println("OPENSEARCH READY http://" + http.getAddress() + ":" + http.getPort()
                + " (cluster=" + clusterName + ", status=" + health.getStatus() + ", home=" + homeDir + ")");
            System.out.flush();
        } catch (Throwable t) {
            System.err.println("OPENSEARCH FAILED TO START: " + t);
            t.printStackTrace();
            System.exit(1); // runs the shutdown hook, which closes the node
        }
        stopped.await();
    }

    private static String env(String name, String dflt) {
        String v = System.getenv(name);
        return v == null || v.isEmpty() ? dflt : v;
    }

    private static String val(String arg) {
        return arg.substring(arg.indexOf('=') + 1);
    }

    private static void deleteRecursively(Path dir) {
        try (Stream<Path> walk = Files.walk(dir)) {
            walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException ignored) {
            // best effort
        }
    }
}
