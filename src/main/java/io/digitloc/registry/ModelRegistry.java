package io.digitloc.registry;

import io.digitloc.core.Metrics;
import io.digitloc.core.RunLayout;
import io.digitloc.io.HadoopConf;
import io.digitloc.io.HadoopFiles;
import io.digitloc.io.Json;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * The model registry directory:
 * <pre>
 * &lt;registry&gt;/runs/&lt;id&gt;/          one finished run: model.zip, metadata.json, lineage.json, history, checkpoints/,
 *                              metrics.json, predictions/, grid.png, report.html
 * &lt;registry&gt;/runs/.&lt;id&gt;.inprogress/ a run being trained (or interrupted: --resume continues it)
 * &lt;registry&gt;/champion.json         {"run": id, "promotedAt": ..., "reason": ...}, replaced in one rename
 * &lt;registry&gt;/lock                  see {@link RunLock}
 * </pre>
 * Run ids are UTC timestamps plus a random suffix, so they sort in time order.
 */
public final class ModelRegistry {
    private static final Logger LOG = LoggerFactory.getLogger(ModelRegistry.class);
    public static final String RUNS = "runs";
    public static final String CHAMPION = "champion.json";
    private static final DateTimeFormatter ID = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss").withZone(ZoneOffset.UTC);

    /** The champion pointer. */
    public record Champion(String run, String promotedAt, String reason) {
    }

    private final Path root;
    private final HadoopConf conf;

    public ModelRegistry(String root, HadoopConf conf) {
        this.root = new Path(root);
        this.conf = conf;
    }

    public Path root() {
        return root;
    }

    public Path runDir(String id) {
        return new Path(new Path(root, RUNS), id);
    }

    public static String newRunId() {
        return ID.format(Instant.now()) + "-" + UUID.randomUUID().toString().substring(0, 6);
    }

    public Optional<Champion> champion() {
        Path p = new Path(root, CHAMPION);
        if (!HadoopFiles.exists(p, conf)) {
            return Optional.empty();
        }
        return Optional.of(Json.read(HadoopFiles.readString(p, conf), Champion.class, p.toString()));
    }

    /** The champion's evaluation, or null when there is no champion or it cannot be read. */
    public Metrics championMetrics() {
        Optional<Champion> c = champion();
        if (c.isEmpty()) {
            return null;
        }
        Path metrics = new Path(runDir(c.get().run()), RunLayout.METRICS);
        try {
            return Json.read(HadoopFiles.readString(metrics, conf), Metrics.class, metrics.toString());
        } catch (RuntimeException e) {
            LOG.warn("registry: the champion's {} cannot be read ({}); treating the registry as having no champion",
                    metrics, e.getMessage());
            return null;
        }
    }

    public Path championModel() {
        return champion().map(c -> new Path(runDir(c.run()), RunLayout.MODEL)).orElse(null);
    }

    /** Points champion.json at {@code run} in one atomic rename. */
    public void promote(String run, String reason) {
        HadoopFiles.writeString(new Path(root, CHAMPION), Json.write(new Champion(run, Instant.now().toString(), reason)), conf);
    }

    /** Finished runs (directories under runs/ that are not hidden), oldest first. */
    public List<String> finishedRuns() {
        List<String> ids = new ArrayList<>();
        for (FileStatus s : HadoopFiles.list(new Path(root, RUNS), conf)) {
            String name = s.getPath().getName();
            if (s.isDirectory() && !name.startsWith(".") && !name.startsWith("_")) {
                ids.add(name);
            }
        }
        ids.sort(Comparator.naturalOrder());
        return ids;
    }

    /** The newest interrupted run (runs/.&lt;id&gt;.inprogress), if any. */
    public Optional<String> interruptedRun() {
        List<String> ids = new ArrayList<>();
        for (FileStatus s : HadoopFiles.list(new Path(root, RUNS), conf)) {
            String run = RunLayout.inProgressOf(s.getPath().getName());
            if (s.isDirectory() && run != null) {
                ids.add(run);
            }
        }
        return ids.stream().max(Comparator.naturalOrder());
    }

    /** Deletes finished runs beyond the newest {@code retain}, never the champion. */
    public List<String> prune(int retain) {
        String champion = champion().map(Champion::run).orElse(null);
        List<String> runs = finishedRuns();
        List<String> removed = new ArrayList<>();
        FileSystem fs = HadoopFiles.fs(root, conf);
        for (int i = 0; i < runs.size() - retain; i++) {
            String id = runs.get(i);
            if (!id.equals(champion)) {
                HadoopFiles.deleteQuietly(fs, runDir(id));
                removed.add(id);
            }
        }
        return removed;
    }
}
