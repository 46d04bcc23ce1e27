package io.digitloc.config;

import com.typesafe.config.Config;

import java.io.Serializable;

/**
 * Where the source digits are, where the canvases go and how they are made (keys {@code digitloc.data.*}).
 * Each component is the setting declared beside it; conf/pipeline.conf holds its default and description.
 *
 * @param mnistDir         {@code data.mnist-dir} (any Hadoop path)
 * @param dir              {@code data.dir}
 * @param canvasSize       {@code data.canvas-size}
 * @param trainShards      {@code data.train-shards}
 * @param validationShards {@code data.validation-shards}
 * @param trainLimit       {@code data.train-limit}; 0 = all
 * @param validationLimit  {@code data.validation-limit}; 0 = all
 * @param ifExists         {@code data.if-exists}
 */
public record DataSettings(String mnistDir, String dir, int canvasSize, int trainShards, int validationShards,
                           int trainLimit, int validationLimit, IfExists ifExists) implements Serializable {

    /** The side of an MNIST digit; a canvas must hold one. */
    public static final int DIGIT_SIZE = io.digitloc.core.Digits.SIDE;

    /** Policy for an output that is already there. */
    public enum IfExists { FAIL, REPLACE }

    static final Setting<String> MNIST_DIR = Setting.directory("data.mnist-dir");
    static final Setting<String> DIR = Setting.directory("data.dir");
    static final Setting<Integer> CANVAS_SIZE = Setting.integer("data.canvas-size",
            v -> v >= DIGIT_SIZE && v <= 1024, "between " + DIGIT_SIZE + " (the digit size) and 1024");
    static final Setting<Integer> TRAIN_SHARDS = Setting.integer("data.train-shards", v -> v >= 1 && v <= 100_000,
            "at least 1");
    static final Setting<Integer> VALIDATION_SHARDS = Setting.integer("data.validation-shards",
            v -> v >= 1 && v <= 100_000, "at least 1");
    static final Setting<Integer> TRAIN_LIMIT = Setting.integer("data.train-limit", v -> v >= 0,
            "0 (all) or a positive count");
    static final Setting<Integer> VALIDATION_LIMIT = Setting.integer("data.validation-limit", v -> v >= 0,
            "0 (all) or a positive count");
    static final Setting<IfExists> IF_EXISTS = Setting.choice("data.if-exists", IfExists.class);

    public DataSettings {
        MNIST_DIR.check(mnistDir);
        DIR.check(dir);
        CANVAS_SIZE.check(canvasSize);
        TRAIN_SHARDS.check(trainShards);
        VALIDATION_SHARDS.check(validationShards);
        TRAIN_LIMIT.check(trainLimit);
        VALIDATION_LIMIT.check(validationLimit);
        IF_EXISTS.check(ifExists);
    }

    static DataSettings from(Config root) {
        return new DataSettings(MNIST_DIR.read(root), DIR.read(root), CANVAS_SIZE.read(root), TRAIN_SHARDS.read(root),
                VALIDATION_SHARDS.read(root), TRAIN_LIMIT.read(root), VALIDATION_LIMIT.read(root), IF_EXISTS.read(root));
    }
}
