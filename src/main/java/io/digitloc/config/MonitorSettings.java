package io.digitloc.config;

import com.typesafe.config.Config;

import java.io.Serializable;

/**
 * How a training run is watched and when it ends early (keys {@code digitloc.train.*}).
 *
 * @param tensorboard    write TensorBoard event files while training ({@code train.tensorboard})
 * @param tensorboardDir where: blank = the run directory's {@code tensorboard/} (published with the model);
 *                       otherwise any Hadoop directory, one subdirectory per run named after the model
 *                       directory, so one TensorBoard watching it compares runs side by side
 *                       ({@code train.tensorboard-dir})
 * @param earlyStopping  when to stop and which epoch to keep ({@code train.early-stopping})
 */
public record MonitorSettings(boolean tensorboard, String tensorboardDir, EarlyStoppingSettings earlyStopping)
        implements Serializable {

    static final Setting<Boolean> TENSORBOARD = Setting.flag("train.tensorboard");
    static final Setting<String> TENSORBOARD_DIR = Setting.driverPath("train.tensorboard-dir",
            "\"\" (the run directory) or a directory path");

    public MonitorSettings {
        TENSORBOARD_DIR.check(tensorboardDir);
        java.util.Objects.requireNonNull(earlyStopping);
    }

    static MonitorSettings from(Config root) {
        return new MonitorSettings(TENSORBOARD.read(root), TENSORBOARD_DIR.read(root).trim(), EarlyStoppingSettings.from(root));
    }
}
