package io.digitloc.config;

import com.typesafe.config.Config;

import java.io.Serializable;
import java.util.List;

/**
 * How each optimiser step moves the weights, and how its size changes over the run (keys
 * {@code digitloc.train.*}; conf/pipeline.conf describes them).
 *
 * @param updater      {@code train.updater}
 * @param learningRate {@code train.learning-rate}
 * @param schedule     {@code train.lr-schedule}
 * @param decayEpochs  {@code train.lr-decay-epochs}, sorted, without repeats
 * @param decayFactor  {@code train.lr-decay-factor}
 * @param warmupEpochs {@code train.lr-warmup-epochs}; 0 = none
 * @param emaEpochs    {@code train.ema-epochs}: the time constant of the weights' moving average; 0 = none
 */
public record OptimiserSettings(Updater updater, double learningRate, LrSchedule schedule, List<Integer> decayEpochs,
                                double decayFactor, double warmupEpochs, double emaEpochs) implements Serializable {

    /** Supported optimisers. */
    public enum Updater { ADAM, NESTEROVS, SGD }

    /** Learning-rate schedules: stepped down after given epochs, or a linear or cosine decay to zero over the run. */
    public enum LrSchedule { STEP, LINEAR, COSINE }

    static final Setting<Updater> UPDATER = Setting.choice("train.updater", Updater.class);
    static final Setting<Double> LEARNING_RATE = Setting.number("train.learning-rate",
            v -> v > 0 && v < 10 && Double.isFinite(v), "a positive number below 10");
    static final Setting<LrSchedule> LR_SCHEDULE = Setting.choice("train.lr-schedule", LrSchedule.class);
    static final Setting<List<Integer>> LR_DECAY_EPOCHS = Setting.integers("train.lr-decay-epochs",
            v -> v != null && v.stream().allMatch(e -> e >= 1), "a list of epoch numbers, each at least 1");
    static final Setting<Double> LR_DECAY_FACTOR = Setting.number("train.lr-decay-factor", v -> v > 0 && v <= 1,
            "a number in (0, 1]");
    static final Setting<Double> LR_WARMUP_EPOCHS = Setting.number("train.lr-warmup-epochs", v -> v >= 0, "0 or more");
    static final Setting<Double> EMA_EPOCHS = Setting.number("train.ema-epochs", v -> v >= 0 && v <= 1000,
            "0 (off) or a number of epochs up to 1000");

    /** Whether the driver keeps a moving average of the weights (and validates and saves it). */
    public boolean averagesWeights() {
        return emaEpochs > 0;
    }

    public OptimiserSettings {
        UPDATER.check(updater);
        LEARNING_RATE.check(learningRate);
        LR_SCHEDULE.check(schedule);
        decayEpochs = LR_DECAY_EPOCHS.check(decayEpochs).stream().sorted().distinct().toList();
        LR_DECAY_FACTOR.check(decayFactor);
        LR_WARMUP_EPOCHS.check(warmupEpochs);
        EMA_EPOCHS.check(emaEpochs);
    }

    static OptimiserSettings from(Config root) {
        return new OptimiserSettings(UPDATER.read(root), LEARNING_RATE.read(root), LR_SCHEDULE.read(root),
                LR_DECAY_EPOCHS.read(root), LR_DECAY_FACTOR.read(root), LR_WARMUP_EPOCHS.read(root),
                EMA_EPOCHS.read(root));
    }
}
