package io.digitloc.monitor;

import io.digitloc.config.Settings;
import io.digitloc.core.EpochRecord;
import io.digitloc.io.HadoopConf;
import org.apache.hadoop.fs.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tensorflow.framework.Summary;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TrainingBoardTest {
    private static final HadoopConf CONF = HadoopConf.local();
    private static final long N = 12_000; // canvases per epoch

    @TempDir
    java.nio.file.Path tmp;

    static List<EpochRecord> history(int epochs) {
        List<EpochRecord> h = new ArrayList<>();
        for (int e = 1; e <= epochs; e++) {
            h.add(new EpochRecord(e, 1.0 / e, 0.9 / e, 0.5 + 0.07 * e, 0.4 + 0.05 * e, 0.01 / e, 0.3 + 0.1 * e, N,
                    10 + e, 12.5 + e, 800 + e));
        }
        return h;
    }

    private Path dir() {
        return new Path(tmp.resolve("run/tensorboard").toUri());
    }

    /** Every (tag, step) of every event file in the directory, in reading order. */
    static List<String> tagSteps(Path dir) {
        List<String> all = new ArrayList<>();
        for (Path f : EventFiles.list(dir, CONF)) {
            for (TfEvents.Event e : EventFiles.read(f, CONF)) {
                if (e.summary() != null) {
                    e.summary().getValueList().forEach(v -> all.add(v.getTag() + "@" + e.step()));
                }
            }
        }
        return all;
    }

    @Test
    void eachCallIsOnDiskBeforeItReturnsAndReadsBack() throws IOException {
        List<EpochRecord> h = history(2);
        try (TrainingBoard board = TrainingBoard.open(dir(), CONF, false)) {
            assertThat(board.file().getName()).matches("events\\.out\\.tfevents\\.\\d{10}\\.[A-Za-z0-9._-]+\\.\\d+");
            board.settings(0, "digitloc {\n  epochs = 2\n}");
            board.scalars(640, Map.of(TrainingBoard.TRAIN_LOSS, 2.25, TrainingBoard.LEARNING_RATE, 0.003,
                    TrainingBoard.IMAGES_PER_SECOND, 810.0));
            board.epochs(h);
            board.image(TrainingBoard.PREDICTIONS, 2 * N, new BufferedImage(30, 20, BufferedImage.TYPE_INT_RGB));

            // read with plain java.nio while the board is still open: hflush reached the file
            java.nio.file.Path file = tmp.resolve("run/tensorboard").resolve(board.file().getName());
            List<TfEvents.Event> events = new ArrayList<>();
            for (byte[] r : TfRecord.readAll(Files.readAllBytes(file))) {
                events.add(TfEvents.parse(r));
            }
            assertThat(events).as("events flushed to the file").hasSize(6);
            assertThat(events.get(0).fileVersion()).isEqualTo("brain.Event:2");
            Map<String, Float> scalars = new HashMap<>();
            Map<String, Long> steps = new HashMap<>();
            for (TfEvents.Event e : events.subList(1, events.size())) {
                for (Summary.Value v : e.summary().getValueList()) {
                    scalars.put(v.getTag() + "@" + e.step(), v.getSimpleValue());
                    steps.put(v.getTag(), e.step());
                }
            }
            assertThat(scalars).containsEntry("train/loss@640", 2.25f).containsEntry("train/learning_rate@640", 0.003f);
            assertThat(scalars).containsEntry("validation/accuracy@" + N, (float) h.get(0).valAccuracy())
                    .containsEntry("validation/accuracy@" + 2 * N, (float) h.get(1).valAccuracy())
                    .containsEntry("validation/iou_at_0.6@" + 2 * N, (float) h.get(1).valIouShare())
                    .containsEntry("epoch/train_loss@" + N, (float) h.get(0).trainLoss());
            assertThat(steps).containsEntry(TrainingBoard.PREDICTIONS, 2 * N).containsEntry(TrainingBoard.SETTINGS, 0L);
            Summary.Value text = events.get(1).summary().getValue(0);
            assertThat(text.getTensor().getStringVal(0).toStringUtf8()).isEqualTo("    digitloc {\n      epochs = 2\n    }");
            assertThat(board.failure()).isEmpty();
        }
        try (Stream<java.nio.file.Path> files = Files.list(tmp.resolve("run/tensorboard"))) {
            assertThat(files).as("one event file, no .crc beside it (TensorBoard would read it)").hasSize(1);
        }
    }

    @Test
    void aResumedRunAppendsAFileAndWritesNoStepTwice() throws IOException {
        List<EpochRecord> h = history(3);
        Path first;
        try (TrainingBoard board = TrainingBoard.open(dir(), CONF, false)) {
            first = board.file();
            board.settings(0, "epochs = 3");
            board.epochs(h.subList(0, 2));
            // epoch 3 under way when the run is killed
            board.scalars(2 * N + 640, Map.of(TrainingBoard.TRAIN_LOSS, 0.5));
            board.scalars(2 * N + 1280, Map.of(TrainingBoard.TRAIN_LOSS, 0.4));
        }
        // killed in the middle of writing a record
        byte[] half = TfRecord.frame(TfEvents.summary(0, 2 * N + 1920,
                Summary.newBuilder().addValue(TfEvents.scalar(TrainingBoard.TRAIN_LOSS, 0.3)).build()));
        Files.write(tmp.resolve("run/tensorboard").resolve(first.getName()), java.util.Arrays.copyOf(half, 20),
                StandardOpenOption.APPEND);

        try (TrainingBoard board = TrainingBoard.open(dir(), CONF, true)) {
            assertThat(board.file()).isNotEqualTo(first);
            assertThat(board.lastStep(TrainingBoard.TRAIN_LOSS)).isEqualTo(2 * N + 1280);
            assertThat(board.lastStep("validation/accuracy")).isEqualTo(2 * N);
            assertThat(board.lastStep(TrainingBoard.PREDICTIONS)).isEqualTo(-1);
            board.settings(TrainingBoard.samplesThrough(h.subList(0, 2)), "epochs = 3, resumed");
            // epoch 3 redone from the epoch-2 checkpoint: its first progress lines were already written
            board.scalars(2 * N + 640, Map.of(TrainingBoard.TRAIN_LOSS, 0.55));
            board.scalars(2 * N + 1280, Map.of(TrainingBoard.TRAIN_LOSS, 0.45));
            board.scalars(2 * N + 1920, Map.of(TrainingBoard.TRAIN_LOSS, 0.35));
            board.epochs(h); // epochs 1 and 2 are there: only epoch 3 is written
            board.epochs(h);
        }
        assertThat(EventFiles.list(dir(), CONF)).hasSize(2);
        List<String> all = tagSteps(dir());
        assertThat(all).doesNotHaveDuplicates();
        assertThat(all).contains("train/loss@" + (2 * N + 1920), "validation/accuracy@" + 3 * N,
                "run/settings@0", "run/settings@" + 2 * N);
        assertThat(all.stream().filter(s -> s.startsWith("validation/accuracy@"))).hasSize(3);
        assertThat(EventFiles.lastSteps(dir(), CONF)).containsEntry(TrainingBoard.TRAIN_LOSS, 2 * N + 1920);
    }

    @Test
    void aFreshRunReplacesTheEventsOfTheRunBefore() {
        try (TrainingBoard board = TrainingBoard.open(dir(), CONF, false)) {
            board.epochs(history(4));
        }
        try (TrainingBoard board = TrainingBoard.open(dir(), CONF, false)) {
            assertThat(board.lastStep("validation/loss")).isEqualTo(-1);
            board.epochs(history(1));
        }
        assertThat(EventFiles.list(dir(), CONF)).hasSize(1);
        assertThat(tagSteps(dir())).contains("validation/loss@" + N).doesNotContain("validation/loss@" + 2 * N);
    }

    @Test
    void eventsGoUnderTheRunOrToOneSubdirectoryPerRun() {
        Path work = new Path("/data/runs/.full.inprogress");
        Path model = new Path("/data/runs/full");
        assertThat(TrainingBoard.directory(Settings.defaults().train().monitor(), work, model))
                .isEqualTo(new Path("/data/runs/.full.inprogress/tensorboard"));
        var shared = Settings.load(null, Map.of("digitloc.train.tensorboard-dir", "hdfs://nn/tb")).train().monitor();
        assertThat(TrainingBoard.directory(shared, work, model)).isEqualTo(new Path("hdfs://nn/tb/full"));
    }

    @Test
    void withTensorBoardOffTheBoardWritesNothing() {
        var off = Settings.load(null, Map.of("digitloc.train.tensorboard", false)).train().monitor();
        Path run = new Path(tmp.resolve("off-run").toUri());
        try (TrainingBoard board = TrainingBoard.forRun(off, run, new Path("/x/off-run"), CONF, false)) {
            board.epochs(history(2));
            board.settings(0, "x");
            assertThat(board.file()).isNull();
            assertThat(board.lastStep("validation/loss")).isEqualTo(-1);
        }
        assertThat(tmp.resolve("off-run")).doesNotExist();
        var on = Settings.defaults().train().monitor();
        try (TrainingBoard board = TrainingBoard.forRun(on, run, new Path("/x/off-run"), CONF, false)) {
            assertThat(board.file().getParent().getName()).isEqualTo("tensorboard");
        }
    }

    @Test
    void aFailedWriteIsLoggedOnceAndTrainingGoesOn() {
        java.io.OutputStream broken = new java.io.OutputStream() {
            @Override
            public void write(int b) throws IOException {
                throw new IOException("disk quota exceeded");
            }
        };
        TrainingBoard board = new TrainingBoard(new Path("/x/events.out.tfevents.1"),
                new org.apache.hadoop.fs.FSDataOutputStream(broken, null), new HashMap<>());
        board.epochs(history(2));
        board.scalars(100, Map.of(TrainingBoard.TRAIN_LOSS, 1.0));
        board.flush();
        assertThat(board.failure()).contains("disk quota exceeded");
        assertThat(board.lastStep("validation/loss")).as("nothing counts as written").isEqualTo(-1);
        board.close();
    }

    @Test
    void stepsAreSamplesSeen() {
        assertThat(TrainingBoard.samplesThrough(List.of())).isZero();
        assertThat(TrainingBoard.samplesThrough(history(3))).isEqualTo(3 * N);
    }

    @Test
    void badArgumentsAreRefused() {
        try (TrainingBoard board = TrainingBoard.open(dir(), CONF, false)) {
            Map<String, Double> loss = new LinkedHashMap<>();
            loss.put(TrainingBoard.TRAIN_LOSS, 1.0);
            assertThatThrownBy(() -> board.scalars(-1, loss)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("steps count samples");
            assertThatThrownBy(() -> board.text(" ", 0, "x")).hasMessageContaining("tag");
            assertThatThrownBy(() -> board.image("x", 0, new byte[40])).hasMessageContaining("not a PNG");
            board.close();
            assertThatThrownBy(() -> board.scalars(1, loss)).isInstanceOf(IllegalStateException.class);
        }
    }
}
