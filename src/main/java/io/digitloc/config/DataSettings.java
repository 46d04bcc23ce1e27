package io.digitloc.config;

import java.io.Serializable;

/**
 * Where the source digits are, where the canvases go and how they are made.
 *
 * @param mnistDir         directory (any Hadoop path) with the four IDX files, plain or .gz
 * @param dir              root of the generated dataset
 * @param canvasSize       side of the square canvas in pixels
 * @param trainShards      Parquet files for the train split
 * @param validationShards Parquet files for the validation split
 * @param trainLimit       first N train digits only; 0 = all
 * @param validationLimit  first N validation digits only; 0 = all
 * @param ifExists         what generate does when {@code dir} already exists
 */
public record DataSettings(String mnistDir, String dir, int canvasSize, int trainShards, int validationShards,
                           int trainLimit, int validationLimit, IfExists ifExists) implements Serializable {

    /** The side of an MNIST digit; a canvas must hold one. */
    public static final int DIGIT_SIZE = io.digitloc.core.Digits.SIDE;

    /** Policy for an output that is already there. */
    public enum IfExists { FAIL, REPLACE }

    public DataSettings {
        Settings.require(mnistDir != null && !mnistDir.isBlank(), "digitloc.data.mnist-dir", mnistDir, "a directory path");
        Settings.require(dir != null && !dir.isBlank(), "digitloc.data.dir", dir, "a directory path");
        Settings.require(canvasSize >= DIGIT_SIZE && canvasSize <= 1024, "digitloc.data.canvas-size", canvasSize,
                "between " + DIGIT_SIZE + " (the digit size) and 1024");
        Settings.require(trainShards >= 1 && trainShards <= 100_000, "digitloc.data.train-shards", trainShards, "at least 1");
        Settings.require(validationShards >= 1 && validationShards <= 100_000, "digitloc.data.validation-shards",
                validationShards, "at least 1");
        Settings.require(trainLimit >= 0, "digitloc.data.train-limit", trainLimit, "0 (all) or a positive count");
        Settings.require(validationLimit >= 0, "digitloc.data.validation-limit", validationLimit, "0 (all) or a positive count");
        Settings.require(ifExists != null, "digitloc.data.if-exists", ifExists, "fail or replace");
    }
}
