package io.digitloc.config;

import com.typesafe.config.Config;

import java.io.Serializable;

/**
 * What changes between epochs in the training canvases (keys {@code digitloc.train.*}; conf/pipeline.conf
 * describes them).
 *
 * @param enabled  {@code train.augment}
 * @param rotation {@code train.digit-rotation}, degrees either way; 0 = off
 * @param scale    {@code train.digit-scale}, a fraction; 0 = off
 */
public record AugmentSettings(boolean enabled, double rotation, double scale) implements Serializable {
    static final Setting<Boolean> AUGMENT = Setting.flag("train.augment");
    static final Setting<Double> DIGIT_ROTATION = Setting.number("train.digit-rotation", v -> v >= 0 && v <= 45,
            "degrees between 0 and 45");
    static final Setting<Double> DIGIT_SCALE = Setting.number("train.digit-scale", v -> v >= 0 && v <= 0.3,
            "a fraction between 0 and 0.3");

    public AugmentSettings {
        DIGIT_ROTATION.check(rotation);
        DIGIT_SCALE.check(scale);
    }

    static AugmentSettings from(Config root) {
        return new AugmentSettings(AUGMENT.read(root), DIGIT_ROTATION.read(root), DIGIT_SCALE.read(root));
    }
}
