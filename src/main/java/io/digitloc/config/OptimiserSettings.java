package io.digitloc.config;

import com.typesafe.config.Config;

import java.io.Serializable;
import java.util.List;

/**
 * How each optimiser step moves the weights, and how its size changes over the run (keys
 * {@code digitloc.train.*}).
 *
 * @param updater        optimiser
 * @param learningRate   step size
 * @param schedule       {@code step} (multiplied by {@code decayFactor} after each of {@code decayEpochs})
 *                       or {@code linear} (down to zero at the last step)
 * @param decayEpochs    epochs after which a step schedule multiplies the rate by {@code decayFactor}
 * @param decayFactor    the multiplier of each decay step
 * @param warmupEpochs   epochs (fractions allowed) over which the rate first ramps up from 0; 0 = none
 */
public record OptimiserSettings(Updater updater, double learningRate, LrSchedule schedule, List<Integer> decayEpochs,
                                double decayFactor, double warmupEpochs) implements Serializable {

    /** Supported optimisers. */
    public enum Updater { ADAM, NESTEROVS, SGD }

    /** Learning-rate schedules: stepped down after given epochs, or linear decay to zero over the run. */
    public enum LrSchedule { STEP, LINEAR }

    public OptimiserSettings {
        Settings.require(updater != null, "digitloc.train.updater", updater, "adam, nesterovs or sgd");
        Settings.require(learningRate > 0 && learningRate < 10 && Double.isFinite(learningRate),
                "digitloc.train.learning-rate", learningRate, "a positive number below 10");
        Settings.require(schedule != null, "digitloc.train.lr-schedule", schedule, "step or linear");
        Settings.require(decayEpochs != null && decayEpochs.stream().allMatch(e -> e >= 1),
                "digitloc.train.lr-decay-epochs", decayEpochs, "a list of epoch numbers, each at least 1");
        decayEpochs = decayEpochs.stream().sorted().distinct().toList();
        Settings.require(decayFactor > 0 && decayFactor <= 1, "digitloc.train.lr-decay-factor", decayFactor,
                "a number in (0, 1]");
        Settings.require(warmupEpochs >= 0, "digitloc.train.lr-warmup-epochs", warmupEpochs, "0 or more");
    }

    static OptimiserSettings from(Config root) {
        Updater updater = Settings.enumValue(root, "train.updater", Updater.class);
        double learningRate = Settings.get(root, "train.learning-rate", Config::getDouble);
        LrSchedule schedule = Settings.enumValue(root, "train.lr-schedule", LrSchedule.class);
        List<Integer> decayEpochs = Settings.get(root, "train.lr-decay-epochs", Config::getIntList);
        double decayFactor = Settings.get(root, "train.lr-decay-factor", Config::getDouble);
        double warmupEpochs = Settings.get(root, "train.lr-warmup-epochs", Config::getDouble);
        return new OptimiserSettings(updater, learningRate, schedule, decayEpochs, decayFactor, warmupEpochs);
    }
}
