package io.digitloc.spark;

import com.codahale.metrics.Gauge;
import io.digitloc.monitor.LiveFigures;
import org.apache.spark.api.plugin.DriverPlugin;
import org.apache.spark.api.plugin.ExecutorPlugin;
import org.apache.spark.api.plugin.PluginContext;
import org.apache.spark.api.plugin.SparkPlugin;

/**
 * Publishes the training run's {@link LiveFigures} as gauges in the driver's metric registry, so every
 * sink Spark is given serves them: {@code PrometheusServlet} on the driver's UI at
 * {@code /metrics/prometheus} (conf/spark/common.conf), JMX, CSV, Graphite. Their names are
 * {@code <namespace>.driver.plugin.io.digitloc.spark.TrainingMetricsPlugin.<figure>} (the namespace is
 * {@code spark.metrics.namespace}, by default the application's id). The jobs add it to
 * {@code spark.plugins}.
 */
public final class TrainingMetricsPlugin implements SparkPlugin {

    @Override
    public DriverPlugin driverPlugin() {
        return new DriverPlugin() {
            @Override
            public void registerMetrics(String appId, PluginContext ctx) {
                LiveFigures figures = LiveFigures.driver();
                for (LiveFigures.Figure f : LiveFigures.all()) {
                    ctx.metricRegistry().register(f.gauge(), (Gauge<Double>) () -> figures.get(f));
                }
            }
        };
    }

    @Override
    public ExecutorPlugin executorPlugin() {
        return null; // the executors' own metrics come from Spark (spark.ui.prometheus.enabled)
    }
}
