package io.digitloc.pipeline;

import io.digitloc.config.Settings;
import io.digitloc.data.GenerateJob;
import io.digitloc.eval.EvaluateJob;
import io.digitloc.train.Start;
import io.digitloc.train.TrainJob;
import org.apache.spark.sql.SparkSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one wiring of the stages: generate the dataset if the plan says so, train, evaluate. The
 * {@code pipeline} command runs it as it is; scheduled retraining runs it into a registry run directory
 * and then decides on promotion.
 */
public final class Pipeline {
    private static final Logger LOG = LoggerFactory.getLogger(Pipeline.class);

    private Pipeline() {
    }

    /** What each stage produced; {@code generated} is null when the dataset was reused. */
    public record Result(GenerateJob.Result generated, TrainJob.Result trained, EvaluateJob.Result evaluated) {
    }

    /**
     * @param dataPlan from {@link GenerateJob#planIfNeeded} before Spark started; null = reuse the dataset
     */
    public static Result run(SparkSession spark, Settings settings, GenerateJob.Plan dataPlan, Start start) {
        GenerateJob.Result generated = null;
        if (dataPlan != null) {
            generated = GenerateJob.run(spark, dataPlan);
            LOG.info("pipeline: dataset written to {} ({} s)", generated.dir(), Math.round(generated.seconds()));
        } else {
            LOG.info("pipeline: reusing the dataset at {} (its manifest matches the settings)", settings.data().dir());
        }
        TrainJob.Result trained = TrainJob.run(spark, settings, start);
        EvaluateJob.Result evaluated = EvaluateJob.run(spark, settings);
        return new Result(generated, trained, evaluated);
    }
}
