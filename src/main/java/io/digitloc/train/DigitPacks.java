package io.digitloc.train;

import io.digitloc.augment.DigitPack;
import io.digitloc.data.CanvasRows;
import io.digitloc.data.DatasetException;
import io.digitloc.io.HadoopConf;
import io.digitloc.io.HadoopFiles;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The train split as {@link DigitPack}s, one file per partition, written once a session by one Spark
 * job, and on each executor read once and kept for its workers (the last two runs' packs at most, so a
 * long-lived executor serving scheduled retraining does not grow).
 */
final class DigitPacks {
    private static final int KEPT_RUNS = 2;
    private static final Map<String, Map<Integer, DigitPack>> CACHE = new LinkedHashMap<>(4, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Map<Integer, DigitPack>> eldest) {
            return size() > KEPT_RUNS;
        }
    };

    private DigitPacks() {
    }

    /** Writes each partition of {@code rows} as a pack under {@code dir}; returns each partition's canvases, in order. */
    static List<Integer> write(Dataset<Row> rows, int size, Path dir, HadoopConf conf) {
        String where = dir.toString();
        return rows.javaRDD().mapPartitionsWithIndex((index, it) -> {
            List<Row> part = new ArrayList<>();
            it.forEachRemaining(part::add);
            DigitPack pack;
            try {
                pack = DigitPack.of(CanvasRows.batch(part, size), CanvasRows.ids(part));
            } catch (IllegalArgumentException e) {
                throw new DatasetException(e.getMessage() + "; train.approach = digits needs canvases as generate "
                        + "makes them (set train.approach = export for any other)");
            }
            Path p = file(where, index);
            try (FSDataOutputStream raw = HadoopFiles.fs(p, conf).create(p, true);
                 OutputStream out = new BufferedOutputStream(raw, 1 << 16)) {
                pack.writeTo(out);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot write digit pack " + p + ": " + e.getMessage(), e);
            }
            return List.of(pack.count()).iterator();
        }, true).collect();
    }

    /** Partition {@code partition}'s pack under {@code dir}, read through Hadoop on first use in this JVM. */
    static DigitPack get(String dir, int partition, HadoopConf conf) {
        synchronized (CACHE) {
            return CACHE.computeIfAbsent(dir, d -> new HashMap<>())
                    .computeIfAbsent(partition, p -> read(file(dir, p), conf));
        }
    }

    /** Drops {@code dir}'s packs from this JVM (the driver's, in local mode the executor's too). */
    static void forget(String dir) {
        synchronized (CACHE) {
            CACHE.remove(dir);
        }
    }

    private static DigitPack read(Path p, HadoopConf conf) {
        try (InputStream in = new BufferedInputStream(HadoopFiles.open(p, conf), 1 << 16)) {
            return DigitPack.readFrom(in, p.toString());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read digit pack " + p + ": " + e.getMessage(), e);
        }
    }

    static Path file(String dir, int partition) {
        return new Path(dir, String.format("digits-%05d.bin", partition));
    }
}
