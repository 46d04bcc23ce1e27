package io.digitloc.config;

import com.typesafe.config.Config;

import java.io.Serializable;

/**
 * What network is trained (keys {@code digitloc.train.*}).
 *
 * @param fastLayers        the project's own versions of two layers (ReLU + average pooling in one Java
 *                          pass, convolution without the recomputed forward pass in backprop) or DL4J's
 *                          stock layers: the same functions and parameters, the former faster
 * @param boxLossWeight     weight of the bounding-box MSE against the classification loss (1 = reference)
 * @param classifierDropout share of the dense layer's outputs dropped at random before the classification
 *                          head while training (0 = off); the box head sees them all
 */
public record NetworkSettings(boolean fastLayers, double boxLossWeight, double classifierDropout) implements Serializable {

    public NetworkSettings {
        Settings.require(boxLossWeight > 0 && boxLossWeight <= 10_000, "digitloc.train.box-loss-weight", boxLossWeight,
                "a positive number");
        Settings.require(classifierDropout >= 0 && classifierDropout < 1, "digitloc.train.classifier-dropout",
                classifierDropout, "a share in [0, 1)");
    }

    static NetworkSettings from(Config root) {
        boolean fastLayers = Settings.get(root, "train.fast-layers", Config::getBoolean);
        double boxLossWeight = Settings.get(root, "train.box-loss-weight", Config::getDouble);
        double classifierDropout = Settings.get(root, "train.classifier-dropout", Config::getDouble);
        return new NetworkSettings(fastLayers, boxLossWeight, classifierDropout);
    }
}
