package io.digitloc.config;

import com.typesafe.config.Config;

import java.io.Serializable;

/**
 * How dl4j-spark feeds and synchronises the workers (keys {@code digitloc.train.*}); how their rounds
 * become progress is {@link ScaleOutSettings}.
 *
 * @param averagingFrequency mini-batches each worker fits between two parameter averages
 * @param prefetch           mini-batches prefetched asynchronously per worker (0 = off)
 * @param approach           how data reaches the workers: export (batch files, default) or direct (RDD)
 * @param exportDir          where the export approach writes its batches; blank = under the model dir
 * @param storageLevel       Spark storage level for the cached training batches
 * @param threadsPerTask     ND4J threads per Spark task; 0 = cores / concurrent tasks
 */
public record DistributionSettings(int averagingFrequency, int prefetch, Approach approach, String exportDir,
                                   String storageLevel, int threadsPerTask) implements Serializable {

    /** dl4j-spark's two ways of feeding workers. */
    public enum Approach { EXPORT, DIRECT }

    public DistributionSettings {
        Settings.require(averagingFrequency >= 1, "digitloc.train.averaging-frequency", averagingFrequency, "at least 1");
        Settings.require(prefetch >= 0, "digitloc.train.prefetch", prefetch, "0 or more");
        Settings.require(approach != null, "digitloc.train.approach", approach, "export or direct");
        Settings.require(isStorageLevel(storageLevel), "digitloc.train.storage-level", storageLevel,
                "a Spark storage level such as MEMORY_ONLY, MEMORY_AND_DISK, MEMORY_ONLY_SER or NONE");
        Settings.require(threadsPerTask >= 0 && threadsPerTask <= 1024, "digitloc.train.threads-per-task", threadsPerTask,
                "0 (automatic) or a thread count");
    }

    private static boolean isStorageLevel(String level) {
        if (level == null) {
            return false;
        }
        return switch (level) {
            case "NONE", "MEMORY_ONLY", "MEMORY_ONLY_SER", "MEMORY_AND_DISK", "MEMORY_AND_DISK_SER", "DISK_ONLY" -> true;
            default -> false;
        };
    }

    static DistributionSettings from(Config root) {
        int averagingFrequency = Settings.get(root, "train.averaging-frequency", Config::getInt);
        int prefetch = Settings.get(root, "train.prefetch", Config::getInt);
        Approach approach = Settings.enumValue(root, "train.approach", Approach.class);
        String exportDir = Settings.get(root, "train.export-dir", Config::getString);
        String storageLevel = Settings.get(root, "train.storage-level", Config::getString);
        int threadsPerTask = Settings.get(root, "train.threads-per-task", Config::getInt);
        return new DistributionSettings(averagingFrequency, prefetch, approach, exportDir, storageLevel, threadsPerTask);
    }
}
