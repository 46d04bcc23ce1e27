package io.digitloc.pipeline;

import io.digitloc.config.Settings;
import io.digitloc.data.GenerateJob;
import io.digitloc.testing.Mnist;
import io.digitloc.testing.TestSpark;
import io.digitloc.train.Start;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.util.HashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The stages wired once: generate when the plan asks for it, else reuse; then train and evaluate. */
class PipelineTest {
    @TempDir
    static java.nio.file.Path tmp;

    private static Settings settings() {
        Map<String, Object> o = new HashMap<>();
        o.put("digitloc.data.mnist-dir", Mnist.dir().toString());
        o.put("digitloc.data.dir", tmp.resolve("data").toString());
        o.put("digitloc.data.train-limit", 128);
        o.put("digitloc.data.validation-limit", 40);
        o.put("digitloc.train.epochs", 1);
        o.put("digitloc.train.model-dir", tmp.resolve("model").toString());
        o.put("digitloc.train.if-exists", "replace");
        return Settings.load(null, o);
    }

    @Test
    void generatesTrainsAndEvaluatesThenReusesTheDataset() {
        Settings settings = settings();
        GenerateJob.Plan plan = GenerateJob.planIfNeeded(settings, io.digitloc.io.HadoopConf.local());
        assertThat(plan).as("no dataset yet: a plan to generate one").isNotNull();
        Pipeline.Result first = Pipeline.run(TestSpark.get(), settings, plan, Start.FRESH);
        assertThat(first.generated()).isNotNull();
        assertThat(first.trained().history()).hasSize(1);
        assertThat(first.evaluated().metrics().count()).isEqualTo(40);
        assertThat(tmp.resolve("model/metrics.json")).isRegularFile();

        assertThat(GenerateJob.planIfNeeded(settings, io.digitloc.io.HadoopConf.local())).as("the manifest matches: nothing to generate").isNull();
        Pipeline.Result again = Pipeline.run(TestSpark.get(), settings, null, Start.FRESH);
        assertThat(again.generated()).isNull();
        assertThat(again.evaluated().metrics().count()).isEqualTo(40);
    }
}
