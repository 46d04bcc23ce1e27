package io.digitloc.spark;

import io.digitloc.config.SparkSettings;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.atomic.AtomicReference;

/**
 * Creates the Spark session of a job. Settings given by spark-submit (master, conf/spark-defaults)
 * win; the configured master is only a fallback for runs started with plain {@code java}.
 */
public final class SparkSessions {
    private static final Logger LOG = LoggerFactory.getLogger(SparkSessions.class);
    /** The application whose UI was last announced: once per context, not per job. */
    private static final AtomicReference<String> ANNOUNCED = new AtomicReference<>();
    private static final String PROMETHEUS_PATH = "spark.metrics.conf.*.sink.prometheusServlet.path";

    private SparkSessions() {
    }

    public static SparkSession getOrCreate(SparkSettings settings) {
        return getOrCreate(settings, java.util.Map.of());
    }

    /** As {@link #getOrCreate(SparkSettings)}, with {@code extra} Spark settings that win over spark-submit's. */
    public static SparkSession getOrCreate(SparkSettings settings, java.util.Map<String, String> extra) {
        SparkConf conf = new SparkConf();
        extra.forEach(conf::set);
        if (!conf.contains("spark.master")) {
            conf.setMaster(settings.master());
        }
        if (!conf.contains("spark.app.name")) {
            conf.setAppName(settings.appName());
        }
        // DL4J's training stats otherwise ask an NTP server on the internet.
        System.setProperty("org.deeplearning4j.spark.time.TimeSource",
                System.getProperty("org.deeplearning4j.spark.time.TimeSource",
                        "org.deeplearning4j.spark.time.SystemClockTimeSource"));
        conf.setIfMissing("spark.ui.showConsoleProgress", "false");
        // an averaging round's results (parameters and Adam state per worker) come back with the
        // task's status message instead of a second fetch through the block manager (default limit 1 MiB)
        conf.setIfMissing("spark.task.maxDirectResultSize", "64m");
        // the rounds' broadcasts are float parameters, which LZ4 hardly shrinks; the other broadcasts are
        // small or zips already
        conf.setIfMissing("spark.broadcast.compress", "false");
        // a barrier stage that cannot get its slots fails after 8 checks 15 s apart, not Spark's 40
        conf.setIfMissing("spark.scheduler.barrier.maxConcurrentTasksCheck.maxFailures", "8");
        // native set-up on every executor before its first task (see NativeSetupPlugin); the training
        // figures as driver metrics (TrainingMetricsPlugin)
        addPlugin(conf, NativeSetupPlugin.class);
        // Prometheus's text format on the driver's UI: the driver's metrics (the training gauges among
        // them) at /metrics/prometheus, the executors' at /metrics/executors/prometheus
        conf.setIfMissing("spark.metrics.conf.*.sink.prometheusServlet.class",
                "org.apache.spark.metrics.sink.PrometheusServlet");
        conf.setIfMissing(PROMETHEUS_PATH, "/metrics/prometheus");
        conf.setIfMissing("spark.ui.prometheus.enabled", "true");
        conf.setIfMissing("spark.metrics.namespace", "digitloc");
        addPlugin(conf, TrainingMetricsPlugin.class);
        if (SparkSession.getDefaultSession().isEmpty()) {
            MasterAuthProbe.check(conf); // a wrong secret fails here in a moment, naming it and the master
        }
        SparkSession session = SparkSession.builder().config(conf).getOrCreate();
        announceUi(session.sparkContext());
        return session;
    }

    /**
     * Logs where the driver's UI and its Prometheus page are, once per context: spark.ui.port may have
     * been taken (Spark moves on to the next port) or be 0 (any free one).
     */
    private static void announceUi(org.apache.spark.SparkContext sc) {
        String app = sc.applicationId();
        if (sc.uiWebUrl().isDefined() && !app.equals(ANNOUNCED.getAndSet(app))) {
            String ui = sc.uiWebUrl().get();
            LOG.info("driver UI at {}, its metrics for Prometheus at {}{}", ui, ui, sc.getConf().get(PROMETHEUS_PATH));
        }
    }

    private static void addPlugin(SparkConf conf, Class<?> plugin) {
        String plugins = conf.get("spark.plugins", "");
        if (!java.util.Arrays.asList(plugins.split("\\s*,\\s*")).contains(plugin.getName())) {
            conf.set("spark.plugins", plugins.isBlank() ? plugin.getName() : plugins + "," + plugin.getName());
        }
    }

    /** Whether {@code master} runs in this JVM ({@code local}, {@code local[N]}, ...). */
    public static boolean isLocal(String master) {
        return master.startsWith("local");
    }

    /**
     * The training workers: Spark tasks that can run at once. Local mode: its thread count. On a cluster:
     * the registered executors times their task slots (Spark's defaultParallelism is never below 2 there,
     * which would put two workers on one one-core executor).
     */
    public static int workers(JavaSparkContext jsc) {
        if (isLocal(jsc.master())) {
            return jsc.defaultParallelism();
        }
        SparkConf conf = jsc.getConf();
        int cores = conf.getInt("spark.executor.cores", 0);
        int expected = cores > 0 ? conf.getInt("spark.cores.max", conf.getInt("spark.executor.instances", 0) * cores) / cores : 0;
        awaitExecutors(jsc, expected, 60); // executors register a little after the context starts
        return slots(jsc);
    }

    /**
     * Task slots free to a stage now: local mode's threads, or the registered executors times their slots
     * (Spark's defaultParallelism when the executors' cores are not set).
     */
    public static int slots(JavaSparkContext jsc) {
        if (isLocal(jsc.master())) {
            return jsc.defaultParallelism();
        }
        SparkConf conf = jsc.getConf();
        int perExecutor = conf.getInt("spark.executor.cores", 0) / conf.getInt("spark.task.cpus", 1);
        int executors = jsc.sc().getExecutorMemoryStatus().size() - 1;
        return executors > 0 && perExecutor > 0 ? executors * perExecutor : jsc.defaultParallelism();
    }

    /** Waits (up to {@code timeoutSeconds}) until {@code executors} executors have registered; returns how many did. */
    public static int awaitExecutors(JavaSparkContext jsc, int executors, int timeoutSeconds) {
        long deadline = System.nanoTime() + timeoutSeconds * 1_000_000_000L;
        int registered = jsc.sc().getExecutorMemoryStatus().size() - 1;
        while (registered < executors && System.nanoTime() < deadline) {
            try {
                Thread.sleep(200);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
            registered = jsc.sc().getExecutorMemoryStatus().size() - 1;
        }
        return registered;
    }
}
