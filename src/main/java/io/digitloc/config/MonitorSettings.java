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

    public MonitorSettings {
        Settings.require(tensorboardDir != null, "digitloc.train.tensorboard-dir", tensorboardDir,
                "\"\" (the run directory) or a directory path");
        Settings.require(earlyStopping != null, "digitloc.train.early-stopping", earlyStopping, "a settings block");
    }

    static MonitorSettings from(Config root) {
        boolean tensorboard = Settings.get(root, "train.tensorboard", Config::getBoolean);
        String dir = Settings.get(root, "train.tensorboard-dir", Config::getString);
        return new MonitorSettings(tensorboard, dir.trim(), EarlyStoppingSettings.from(root));
    }
}
