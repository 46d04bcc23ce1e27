package io.digitloc.config;

import com.typesafe.config.Config;

import java.io.Serializable;

/**
 * What changes between epochs in the training canvases (keys {@code digitloc.train.*}).
 *
 * @param enabled  from the second epoch on, move each digit to a fresh place (seeded by seed, epoch and id)
 *                 with its box: more placements seen, same digits ({@code train.augment})
 * @param rotation with augment: rotate each digit inside its patch by up to this many degrees either way
 *                 (0 = off); the box stays the patch, so labels stay exact ({@code train.digit-rotation})
 * @param scale    with augment: scale each digit inside its patch by a factor in [1 - scale, 1 + scale]
 *                 (0 = off; {@code train.digit-scale})
 */
public record AugmentSettings(boolean enabled, double rotation, double scale) implements Serializable {

    public AugmentSettings {
        Settings.require(rotation >= 0 && rotation <= 45, "digitloc.train.digit-rotation", rotation,
                "degrees between 0 and 45");
        Settings.require(scale >= 0 && scale <= 0.3, "digitloc.train.digit-scale", scale,
                "a fraction between 0 and 0.3");
    }

    static AugmentSettings from(Config root) {
        boolean enabled = Settings.get(root, "train.augment", Config::getBoolean);
        double rotation = Settings.get(root, "train.digit-rotation", Config::getDouble);
        double scale = Settings.get(root, "train.digit-scale", Config::getDouble);
        return new AugmentSettings(enabled, rotation, scale);
    }
}
