package io.digitloc.monitor;

import io.digitloc.config.MonitorSettings;
import io.digitloc.core.EpochRecord;
import io.digitloc.io.HadoopConf;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.StreamCapabilities;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.tensorflow.framework.Summary;

import javax.imageio.ImageIO;
import java.awt.image.RenderedImage;
import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.ToDoubleFunction;

/**
 * A training run as TensorBoard shows it: one event file per process (run or resumed run) in the
 * run's TensorBoard directory, written by the driver. Steps are training samples seen since the run
 * began, so curves of runs with different batch sizes or worker counts line up.
 * <p>
 * <b>No step twice.</b> A resumed run appends a new file beside the earlier ones (TensorBoard reads
 * every file of the directory) and writes a tag only at steps beyond the last one any file holds for
 * it. So the epochs of the history can be passed again and again ({@link #epochs}): only those not yet
 * written are; and progress lines of an epoch redone after a kill do not repeat the killed attempt's.
 * Write an epoch's figures after its checkpoint: then what TensorBoard holds for it is what the
 * resumed run keeps in history.json.
 * <p>
 * Each call is flushed (hflush) before it returns, so TensorBoard sees it at once (on object stores,
 * which cannot flush an open file, when the board is closed). Monitoring must not
 * end an hour of training: after {@link #open} succeeded, a failed write is logged once and the board
 * writes nothing more ({@link #failure}). Bad arguments still throw.
 */
public final class TrainingBoard implements Closeable {
    private static final Logger LOG = LoggerFactory.getLogger(TrainingBoard.class);

    /** The run directory's TensorBoard subdirectory (when {@code train.tensorboard-dir} is blank). */
    public static final String DIRECTORY = "tensorboard";

    /** Per progress line: the training loss of the last round. */
    public static final String TRAIN_LOSS = "train/loss";
    /** Per progress line: the learning rate in force. */
    public static final String LEARNING_RATE = "train/learning_rate";
    /** Per progress line: training images per second. */
    public static final String IMAGES_PER_SECOND = "train/images_per_second";
    /** Per epoch: the prediction grid (report.PredictionGrid) on validation canvases. */
    public static final String PREDICTIONS = "validation/predictions";
    /** Once per run (and resumed run): the settings in force. */
    public static final String SETTINGS = "run/settings";

    /**
     * Per epoch, at the step of the samples seen by its end: each tag and the history.json figure it
     * shows (scripts/check-tensorboard.py holds the same table, by history.json field name).
     */
    public static final Map<String, ToDoubleFunction<EpochRecord>> EPOCH_FIGURES = epochFigures();

    private static Map<String, ToDoubleFunction<EpochRecord>> epochFigures() {
        Map<String, ToDoubleFunction<EpochRecord>> m = new LinkedHashMap<>();
        m.put("epoch/train_loss", EpochRecord::trainLoss);
        m.put("epoch/images_per_second", EpochRecord::imagesPerSecond);
        m.put("epoch/seconds", EpochRecord::epochSeconds);
        m.put("validation/loss", EpochRecord::valLoss);
        m.put("validation/accuracy", EpochRecord::valAccuracy);
        m.put("validation/mean_iou", EpochRecord::valMeanIou);
        m.put("validation/box_mse", EpochRecord::valBoxMse);
        m.put("validation/iou_at_0.6", EpochRecord::valIouShare);
        return Collections.unmodifiableMap(m);
    }

    private final Path file;
    private final FSDataOutputStream out;
    private final Map<String, Long> lastSteps;
    private final boolean hflush;
    private String failure;
    private boolean closed;

    TrainingBoard(Path file, FSDataOutputStream out, Map<String, Long> lastSteps) {
        this.file = file;
        this.out = out;
        this.lastSteps = lastSteps;
        this.hflush = out != null && out.hasCapability(StreamCapabilities.HFLUSH);
        if (out != null && !hflush) {
            LOG.info("TensorBoard: {} cannot be flushed while open (object store?); its events show when the run ends", file);
        }
    }

    /**
     * Where a run's event files go: {@code <runDir>/tensorboard} when {@code tensorboard-dir} is blank
     * (the directory the run is built in, published with it), else {@code <tensorboard-dir>/<name of the
     * model dir>}, one subdirectory per run.
     */
    public static Path directory(MonitorSettings settings, Path runDir, Path modelDir) {
        return settings.tensorboardDir().isBlank() ? new Path(runDir, DIRECTORY)
                : new Path(new Path(settings.tensorboardDir()), modelDir.getName());
    }

    /**
     * The board of a training run as its settings say: a new event file in {@link #directory}, or, with
     * {@code digitloc.train.tensorboard = false}, a board that writes nothing (so the loop needs no checks).
     *
     * @param runDir the directory the run is built in (the in-progress directory)
     * @param resume see {@link #open}
     */
    public static TrainingBoard forRun(MonitorSettings settings, Path runDir, Path modelDir, HadoopConf conf,
                                       boolean resume) {
        return settings.tensorboard() ? open(directory(settings, runDir, modelDir), conf, resume)
                : new TrainingBoard(null, null, new HashMap<>());
    }

    /**
     * Starts a new event file in {@code dir} (created if missing).
     *
     * @param resume false for a fresh run: the event files already in {@code dir} belong to the run this
     *               one replaces and are deleted; true for a resumed run: they stay, and their last step
     *               per tag is where this file carries on
     * @throws UncheckedIOException when the directory cannot be read or the file created
     */
    public static TrainingBoard open(Path dir, HadoopConf conf, boolean resume) {
        FileSystem fs = EventFiles.fs(dir, conf);
        Map<String, Long> last = new HashMap<>();
        if (resume) {
            last.putAll(EventFiles.lastSteps(dir, conf));
        } else {
            int deleted = EventFiles.deleteAll(dir, conf);
            if (deleted > 0) {
                LOG.info("TensorBoard: removed {} event file(s) of the earlier run in {}", deleted, dir);
            }
        }
        double now = System.currentTimeMillis() / 1000.0;
        try {
            fs.mkdirs(dir);
            String base = String.format(Locale.ROOT, "events.out.tfevents.%010d.%s.%d", (long) now, host(),
                    ProcessHandle.current().pid());
            Path file = new Path(dir, base);
            for (int k = 1; fs.exists(file); k++) { // a second board of this process within the second
                file = new Path(dir, base + "." + k);
            }
            FSDataOutputStream out = fs.create(file, false);
            TrainingBoard board = new TrainingBoard(file, out, last);
            board.append(TfEvents.fileVersion(now));
            if (board.failure != null) {
                throw new IOException(board.failure);
            }
            LOG.info("TensorBoard: events in {}{}", file, resume && !last.isEmpty()
                    ? " (resumed: tags carry on after the steps already written)" : "");
            return board;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start TensorBoard events in " + dir + ": " + e.getMessage(), e);
        }
    }

    /** The host name for the file name (TensorFlow's convention), reduced to safe characters. */
    private static String host() {
        String name;
        try {
            name = InetAddress.getLocalHost().getHostName();
        } catch (IOException | RuntimeException e) {
            name = "localhost";
        }
        return name.replaceAll("[^A-Za-z0-9._-]", "_");
    }

    /** The file this board writes; null when it writes nothing (TensorBoard off). */
    public Path file() {
        return file;
    }

    /** The highest step written for {@code tag} by this or an earlier file of the run; -1 when none. */
    public synchronized long lastStep(String tag) {
        return lastSteps.getOrDefault(tag, -1L);
    }

    /** Why the board stopped writing, if a write failed. */
    public synchronized Optional<String> failure() {
        return Optional.ofNullable(failure);
    }

    /** Samples seen by the end of the last epoch of {@code history}: the step of its figures. */
    public static long samplesThrough(List<EpochRecord> history) {
        long samples = 0;
        for (EpochRecord r : history) {
            samples += r.examples();
        }
        return samples;
    }

    /** Scalars at one step (e.g. a progress line: {@link #TRAIN_LOSS}, {@link #LEARNING_RATE}, {@link #IMAGES_PER_SECOND}). */
    public synchronized void scalars(long step, Map<String, ? extends Number> values) {
        List<Summary.Value> fresh = new ArrayList<>();
        values.forEach((tag, v) -> {
            if (isNew(tag, step)) {
                fresh.add(TfEvents.scalar(tag, v.doubleValue()));
            }
        });
        write(step, fresh);
    }

    /**
     * The figures of every epoch of {@code history} not written yet ({@link #EPOCH_FIGURES}), each at the
     * samples seen by its end. Call after each epoch's checkpoint with the whole history; a resumed run
     * may call it at once to fill in an epoch whose figures a kill kept out.
     */
    public synchronized void epochs(List<EpochRecord> history) {
        long step = 0;
        for (EpochRecord r : history) {
            step += r.examples();
            List<Summary.Value> fresh = new ArrayList<>();
            for (Map.Entry<String, ToDoubleFunction<EpochRecord>> f : EPOCH_FIGURES.entrySet()) {
                if (isNew(f.getKey(), step)) {
                    fresh.add(TfEvents.scalar(f.getKey(), f.getValue().applyAsDouble(r)));
                }
            }
            write(step, fresh);
        }
    }

    /** A PNG image (e.g. {@link #PREDICTIONS}); width, height and channels are read from its header. */
    public synchronized void image(String tag, long step, byte[] png) {
        Summary.Value value = TfEvents.image(tag, png); // checks it is a PNG even when the step is old
        if (isNew(tag, step)) {
            write(step, List.of(value));
        }
    }

    /** A picture (e.g. report.PredictionGrid.draw's), stored as PNG. */
    public void image(String tag, long step, RenderedImage picture) {
        ByteArrayOutputStream png = new ByteArrayOutputStream();
        try {
            if (!ImageIO.write(picture, "png", png)) {
                throw new IllegalArgumentException("no PNG writer for this image type");
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e); // memory only
        }
        image(tag, step, png.toByteArray());
    }

    /** Markdown text for TensorBoard's text dashboard. */
    public synchronized void text(String tag, long step, String markdown) {
        if (isNew(tag, step)) {
            write(step, List.of(TfEvents.text(tag, markdown)));
        }
    }

    /** The run's settings (Settings.rendered(), HOCON) as a code block under {@link #SETTINGS}. */
    public void settings(long step, String rendered) {
        text(SETTINGS, step, codeBlock(rendered));
    }

    /** Markdown's indented code block: the text verbatim, whatever characters it holds. */
    static String codeBlock(String text) {
        return "    " + text.strip().replace("\r\n", "\n").replace("\n", "\n    ");
    }

    private boolean isNew(String tag, long step) {
        if (tag == null || tag.isBlank()) {
            throw new IllegalArgumentException("a TensorBoard tag must not be blank");
        }
        if (step < 0) {
            throw new IllegalArgumentException("steps count samples from 0, not " + step);
        }
        return step > lastSteps.getOrDefault(tag, -1L);
    }

    private void write(long step, List<Summary.Value> values) {
        if (values.isEmpty()) {
            return;
        }
        Summary summary = Summary.newBuilder().addAllValue(values).build();
        if (append(TfEvents.summary(System.currentTimeMillis() / 1000.0, step, summary))) {
            values.forEach(v -> lastSteps.merge(v.getTag(), step, Math::max));
        }
    }

    /** Appends one framed event and flushes it; false (after logging the first failure) when it could not. */
    private boolean append(byte[] event) {
        if (closed) {
            throw new IllegalStateException("TensorBoard events " + file + " already closed");
        }
        if (failure != null || out == null) {
            return false;
        }
        try {
            out.write(TfRecord.frame(event));
            push();
            return true;
        } catch (IOException | RuntimeException e) {
            failure = e.getMessage() == null ? e.toString() : e.getMessage();
            LOG.warn("TensorBoard: cannot write {} ({}); training goes on without its events", file, failure);
            return false;
        }
    }

    /**
     * Makes what was written visible to readers: hflush where the stream supports it (HDFS, local);
     * object stores such as S3 refuse hflush and show the file only once it is closed.
     */
    private void push() throws IOException {
        if (hflush) {
            out.hflush();
        } else {
            out.flush();
        }
    }

    /** Pushes what was written to the filesystem (each call already does; for callers that want it said). */
    public synchronized void flush() {
        if (!closed && failure == null && out != null) {
            try {
                push();
            } catch (IOException | RuntimeException e) {
                failure = e.getMessage() == null ? e.toString() : e.getMessage();
                LOG.warn("TensorBoard: cannot flush {} ({}); training goes on without its events", file, failure);
            }
        }
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (out == null) {
            return;
        }
        try {
            out.close();
        } catch (IOException e) {
            LOG.warn("TensorBoard: cannot close {} ({})", file, e.getMessage());
        }
    }
}
