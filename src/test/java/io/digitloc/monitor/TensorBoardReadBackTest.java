package io.digitloc.monitor;

import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.digitloc.core.EpochRecord;
import io.digitloc.core.Prediction;
import io.digitloc.io.HadoopConf;
import io.digitloc.report.PredictionGrid;
import io.digitloc.run.TrainingHistory;
import org.apache.hadoop.fs.Path;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The event files as the real TensorBoard reads them: scripts/check-tensorboard.py loads a run written
 * here with TensorBoard's EventAccumulator, prints what it read (--json) and checks it against
 * history.json. Runs when a Python with TensorBoard is found: the virtualenv of
 * scripts/check-tensorboard.sh ($DIGITLOC_TB_VENV, default ~/.cache/digitloc/tensorboard-venv; create it
 * with {@code scripts/check-tensorboard.sh --install}); skipped otherwise.
 */
class TensorBoardReadBackTest {
    private static final HadoopConf CONF = HadoopConf.local();
    private static final JsonMapper JSON = JsonMapper.builder().enable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS).build();
    private static File python;

    @TempDir
    java.nio.file.Path tmp;

    private static File venv;

    @BeforeAll
    static void findTensorBoard() throws Exception {
        String dir = System.getenv("DIGITLOC_TB_VENV");
        venv = dir != null && !dir.isBlank() ? new File(dir)
                : new File(System.getProperty("user.home"), ".cache/digitloc/tensorboard-venv");
        File candidate = new File(venv, "bin/python");
        if (candidate.canExecute()
                && new ProcessBuilder(candidate.getPath(), "-c", "import tensorboard").start().waitFor() == 0) {
            python = candidate;
        }
    }

    @BeforeEach
    void needsTensorBoard() { // per test, so that surefire counts the tests as skipped
        Assumptions.assumeTrue(python != null, "no TensorBoard in " + venv
                + " (scripts/check-tensorboard.sh --install makes it)");
    }

    /** A run as the training loop writes it: settings, progress lines, epochs, the grid; killed after epoch 2, resumed. */
    private List<EpochRecord> writeRun(java.nio.file.Path run, byte[][] grids) throws IOException {
        List<EpochRecord> h = new ArrayList<>();
        // awkward figures: not exact in float32, tiny, and one IoU share not recorded (NaN)
        h.add(new EpochRecord(1, 2.3025851, 0.1, 0.2001, 0.61, 3.28e-3, 12000, 14.2, 15.9, 845.07));
        h.add(new EpochRecord(2, 0.4115, 0.1564, 0.9475, 0.7101, 1.91e-3, 0.98765432, 12000, 13.1, 15.0, 916.03));
        h.add(new EpochRecord(3, 0.0363, 0.1135, 0.9665, 0.680, 2.45e-3, 0.99, 12000, 13.0, 14.8, 923.1));
        Path events = new Path(run.resolve("tensorboard").toUri());
        try (TrainingBoard board = TrainingBoard.open(events, CONF, false)) {
            board.settings(0, "digitloc {\n  train { epochs = 3 }\n}");
            for (int e = 0; e < 2; e++) {
                long done = TrainingBoard.samplesThrough(h.subList(0, e));
                board.scalars(done + 6400, Map.of(TrainingBoard.TRAIN_LOSS, 1.5 - e, TrainingBoard.LEARNING_RATE,
                        0.003 * (1 - e / 3.0), TrainingBoard.IMAGES_PER_SECOND, 850.0));
                board.epochs(h.subList(0, e + 1));
                board.image(TrainingBoard.PREDICTIONS, TrainingBoard.samplesThrough(h.subList(0, e + 1)), grids[e]);
            }
            board.scalars(24_000 + 6400, Map.of(TrainingBoard.TRAIN_LOSS, 0.9)); // epoch 3, then killed
        }
        TrainingHistory history = new TrainingHistory();
        h.forEach(history::add);
        try (TrainingBoard board = TrainingBoard.open(events, CONF, true)) {
            board.settings(24_000, "digitloc {\n  train { epochs = 3 }\n}\n# resumed");
            board.scalars(24_000 + 6400, Map.of(TrainingBoard.TRAIN_LOSS, 0.95)); // already there: skipped
            board.epochs(h);
            board.image(TrainingBoard.PREDICTIONS, 36_000, grids[2]);
        }
        history.save(new Path(run.toUri()), CONF);
        return h;
    }

    private static byte[] grid(int digit) throws IOException {
        byte[] canvas = new byte[75 * 75];
        for (int y = 20; y < 48; y++) {
            for (int x = 30; x < 58; x++) {
                canvas[y * 75 + x] = (byte) 200;
            }
        }
        float[] probs = new float[10];
        probs[digit] = 1;
        Prediction p = Prediction.of(1, digit, probs, new float[] {0.4f, 0.27f, 0.77f, 0.64f},
                new float[] {0.41f, 0.28f, 0.78f, 0.66f});
        var image = PredictionGrid.draw(List.of(new PredictionGrid.Section("Validation canvases",
                List.of(new PredictionGrid.Cell(canvas, 75, p)))), 4, 75);
        ByteArrayOutputStream png = new ByteArrayOutputStream();
        ImageIO.write(image, "png", png);
        return png.toByteArray();
    }

    private record Result(int exit, String out, String err) {
    }

    private Result check(java.nio.file.Path run, String... extra) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(python.getPath(), new File("scripts/check-tensorboard.py").getPath(),
                run.toString()));
        cmd.addAll(List.of(extra));
        ProcessBuilder pb = new ProcessBuilder(cmd);
        pb.redirectError(tmp.resolve("stderr.txt").toFile());
        pb.redirectOutput(tmp.resolve("stdout.txt").toFile());
        Process p = pb.start();
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).as("check-tensorboard.py finished").isTrue();
        return new Result(p.exitValue(), Files.readString(tmp.resolve("stdout.txt")), Files.readString(tmp.resolve("stderr.txt")));
    }

    @Test
    void tensorBoardReadsEveryFigureImageAndTextBack() throws Exception {
        java.nio.file.Path run = tmp.resolve("run");
        byte[][] grids = {grid(3), grid(7), grid(9)};
        List<EpochRecord> h = writeRun(run, grids);

        Result r = check(run, "--json");
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.err()).contains("3 epochs x 8 figures equal to history.json");
        JsonNode seen = JSON.readTree(r.out());
        assertThat(seen.get("files")).hasSize(2);

        long step = 0;
        for (EpochRecord e : h) {
            step += e.examples();
            for (var f : TrainingBoard.EPOCH_FIGURES.entrySet()) {
                JsonNode points = seen.get("scalars").get(f.getKey());
                assertThat(points).as(f.getKey()).hasSize(3);
                JsonNode point = points.get(e.epoch() - 1);
                assertThat(point.get(0).asLong()).isEqualTo(step);
                Float want = (float) f.getValue().applyAsDouble(e); // boxed: NaN (not recorded) equals NaN
                assertThat(Float.valueOf((float) point.get(1).asDouble())).as(f.getKey() + " epoch " + e.epoch())
                        .isEqualTo(want);
            }
        }
        JsonNode loss = seen.get("scalars").get(TrainingBoard.TRAIN_LOSS);
        assertThat(loss).hasSize(3);
        assertThat(loss.get(2).get(0).asLong()).isEqualTo(30_400);
        assertThat(loss.get(2).get(1).asDouble()).as("the killed attempt's value stands").isEqualTo(0.9f);

        JsonNode images = seen.get("images").get(TrainingBoard.PREDICTIONS);
        assertThat(images).hasSize(3);
        for (int i = 0; i < 3; i++) {
            var header = TfEvents.Png.header(grids[i]);
            assertThat(images.get(i).get("step").asLong()).isEqualTo(12_000L * (i + 1));
            assertThat(images.get(i).get("width").asInt()).isEqualTo(header.width());
            assertThat(images.get(i).get("height").asInt()).isEqualTo(header.height());
            assertThat(images.get(i).get("sha256").asText()).isEqualTo(sha256(grids[i]));
        }
        JsonNode settings = seen.get("texts").get(TrainingBoard.SETTINGS);
        assertThat(settings).hasSize(2);
        assertThat(settings.get(0).get(1).asText()).isEqualTo("    digitloc {\n      train { epochs = 3 }\n    }");
        assertThat(settings.get(1).get(0).asLong()).isEqualTo(24_000);
    }

    @Test
    void theCheckFailsWhenAFigureDiffersFromHistory() throws Exception {
        java.nio.file.Path run = tmp.resolve("run");
        writeRun(run, new byte[][] {grid(1), grid(2), grid(3)});
        java.nio.file.Path json = run.resolve("history.json");
        Files.writeString(json, Files.readString(json).replace("0.9475", "0.9476"));
        Result r = check(run);
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.err()).contains("MISMATCH validation/accuracy: epoch 2 (step 24000)");

        Files.delete(json);
        TrainingHistory shorter = new TrainingHistory();
        shorter.add(new EpochRecord(1, 2.3025851, 0.1, 0.2001, 0.61, 3.28e-3, 12000, 14.2, 15.9, 845.07));
        shorter.save(new Path(run.toUri()), CONF);
        r = check(run);
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.err()).contains("values at steps history.json has no epoch for: [24000, 36000]");
    }

    private static String sha256(byte[] b) throws NoSuchAlgorithmException {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
    }
}
