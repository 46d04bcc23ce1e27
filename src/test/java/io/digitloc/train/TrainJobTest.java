package io.digitloc.train;

import io.digitloc.run.TrainingMetadata;
import io.digitloc.config.Settings;
import io.digitloc.data.GenerateJob;
import io.digitloc.io.HadoopConf;
import io.digitloc.io.Json;
import io.digitloc.model.ModelStore;
import io.digitloc.testing.Mnist;
import io.digitloc.testing.TestSpark;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.SparkSession;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.io.IOException;
import java.nio.file.Files;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The train job on Spark local[2] with a few hundred real MNIST canvases. */
class TrainJobTest {
    @TempDir
    static java.nio.file.Path tmp;
    static SparkSession spark;
    static java.nio.file.Path data;

    @BeforeAll
    static void generate() {
        spark = TestSpark.get();
        data = tmp.resolve("data");
        GenerateJob.run(spark, GenerateJob.plan(settings(Map.of())));
    }

    static Settings settings(Map<String, Object> extra) {
        Map<String, Object> o = new HashMap<>();
        o.put("digitloc.data.mnist-dir", Mnist.dir().toString());
        o.put("digitloc.data.dir", data.toString());
        o.put("digitloc.data.train-limit", 640);
        o.put("digitloc.data.validation-limit", 200);
        o.put("digitloc.data.train-shards", 2);
        o.put("digitloc.train.epochs", 2);
        o.putAll(extra);
        return Settings.load(null, o);
    }

    @Test
    void trainsWritesAReloadableModelHistoryCheckpointsAndMetadata() throws IOException {
        java.nio.file.Path modelDir = tmp.resolve("model");
        TrainJob.Result r = TrainJob.run(spark, settings(Map.of("digitloc.train.model-dir", modelDir.toString())));

        assertThat(r.history()).hasSize(2);
        assertThat(modelDir.resolve("model.zip")).isRegularFile();
        assertThat(modelDir.resolve("checkpoints/epoch-0001.zip")).isRegularFile();
        assertThat(modelDir.resolve("checkpoints/epoch-0002.zip")).isRegularFile();
        assertThat(modelDir.resolve("_batches")).doesNotExist();
        assertThat(tmp.resolve(".model.inprogress")).doesNotExist();

        List<String> csv = Files.readAllLines(modelDir.resolve("history.csv"));
        assertThat(csv).hasSize(3);
        assertThat(csv.get(0)).startsWith("epoch,train_loss,val_loss,val_accuracy,val_mean_iou");

        TrainingMetadata meta = TrainingMetadata.read(Files.readString(modelDir.resolve("metadata.json")), "m");
        assertThat(meta.shape().parameters()).isEqualTo(426_638L);
        assertThat(meta.outcome().epochsRun()).isEqualTo(2);
        assertThat(meta.shape().trainExamples()).isEqualTo(640);
        assertThat(meta.data().split(io.digitloc.data.Split.TRAIN).count()).isEqualTo(640);
        assertThat(meta.settings()).contains("learning-rate");
        // it learned: the validation loss fell below the untrained network's
        assertThat(meta.finalValidation().loss()).isLessThan(meta.initialValidation().loss());
        assertThat(r.history().get(1).trainLoss()).isFinite();

        ComputationGraph reloaded = ModelStore.load(new Path(modelDir.resolve("model.zip").toString()), true,
                HadoopConf.local());
        INDArray probe = Nd4j.rand(new int[] {4, 1, 75, 75});
        INDArray[] before = r.model().output(probe);
        INDArray[] after = reloaded.output(probe);
        assertThat(after[0].equalsWithEps(before[0], 1e-6)).isTrue();
        assertThat(after[1].equalsWithEps(before[1], 1e-6)).isTrue();
        assertThat(reloaded.getUpdater().getStateViewArray()).isNotNull();
        // the learning-rate schedule counts steps as DL4J does: 20 batches of 32, 2 workers, averaging every
        // 16 = one round per epoch, counted as 16 steps
        Settings s = settings(Map.of());
        assertThat(s.scaleOut().schedule(s.train(), 2, 640).countedSteps(1)).isEqualTo(16);
        assertThat(reloaded.getConfiguration().getIterationCount()).isEqualTo(2 * 16);
    }

    @Test
    void directApproachTrainsToo() {
        java.nio.file.Path modelDir = tmp.resolve("direct");
        TrainJob.Result r = TrainJob.run(spark, settings(Map.of("digitloc.train.model-dir", modelDir.toString(),
                "digitloc.train.approach", "direct", "digitloc.train.epochs", 1,
                "digitloc.train.averaging-frequency", 2)));
        assertThat(r.history()).hasSize(1);
        assertThat(modelDir.resolve("model.zip")).isRegularFile();
        // two workers share the batch of 64: 20 batches of 32, averaging every 2: floor(20 / 4) = 5 rounds,
        // counted as 5 x 2 = 10 steps, what one worker counts for its 10 batches of 64
        assertThat(r.model().getConfiguration().getIterationCount()).isEqualTo(10);
    }

    @Test
    void theWorkersMakingTheirBatchesTrainTheSameNetworkAsTheExportedFiles() {
        // two epochs, so that the second one's batches are re-placed and warped on both sides
        Map<String, Object> common = Map.of("digitloc.train.augment", true, "digitloc.train.digit-rotation", 10,
                "digitloc.train.averaging-frequency", 2);
        Map<String, Object> digits = new HashMap<>(common);
        digits.put("digitloc.train.model-dir", tmp.resolve("digits").toString());
        Map<String, Object> export = new HashMap<>(common);
        export.put("digitloc.train.model-dir", tmp.resolve("export").toString());
        export.put("digitloc.train.approach", "export");
        INDArray made = TrainJob.run(spark, settings(digits)).model().params();
        INDArray read = TrainJob.run(spark, settings(export)).model().params();
        assertThat(made.equalsWithEps(read, 1e-6)).as("the digits approach's parameters against export's").isTrue();
        assertThat(tmp.resolve("digits/_batches")).doesNotExist();
    }

    @Test
    void theGlobalBatchGrowsEpochByEpochAndTheStepCountStaysOnPlan() {
        java.nio.file.Path modelDir = tmp.resolve("growing");
        // 640 canvases in 2 partitions, batches of 32: epoch 1 is one worker at the global batch of 32 (20
        // batches, 10 rounds of 2 steps: 20 counted), epoch 2 two workers of 32 each after a doubling (20
        // batches, 5 rounds: 10 counted)
        Settings s = settings(Map.of("digitloc.train.model-dir", modelDir.toString(), "digitloc.train.batch-size", 32,
                "digitloc.train.averaging-frequency", 2, "digitloc.train.scale-out.doubling-samples", 640));
        var schedule = s.scaleOut().schedule(s.train(), 2, 640);
        assertThat(schedule.phase(1)).isEqualTo(new io.digitloc.config.BatchSchedule.Phase(32, 1, 32));
        assertThat(schedule.phase(2)).isEqualTo(new io.digitloc.config.BatchSchedule.Phase(64, 2, 32));
        TrainJob.Result r = TrainJob.run(spark, s);
        assertThat(r.history()).hasSize(2);
        assertThat(r.model().getConfiguration().getIterationCount()).isEqualTo(30).isEqualTo((int) schedule.steps().total());
        assertThat(r.history().get(1).valLoss()).isFinite();
    }

    @Test
    void anExistingModelDirIsRefusedUnlessReplaceIsAsked() throws IOException {
        java.nio.file.Path modelDir = tmp.resolve("taken");
        Files.createDirectories(modelDir);
        Files.writeString(modelDir.resolve("model.zip"), "old");
        Settings s = settings(Map.of("digitloc.train.model-dir", modelDir.toString()));
        assertThatThrownBy(() -> TrainJob.run(spark, s)).hasMessageContaining("already exists")
                .hasMessageContaining("if-exists");
        assertThat(Files.readString(modelDir.resolve("model.zip"))).isEqualTo("old");
    }

    /**
     * A deterministic plateau: with min-delta 1, no epoch after the first can beat it, whatever is learned.
     * Patience 1 stops the run after epoch 2 of 5 and keeps epoch 1's model; a run killed after epoch 2 of
     * a longer plan and resumed remembers its best epoch and stops at once.
     */
    @Test
    void earlyStoppingStopsAtAPlateauAndKeepsTheBestEpochAcrossAResume() throws IOException {
        Map<String, Object> plateau = Map.of("digitloc.train.epochs", 5, "digitloc.train.early-stopping.metric", "accuracy",
                "digitloc.train.early-stopping.patience", 1, "digitloc.train.early-stopping.min-delta", 1.0);
        java.nio.file.Path modelDir = tmp.resolve("stopped");
        Map<String, Object> o = new HashMap<>(plateau);
        o.put("digitloc.train.model-dir", modelDir.toString());
        TrainJob.Result r = TrainJob.run(spark, settings(o));
        assertThat(r.history()).extracting(io.digitloc.core.EpochRecord::epoch).containsExactly(1, 2);
        TrainingMetadata meta = TrainingMetadata.read(Files.readString(modelDir.resolve("metadata.json")), "m");
        assertThat(meta.outcome().plannedEpochs()).isEqualTo(5);
        assertThat(meta.outcome().epochsRun()).isEqualTo(2);
        assertThat(meta.outcome().bestEpoch()).isEqualTo(1);
        assertThat(meta.outcome().stopReason()).contains("patience 1");
        assertThat(meta.finalValidation().accuracy()).isEqualTo(r.history().get(0).valAccuracy());
        // model.zip is epoch 1's network, not epoch 2's
        HadoopConf local = HadoopConf.local();
        ComputationGraph model = ModelStore.load(new Path(modelDir.resolve("model.zip").toString()), false, local);
        ComputationGraph first = ModelStore.load(new Path(modelDir.resolve("checkpoints/epoch-0001.zip").toString()), false, local);
        ComputationGraph second = ModelStore.load(new Path(modelDir.resolve("checkpoints/epoch-0002.zip").toString()), false, local);
        assertThat(model.params().equalsWithEps(first.params(), 0)).isTrue();
        assertThat(model.params().equalsWithEps(second.params(), 1e-6)).isFalse();
        assertThat(modelDir.resolve("tensorboard")).isDirectory();

        // a run of 2 epochs without early stopping, turned back into one killed after its epoch-2 checkpoint
        java.nio.file.Path killed = tmp.resolve("killed");
        TrainJob.run(spark, settings(Map.of("digitloc.train.model-dir", killed.toString())));
        java.nio.file.Path work = tmp.resolve(".killed.inprogress");
        Files.move(killed, work);
        Files.delete(work.resolve("model.zip"));
        Files.delete(work.resolve("metadata.json"));
        Map<String, Object> resumed = new HashMap<>(plateau);
        resumed.put("digitloc.train.model-dir", killed.toString());
        TrainJob.Result again = TrainJob.run(spark, settings(resumed), new Start(true, null));
        assertThat(again.history()).hasSize(2); // nothing more trained: epoch 2 had used up the patience
        TrainingMetadata m2 = TrainingMetadata.read(Files.readString(killed.resolve("metadata.json")), "m");
        assertThat(m2.outcome().bestEpoch()).isEqualTo(1);
        assertThat(ModelStore.load(new Path(killed.resolve("model.zip").toString()), false, local).params()
                .equalsWithEps(ModelStore.load(new Path(killed.resolve("checkpoints/epoch-0001.zip").toString()), false,
                        local).params(), 0)).isTrue();
    }

    /**
     * With train.ema-epochs the driver keeps a moving average of the weights, checkpoints it beside each
     * epoch's network, and keeps it as the model. With averages heard only at each stage's end (one per
     * epoch of 20 batches of 32) and a time constant of half an epoch (320 samples), the average after
     * epoch 2 must be exactly e^-2 x epoch 1's network + (1 - e^-2) x epoch 2's; a resumed third epoch
     * goes on from the saved average.
     */
    @Test
    void theWeightsMovingAverageIsCheckpointedKeptAndResumed() throws IOException {
        java.nio.file.Path modelDir = tmp.resolve("ema");
        Map<String, Object> o = new HashMap<>(Map.of("digitloc.train.model-dir", modelDir.toString(),
                "digitloc.train.ema-epochs", 0.5, "digitloc.train.checkpoint-rounds", 0,
                "digitloc.train.averaging-frequency", 2));
        TrainJob.run(spark, settings(o));
        HadoopConf local = HadoopConf.local();
        java.util.function.Function<String, INDArray> params = f -> ModelStore.load(
                new Path(modelDir.resolve(f).toString()), false, local).params();
        INDArray live1 = params.apply("checkpoints/epoch-0001.zip");
        INDArray live2 = params.apply("checkpoints/epoch-0002.zip");
        float keep = (float) Math.exp(-2);
        assertThat(params.apply("checkpoints/epoch-0001-average.zip").equalsWithEps(live1, 0)).isTrue();
        INDArray expected = live1.mul(keep).addi(live2.mul(1 - keep));
        INDArray average2 = params.apply("checkpoints/epoch-0002-average.zip");
        assertThat(average2.equalsWithEps(expected, 1e-6)).as("e^-2 x epoch 1 + (1 - e^-2) x epoch 2").isTrue();
        assertThat(average2.equalsWithEps(live2, 1e-4)).isFalse();
        assertThat(params.apply("model.zip").equalsWithEps(average2, 0)).as("the average is the model kept").isTrue();

        java.nio.file.Path work = tmp.resolve(".ema.inprogress");
        Files.move(modelDir, work);
        Files.delete(work.resolve("model.zip"));
        Files.delete(work.resolve("metadata.json"));
        o.put("digitloc.train.epochs", 3);
        TrainJob.run(spark, settings(o), new Start(true, null));
        INDArray live3 = params.apply("checkpoints/epoch-0003.zip");
        assertThat(params.apply("model.zip").equalsWithEps(average2.mul(keep).addi(live3.mul(1 - keep)), 1e-6))
                .as("the resumed average goes on from epoch 2's").isTrue();
    }
}
