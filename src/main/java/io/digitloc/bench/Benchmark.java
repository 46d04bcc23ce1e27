package io.digitloc.bench;

import io.digitloc.config.Settings;
import io.digitloc.core.CanvasBatch;
import io.digitloc.data.CanvasDataset;
import io.digitloc.data.CanvasRows;
import io.digitloc.data.CanvasSynthesizer;
import io.digitloc.data.Split;
import io.digitloc.io.HadoopConf;
import io.digitloc.model.LocalizerNet;
import io.digitloc.train.CanvasBatchLoader;
import io.digitloc.train.TrainJob;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.spark.impl.graph.SparkComputationGraph;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.api.MultiDataSet;

import org.nd4j.linalg.indexing.NDArrayIndex;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;

/**
 * Measures the pipeline's speed on an existing dataset. Each figure is the median of
 * {@code repeats} timed repetitions after an untimed warm-up.
 */
public final class Benchmark {
    private final SparkSession spark;
    private final Settings settings;
    private final int samples;
    private final int repeats;
    private final Consumer<String> out;

    public Benchmark(SparkSession spark, Settings settings, int samples, int repeats, Consumer<String> out) {
        this.spark = spark;
        this.settings = settings;
        this.samples = samples;
        this.repeats = repeats;
        this.out = out;
    }

    /** Runs every measurement and prints one line each. */
    public List<Stopwatch> runAll() {
        CanvasDataset ds = CanvasDataset.open(spark, settings.data().dir());
        int size = ds.manifest().canvasSize();
        List<Row> rows = ds.read(Split.TRAIN).orderBy("id").limit(samples).collectAsList();
        int batchSize = settings.train().batchSize();
        List<CanvasBatch> batches = new ArrayList<>();
        for (int from = 0; from < rows.size(); from += batchSize) {
            batches.add(CanvasRows.batch(rows.subList(from, Math.min(rows.size(), from + batchSize)), size));
        }
        out.accept(String.format("benchmark: %d canvases (%dx%d), batch %d, %d repetitions after warm-up, "
                        + "Spark master %s, %d cores", rows.size(), size, size, batchSize, repeats,
                spark.sparkContext().master(), Runtime.getRuntime().availableProcessors()));
        List<Stopwatch> results = new ArrayList<>();
        results.add(report(synthesis(rows.size(), size), "canvases/s"));
        results.add(report(singleJvmTraining(batches, size, settings.train().network().fastLayers()), "img/s"));
        results.add(report(inference(batches, size, settings.train().network().fastLayers()), "img/s"));
        if (settings.train().network().fastLayers()) { // what the fast layers gain, measured side by side
            results.add(report(singleJvmTraining(batches, size, false), "img/s"));
            results.add(report(inference(batches, size, false), "img/s"));
        }
        results.add(report(sparkTraining(batches, size), "img/s"));
        out.accept(distanceToPeak(batches.get(0), size, results.get(1), results.get(2)));
        out.accept(String.format("peak memory: Java heap %d MiB, process resident %d MiB",
                Memory.peakHeapBytes() >> 20, Memory.peakResidentBytes() >> 20));
        return results;
    }

    /**
     * The FLOP a training step and an inference pass do per image, what the single JVM achieved, and
     * that against the machine's FMA peak measured here (the distance to the limit).
     */
    private String distanceToPeak(CanvasBatch batch, int size, Stopwatch training, Stopwatch inference) {
        ComputationGraph net = LocalizerNet.untrained(size, settings.train(), settings.seed());
        INDArray one = batch.features().get(NDArrayIndex.interval(0, 1), NDArrayIndex.all(), NDArrayIndex.all(),
                NDArrayIndex.all()).dup();
        StepFlops.PerImage flops = StepFlops.of(net, one);
        double train = flops.training() * training.perSecond() / 1e9;
        double infer = flops.forward() * inference.perSecond() / 1e9;
        String peak = "";
        if (FmaPeak.available()) {
            double p = FmaPeak.gflops(Runtime.getRuntime().availableProcessors(), 200_000_000L);
            peak = String.format(Locale.ROOT, "; FMA peak on %d cores (%d-float vectors) %.0f GFLOP/s: training at %.0f%%, "
                    + "inference at %.0f%%", Runtime.getRuntime().availableProcessors(), FmaPeak.lanes(), p,
                    100 * train / p, 100 * infer / p);
        }
        return String.format(Locale.ROOT, "FLOP per image: training step %.1f M, forward %.1f M; single JVM achieved "
                + "%.1f GFLOP/s training, %.1f GFLOP/s inference%s", flops.training() / 1e6, flops.forward() / 1e6,
                train, infer, peak);
    }

    private Stopwatch report(Stopwatch s, String unit) {
        out.accept(s.line(unit));
        return s;
    }

    Stopwatch synthesis(int n, int size) {
        CanvasSynthesizer synth = new CanvasSynthesizer(size, settings.seed());
        byte[] digit = new byte[28 * 28];
        return time("canvas synthesis (1 thread)", n, 1, () -> {
            for (int i = 0; i < n; i++) {
                synth.synthesize(Split.TRAIN, i, 0, digit);
            }
        });
    }

    Stopwatch singleJvmTraining(List<CanvasBatch> batches, int size, boolean fastLayers) {
        ComputationGraph net = LocalizerNet.untrained(size, settings.with(java.util.Map.of("digitloc.train.fast-layers", fastLayers)).train(), settings.seed());
        List<MultiDataSet> data = batches.stream().map(CanvasBatch::toMultiDataSet).toList();
        return time("train, single JVM ComputationGraph.fit" + layers(fastLayers), count(batches), 1,
                () -> data.forEach(net::fit));
    }

    Stopwatch inference(List<CanvasBatch> batches, int size, boolean fastLayers) {
        ComputationGraph net = LocalizerNet.untrained(size, settings.with(java.util.Map.of("digitloc.train.fast-layers", fastLayers)).train(), settings.seed());
        List<INDArray> features = batches.stream().map(CanvasBatch::features).toList();
        return time("inference, single JVM output" + layers(fastLayers), count(batches), 1,
                () -> features.forEach(f -> net.output(f)));
    }

    private static String layers(boolean fast) {
        return fast ? " (fast layers)" : " (DL4J layers)";
    }

    Stopwatch sparkTraining(List<CanvasBatch> batches, int size) {
        JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
        HadoopConf conf = new HadoopConf(spark.sparkContext().hadoopConfiguration());
        Path dir = new Path(System.getProperty("java.io.tmpdir"), "digitloc-bench-" + System.nanoTime());
        try {
            // the same batch files and training master as the train job
            List<String> paths = io.digitloc.train.EpochFeed.writeBatches(batches, dir, 0, conf);
            int workers = io.digitloc.spark.SparkSessions.workers(jsc);
            // the train job's first epoch: its phase of the global batch
            var master = io.digitloc.engine.Masters.master(settings, dir,
                    settings.scaleOut().schedule(settings.train(), workers, count(batches)));
            SparkComputationGraph sparkNet = new SparkComputationGraph(jsc,
                    LocalizerNet.untrained(size, settings.train(), settings.seed()), master);
            var rdd = jsc.parallelize(paths, workers);
            int threads = io.digitloc.platform.NativeSetup.threads();
            // each task's share of the cores, as the train job gives it (TrainingSession.plan)
            io.digitloc.platform.NativeSetup.limitThreads(io.digitloc.engine.Masters.threadsPerTask(settings.train(), jsc));
            try {
                return time("train, Spark " + jsc.master() + " param. averaging", count(batches), 1,
                        () -> sparkNet.fitPaths(rdd, new CanvasBatchLoader()));
            } finally {
                io.digitloc.platform.NativeSetup.limitThreads(threads);
                master.release();
            }
        } finally {
            io.digitloc.io.HadoopFiles.deleteQuietly(io.digitloc.io.HadoopFiles.fs(dir, conf), dir);
        }
    }

    private static long count(List<CanvasBatch> batches) {
        return batches.stream().mapToLong(CanvasBatch::count).sum();
    }

    private Stopwatch time(String name, long items, int warmups, Runnable body) {
        return Stopwatch.time(name, items, warmups, repeats, body);
    }
}
