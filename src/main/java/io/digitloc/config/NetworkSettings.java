package io.digitloc.config;

import com.typesafe.config.Config;

import java.io.Serializable;

/**
 * What network is trained (keys {@code digitloc.train.*}; conf/pipeline.conf describes them).
 *
 * @param fastLayers        {@code train.fast-layers}: the project's own versions of two layers or DL4J's
 *                          stock layers (same functions and parameters)
 * @param boxLossWeight     {@code train.box-loss-weight}
 * @param classifierDropout {@code train.classifier-dropout}; 0 = off
 * @param labelSmoothing    {@code train.label-smoothing}; 0 = off
 * @param boxLoss           {@code train.box-loss}
 * @param weightDecay       {@code train.weight-decay}; 0 = off
 */
public record NetworkSettings(boolean fastLayers, double boxLossWeight, double classifierDropout, double labelSmoothing,
                              BoxLoss boxLoss, double weightDecay) implements Serializable {

    /** The bounding-box head's loss: mean squared error (the reference's) or mean absolute error. */
    public enum BoxLoss { MSE, MAE }

    static final Setting<Boolean> FAST_LAYERS = Setting.flag("train.fast-layers");
    static final Setting<Double> BOX_LOSS_WEIGHT = Setting.number("train.box-loss-weight", v -> v > 0 && v <= 10_000,
            "a positive number");
    static final Setting<Double> CLASSIFIER_DROPOUT = Setting.number("train.classifier-dropout", v -> v >= 0 && v < 1,
            "a share in [0, 1)");
    static final Setting<Double> LABEL_SMOOTHING = Setting.number("train.label-smoothing", v -> v >= 0 && v < 0.5,
            "a share in [0, 0.5)");
    static final Setting<BoxLoss> BOX_LOSS = Setting.choice("train.box-loss", BoxLoss.class);
    static final Setting<Double> WEIGHT_DECAY = Setting.number("train.weight-decay", v -> v >= 0 && v < 1,
            "0 (off) or a coefficient below 1");

    public NetworkSettings {
        BOX_LOSS_WEIGHT.check(boxLossWeight);
        CLASSIFIER_DROPOUT.check(classifierDropout);
        LABEL_SMOOTHING.check(labelSmoothing);
        BOX_LOSS.check(boxLoss);
        WEIGHT_DECAY.check(weightDecay);
    }

    static NetworkSettings from(Config root) {
        return new NetworkSettings(FAST_LAYERS.read(root), BOX_LOSS_WEIGHT.read(root), CLASSIFIER_DROPOUT.read(root),
                LABEL_SMOOTHING.read(root), BOX_LOSS.read(root), WEIGHT_DECAY.read(root));
    }
}
