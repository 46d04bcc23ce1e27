package io.digitloc.spark;

import io.digitloc.monitor.LiveFigures;
import io.digitloc.testing.CliProcess;
import io.digitloc.testing.Mnist;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalDouble;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The training gauges as Prometheus scrapes them: a pipeline run in its own JVM, its driver UI's
 * {@code /metrics/prometheus} read over HTTP while it trains.
 */
class TrainingMetricsTest {
    private static final String PREFIX = "metrics_digitloc_driver_plugin_io_digitloc_spark_TrainingMetricsPlugin_";

    @TempDir
    Path tmp;

    @Test
    void theSampleCountMovesWhileARunTrains() throws Exception {
        // port 0: any free port, read back from the driver's own announcement (no race for a port)
        Path logFile = tmp.resolve("run.log");
        Process p = CliProcess.start(logFile, List.of("-Dspark.ui.port=0"),
                "pipeline", "--mnist-dir", Mnist.dir().toAbsolutePath().toString(),
                "--data-dir", tmp.resolve("data").toString(), "--train-limit", "512", "--validation-limit", "100",
                "--model-dir", tmp.resolve("model").toString(), "--epochs", "3", "--master", "local[2]");
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2))
                .followRedirects(HttpClient.Redirect.NORMAL).build();
        List<Double> samples = new ArrayList<>();
        double accuracy = Double.NaN;
        boolean executors = false;
        String ui = null;
        String lastPage = null;
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(5);
        while (p.isAlive() && System.nanoTime() < deadline) {
            ui = ui != null ? ui : uiUrl(logFile);
            String driver = ui == null ? null : scrape(http, ui + "/metrics/prometheus");
            if (driver != null) {
                lastPage = driver;
                OptionalDouble v = gauge(driver, LiveFigures.Figure.SAMPLES);
                if (v.isPresent() && !Double.isNaN(v.getAsDouble())
                        && (samples.isEmpty() || samples.get(samples.size() - 1) != v.getAsDouble())) {
                    samples.add(v.getAsDouble());
                }
                accuracy = gauge(driver, LiveFigures.Figure.VAL_ACCURACY).orElse(accuracy);
                if (!executors) {
                    String all = scrape(http, ui + "/metrics/executors/prometheus");
                    executors = all != null && all.contains("metrics_executor_");
                }
            }
            Thread.sleep(100);
        }
        boolean ended = p.waitFor(1, TimeUnit.MINUTES);
        String log = Files.readString(logFile);
        assertThat(ended && p.exitValue() == 0).as(log).isTrue();
        assertThat(ui).as("the driver's UI announced in the log").isNotNull();
        String context = "UI " + ui + ", last page scraped:\n" + lastPage + "\nlog:\n" + log;
        assertThat(samples).as("sample counts scraped; %s", context).hasSizeGreaterThanOrEqualTo(2).isSorted()
                .allMatch(v -> v > 0 && v <= 3 * 512);
        assertThat(accuracy).as("a validation accuracy scraped").isBetween(0.0, 1.0);
        assertThat(executors).as("the executors' metrics served").isTrue();
    }

    /** The driver UI's address as the run's log announces it, or null before it does. */
    private static String uiUrl(Path log) throws java.io.IOException {
        if (!Files.exists(log)) {
            return null;
        }
        Matcher m = UI.matcher(Files.readString(log));
        return m.find() ? m.group(1) : null;
    }

    private static final Pattern UI = Pattern.compile("driver UI at (http://\\S+),");

    /** The body of the driver UI's page, or null while the UI is not up. */
    private static String scrape(HttpClient http, String url) {
        try {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(url))
                    .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
            return r.statusCode() == 200 ? r.body() : null;
        } catch (java.io.IOException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    static OptionalDouble gauge(String page, LiveFigures.Figure figure) {
        Matcher m = Pattern.compile("^" + PREFIX + figure.gauge() + "_Value\\{type=\"gauges\"} (\\S+)$", Pattern.MULTILINE)
                .matcher(page);
        return m.find() ? OptionalDouble.of(Double.parseDouble(m.group(1))) : OptionalDouble.empty();
    }
}
