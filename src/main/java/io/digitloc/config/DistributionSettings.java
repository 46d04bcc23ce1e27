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
 * @param exchangeTimeout    {@code train.exchange-timeout}, seconds
 * @param checkpointRounds   {@code train.checkpoint-rounds}; 0 = only at a stage's end
 */
public record DistributionSettings(int averagingFrequency, int prefetch, Approach approach, String exportDir,
                                   String storageLevel, int threadsPerTask, int exchangeTimeout,
                                   int checkpointRounds)
        implements Serializable {

    /** How the workers get their batches: made from their executor's digits, read from files, or as an RDD. */
    public enum Approach { DIGITS, EXPORT, DIRECT }

    private static final Set<String> STORAGE_LEVELS = Set.of("NONE", "MEMORY_ONLY", "MEMORY_ONLY_SER",
            "MEMORY_AND_DISK", "MEMORY_AND_DISK_SER", "DISK_ONLY");

    static final Setting<Integer> AVERAGING_FREQUENCY = Setting.integer("train.averaging-frequency", v -> v >= 1,
            "at least 1");
    static final Setting<Integer> PREFETCH = Setting.integer("train.prefetch", v -> v >= 0, "0 or more");
    static final Setting<Approach> APPROACH = Setting.choice("train.approach", Approach.class);
    static final Setting<String> EXPORT_DIR = Setting.directoryOrDefault("train.export-dir",
            "a directory path, or \"\" for the default");
    static final Setting<String> STORAGE_LEVEL = Setting.text("train.storage-level", v -> v != null && STORAGE_LEVELS.contains(v),
            "a Spark storage level such as MEMORY_ONLY, MEMORY_AND_DISK, MEMORY_ONLY_SER or NONE");
    static final Setting<Integer> THREADS_PER_TASK = Setting.integer("train.threads-per-task", v -> v >= 0 && v <= 1024,
            "0 (automatic) or a thread count");
    static final Setting<Integer> EXCHANGE_TIMEOUT = Setting.integer("train.exchange-timeout", v -> v >= 1,
            "a number of seconds, 1 or more");
    static final Setting<Integer> CHECKPOINT_ROUNDS = Setting.integer("train.checkpoint-rounds", v -> v >= 0,
            "0 or a number of rounds");

    public DistributionSettings {
        AVERAGING_FREQUENCY.check(averagingFrequency);
        PREFETCH.check(prefetch);
        APPROACH.check(approach);
        STORAGE_LEVEL.check(storageLevel);
        THREADS_PER_TASK.check(threadsPerTask);
        EXCHANGE_TIMEOUT.check(exchangeTimeout);
        CHECKPOINT_ROUNDS.check(checkpointRounds);
    }

    static DistributionSettings from(Config root) {
        return new DistributionSettings(AVERAGING_FREQUENCY.read(root), PREFETCH.read(root), APPROACH.read(root),
                EXPORT_DIR.read(root), STORAGE_LEVEL.read(root), THREADS_PER_TASK.read(root),
                EXCHANGE_TIMEOUT.read(root), CHECKPOINT_ROUNDS.read(root));
    }
}
