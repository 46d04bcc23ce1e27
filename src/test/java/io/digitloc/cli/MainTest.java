package io.digitloc.cli;

import io.digitloc.testing.Cli;
import io.digitloc.testing.IdxFixtures;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

class MainTest {
    @TempDir
    Path tmp;



    @Test
    void helpExplainsEveryGenerateOption() {
        Cli.Run r = Cli.run("generate", "--help");
        assertThat(r.code()).isZero();
        assertThat(r.out()).contains("--mnist-dir", "--data-dir", "--canvas-size", "--train-shards", "--if-exists",
                "--config", "--set", "--seed");
    }

    @Test
    void impossibleSettingIsAUsageErrorNamingTheSetting() {
        Path out = tmp.resolve("out");
        Cli.Run r = Cli.run("generate", "--canvas-size", "20", "--data-dir", out.toString());
        assertThat(r.code()).isEqualTo(Main.USAGE);
        assertThat(r.err()).contains("error: setting digitloc.data.canvas-size = 20");
        assertThat(out).doesNotExist();

        Cli.Run zero = Cli.run("generate", "--train-shards", "0", "--data-dir", out.toString());
        assertThat(zero.code()).isEqualTo(Main.USAGE);
        assertThat(zero.err()).contains("digitloc.data.train-shards = 0");
    }

    @Test
    void missingInputFailsBeforeSparkWithNothingWritten() {
        Path out = tmp.resolve("out");
        Cli.Run r = Cli.run("generate", "--mnist-dir", tmp.resolve("nowhere").toString(), "--data-dir", out.toString());
        assertThat(r.code()).isEqualTo(Main.FAILED);
        assertThat(r.err()).contains("error: no train images file in").contains("nowhere");
        assertThat(out).doesNotExist();
    }

    @Test
    void generateRunsEndToEndThroughTheCli() {
        Path mnist = IdxFixtures.mnistDir(tmp.resolve("mnist"), 40, 10);
        Path out = tmp.resolve("data");
        Cli.Run r = Cli.run("generate", "--mnist-dir", mnist.toString(), "--data-dir", out.toString(), "--master", "local[2]");
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).contains("generate: 40 train + 10 validation canvases (75x75)");
        assertThat(out.resolve("_manifest.json")).exists();
    }

    @Test
    void everyOptionWithADescriptionKeySetsADeclaredSettingAndShowsItsDefault() {
        picocli.CommandLine cli = new picocli.CommandLine(new Main());
        int settingOptions = 0;
        for (picocli.CommandLine sub : cli.getSubcommands().values()) {
            for (picocli.CommandLine.Model.OptionSpec o : sub.getCommandSpec().options()) {
                String key = o.descriptionKey();
                if (key.isEmpty() || key.startsWith("mixinStandardHelpOptions.")) {
                    continue;
                }
                assertThat(CommonOptions.setting(o)).as(sub.getCommandName() + " " + o.longestName()).isEqualTo(key);
                settingOptions++;
            }
        }
        assertThat(settingOptions).isGreaterThan(40);
        Cli.Run help = Cli.run("train", "--help");
        assertThat(help.out()).contains("--averaging-frequency=N").contains("Mini-batches each worker fits between two")
                .contains("(default: 16)");
        Cli.Run score = Cli.run("score", "--help");
        assertThat(score.out()).contains("--batch=N").contains("(default: 256)");
    }

    /** The two evaluation limits set different settings, and each option's help says which canvases it counts. */
    @Test
    void theTwoEvaluationLimitsExplainWhichCanvasesTheyCount() {
        // help wraps lines anywhere, even after a '.': compare without white space
        String help = Cli.run("pipeline", "--help").out().replaceAll("\\s+", "");
        assertThat(help).contains("--epoch-eval-limit=NValidationcanvasesscoredaftereachtrainingepoch")
                .contains("--eval-limit=NValidationcanvasesscoredbytheevaluatestage");
        assertThat(help).contains("notbytheevaluatestage(eval.limit)")
                .contains("notbytheper-epochcheckoftraining(train.eval-limit)");
    }
}
