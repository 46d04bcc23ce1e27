package io.digitloc.registry;

import io.digitloc.config.RetrainSettings;
import io.digitloc.config.Settings;
import io.digitloc.core.Metrics;
import io.digitloc.core.RunLayout;
import io.digitloc.data.DatasetManifest;
import io.digitloc.data.GenerateJob;
import io.digitloc.eval.EvaluateJob;
import io.digitloc.export.OnnxExport;
import io.digitloc.io.BuildInfo;
import io.digitloc.io.HadoopConf;
import io.digitloc.io.HadoopFiles;
import io.digitloc.io.Json;
import io.digitloc.pipeline.Pipeline;
import io.digitloc.train.Start;
import io.digitloc.train.TrainJob;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.SparkSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * Scheduled retraining into a {@link ModelRegistry}: reuse the dataset when its manifest matches the
 * settings (else regenerate it), train a new run (fresh, warm-started from the champion, or resumed
 * after a crash), evaluate it, export it as ONNX beside its model.zip, promote it only if it is not
 * worse than the champion ({@link Promotion}), and prune old runs. The caller holds the registry's
 * {@link RunLock}.
 */
public final class RetrainJob {
    private static final Logger LOG = LoggerFactory.getLogger(RetrainJob.class);

    private RetrainJob() {
    }

    /** The outcome of one retraining. */
    public record Result(String runId, String runDir, boolean promoted, String reason, Metrics metrics,
                         List<String> pruned) {
    }

    /** Where a run came from: written beside its model. */
    /**
     * @param bestEpoch  the epoch whose model the run kept (the last one without early stopping)
     * @param stopReason why training ended, in words
     */
    public record Lineage(String runId, String codeVersion, String createdAt, boolean resumed, String warmStartFrom,
                          String championBefore, int bestEpoch, String stopReason, DatasetManifest data, String settings) {
    }

    /** Everything that can be checked before Spark starts: the data plan. */
    public static GenerateJob.Plan planData(Settings settings, HadoopConf conf) {
        // scheduled runs regenerate a dataset that no longer matches the settings rather than stop
        Settings s = settings.with(Map.of("digitloc.data.if-exists", "replace"));
        return GenerateJob.planIfNeeded(s, conf);
    }

    public static Result run(SparkSession spark, Settings settings, boolean resume, GenerateJob.Plan dataPlan) {
        RetrainSettings r = settings.retrain();
        HadoopConf conf = new HadoopConf(spark.sparkContext().hadoopConfiguration());
        ModelRegistry registry = new ModelRegistry(r.registry(), conf);

        String runId = resume ? registry.interruptedRun().orElse(null) : null;
        if (resume && runId == null) {
            LOG.warn("retrain: no interrupted run in {}; starting a new one", registry.root());
        }
        boolean resumed = runId != null;
        if (runId == null) {
            runId = ModelRegistry.newRunId();
        }
        Path runDir = registry.runDir(runId);
        Settings run = settings.with(Map.of("digitloc.train.model-dir", runDir.toString(), "digitloc.train.if-exists", "fail"));

        String champion = registry.champion().map(ModelRegistry.Champion::run).orElse(null);
        Path warmFrom = r.warmStart() && !resumed ? registry.championModel() : null;
        LOG.info("retrain: run {} ({}{})", runId, resumed ? "resumed" : "new",
                warmFrom != null ? ", warm start from champion " + champion : "");
        Pipeline.Result done = Pipeline.run(spark, run, dataPlan,
                new Start(resumed, warmFrom == null ? null : warmFrom.toString()));
        TrainJob.Result trained = done.trained();
        EvaluateJob.Result evaluated = done.evaluated();
        // before promotion, so every champion has its model.onnx beside its model.zip
        OnnxExport.Result onnx = OnnxExport.export(new Path(runDir, RunLayout.MODEL), run.data().canvasSize(),
                new Path(runDir, RunLayout.ONNX), conf);
        LOG.info("retrain: run {} exported to {} ({} bytes)", runId, onnx.onnx(), onnx.bytes());

        HadoopFiles.writeString(new Path(runDir, RunLayout.LINEAGE), Json.write(new Lineage(runId, BuildInfo.version(),
                Instant.now().toString(), resumed, warmFrom == null ? null : warmFrom.toString(), champion,
                trained.metadata().outcome().bestEpoch(), trained.metadata().outcome().stopReason(),
                trained.metadata().data(), run.rendered())), conf);

        Metrics championMetrics = registry.championMetrics();
        Promotion.Decision decision = champion != null && championMetrics == null
                ? new Promotion.Decision(true, "the champion " + champion + " has no readable metrics.json")
                : Promotion.decide(evaluated.metrics(), championMetrics, r.promoteMetrics(), r.promoteMargin());
        if (decision.promote()) {
            registry.promote(runId, decision.reason());
            LOG.info("retrain: run {} promoted to champion ({})", runId, decision.reason());
        } else {
            LOG.info("retrain: run {} not promoted; champion stays {} ({})", runId, champion, decision.reason());
        }
        List<String> pruned = registry.prune(r.retain());
        if (!pruned.isEmpty()) {
            LOG.info("retrain: pruned old runs {}", pruned);
        }
        return new Result(runId, runDir.toString(), decision.promote(), decision.reason(), evaluated.metrics(), pruned);
    }
}
