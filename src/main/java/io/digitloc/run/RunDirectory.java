package io.digitloc.run;

import io.digitloc.core.RunLayout;
import io.digitloc.io.HadoopConf;
import io.digitloc.io.HadoopFiles;
import io.digitloc.io.Json;
import io.digitloc.rounds.OuterOptimizer;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;

/** What a run keeps in its directory besides checkpoints' zips: found again on {@code --resume}. Names: {@link RunLayout}. */
public final class RunDirectory {
    private static final Logger LOG = LoggerFactory.getLogger(RunDirectory.class);

    private RunDirectory() {
    }

    /** The hidden directory a run of {@code modelDir} is built in (and resumed from). */
    public static Path inProgress(Path modelDir) {
        return new Path(modelDir.getParent(), RunLayout.inProgressName(modelDir.getName()));
    }

    /** The highest epoch with a checkpoint in {@code work}, 0 when there is none. */
    public static int lastCheckpoint(Path work, HadoopConf conf) {
        int last = 0;
        for (var status : HadoopFiles.list(new Path(work, RunLayout.CHECKPOINTS), conf)) {
            last = Math.max(last, RunLayout.checkpointEpoch(status.getPath().getName()));
        }
        return last;
    }

    public static void writeFigures(Path work, ValidationFigures figures, HadoopConf conf) {
        HadoopFiles.writeString(new Path(work, RunLayout.INITIAL_VALIDATION), Json.write(figures), conf);
    }

    /** The figures before the first step; null when the run did not record them. */
    public static ValidationFigures readFigures(Path work, HadoopConf conf) {
        Path file = new Path(work, RunLayout.INITIAL_VALIDATION);
        if (!HadoopFiles.exists(file, conf)) {
            return null;
        }
        return Json.read(HadoopFiles.readString(file, conf), ValidationFigures.class, file.toString());
    }

    public static void writeOuterState(OuterOptimizer outer, Path work, int epoch, HadoopConf conf) {
        Path file = new Path(work, RunLayout.outerState(epoch));
        FileSystem fs = HadoopFiles.fs(file, conf);
        Path tmp = HadoopFiles.tempSibling(file);
        try {
            try (var out = new DataOutputStream(fs.create(tmp, false))) {
                outer.write(out);
            }
            HadoopFiles.renameOver(tmp, file, conf);
        } catch (IOException e) {
            HadoopFiles.deleteQuietly(fs, tmp);
            throw new UncheckedIOException("cannot write " + file + ": " + e.getMessage(), e);
        }
    }

    /** Restores the outer optimiser's state; a checkpoint from before outer steps existed has none. */
    public static void readOuterState(OuterOptimizer outer, Path work, int epoch, HadoopConf conf) {
        Path file = new Path(work, RunLayout.outerState(epoch));
        if (!HadoopFiles.exists(file, conf)) {
            LOG.warn("train: no outer-optimiser state {}; its momentum starts from zero", file);
            return;
        }
        try (var in = new DataInputStream(HadoopFiles.open(file, conf))) {
            outer.read(in);
            LOG.info("train: outer-optimiser state restored from {}", file);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }
}
