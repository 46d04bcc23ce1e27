package io.digitloc.config;

import java.io.Serializable;

/**
 * How the jobs get their Spark session.
 *
 * @param master  master URL used only when spark-submit did not provide one
 * @param appName application name shown in the Spark UI
 */
public record SparkSettings(String master, String appName) implements Serializable {
    public SparkSettings {
        Settings.require(master != null && !master.isBlank(), "digitloc.spark.master", master, "a Spark master URL");
        Settings.require(appName != null && !appName.isBlank(), "digitloc.spark.app-name", appName, "a name");
    }
}
