package io.digitloc.config;

import com.typesafe.config.Config;

import java.io.Serializable;
import java.util.Set;

/**
 * How dl4j-spark feeds and synchronises the workers (keys {@code digitloc.train.*}; conf/pipeline.conf
 * describes them); how their rounds become progress is {@link ScaleOutSettings}.
 *
 * @param averagingFrequency {@code train.averaging-frequency}
 * @param prefetch           {@code train.prefetch}; 0 = off
 * @param approach           {@code train.approach}
 * @param exportDir          {@code train.export-dir}; blank = under the model dir
 * @param storageLevel       {@code train.storage-level}
 * @param threadsPerTask     {@code train.threads-per-task}; 0 = cores / concurrent tasks
 */
public record DistributionSettings(int averagingFrequency, int prefetch, Approach approach, String exportDir,
                                   String storageLevel, int threadsPerTask) implements Serializable {

    /** dl4j-spark's two ways of feeding workers. */
    public enum Approach { EXPORT, DIRECT }

    private static final Set<String> STORAGE_LEVELS = Set.of("NONE", "MEMORY_ONLY", "MEMORY_ONLY_SER",
            "MEMORY_AND_DISK", "MEMORY_AND_DISK_SER", "DISK_ONLY");

    static final Setting<Integer> AVERAGING_FREQUENCY = Setting.integer("train.averaging-frequency", v -> v >= 1,
            "at least 1");
    static final Setting<Integer> PREFETCH = Setting.integer("train.prefetch", v -> v >= 0, "0 or more");
    static final Setting<Approach> APPROACH = Setting.choice("train.approach", Approach.class);
    static final Setting<String> EXPORT_DIR = Setting.text("train.export-dir", v -> true,
            "a directory path, or \"\" for the default");
    static final Setting<String> STORAGE_LEVEL = Setting.text("train.storage-level", v -> v != null && STORAGE_LEVELS.contains(v),
            "a Spark storage level such as MEMORY_ONLY, MEMORY_AND_DISK, MEMORY_ONLY_SER or NONE");
    static final Setting<Integer> THREADS_PER_TASK = Setting.integer("train.threads-per-task", v -> v >= 0 && v <= 1024,
            "0 (automatic) or a thread count");

    public DistributionSettings {
        AVERAGING_FREQUENCY.check(averagingFrequency);
        PREFETCH.check(prefetch);
        APPROACH.check(approach);
        STORAGE_LEVEL.check(storageLevel);
        THREADS_PER_TASK.check(threadsPerTask);
    }

    static DistributionSettings from(Config root) {
        return new DistributionSettings(AVERAGING_FREQUENCY.read(root), PREFETCH.read(root), APPROACH.read(root),
                EXPORT_DIR.read(root), STORAGE_LEVEL.read(root), THREADS_PER_TASK.read(root));
    }
}
