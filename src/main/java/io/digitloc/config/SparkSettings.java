package io.digitloc.config;

import com.typesafe.config.Config;

import java.io.Serializable;

/**
 * How the jobs get their Spark session (keys {@code digitloc.spark.*}; conf/pipeline.conf describes them).
 *
 * @param master  {@code spark.master}: used only when spark-submit did not provide one
 * @param appName {@code spark.app-name}
 */
public record SparkSettings(String master, String appName) implements Serializable {
    static final Setting<String> MASTER = Setting.text("spark.master", v -> v != null && !v.isBlank(),
            "a Spark master URL");
    static final Setting<String> APP_NAME = Setting.text("spark.app-name", v -> v != null && !v.isBlank(), "a name");

    public SparkSettings {
        MASTER.check(master);
        APP_NAME.check(appName);
    }

    static SparkSettings from(Config root) {
        return new SparkSettings(MASTER.read(root), APP_NAME.read(root));
    }
}
