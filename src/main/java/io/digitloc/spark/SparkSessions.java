package io.digitloc.spark;

import io.digitloc.config.SparkSettings;
import org.apache.spark.SparkConf;
import org.apache.spark.sql.SparkSession;

/**
 * Creates the Spark session of a job. Settings given by spark-submit (master, conf/spark-defaults)
 * win; the configured master is only a fallback for runs started with plain {@code java}.
 */
public final class SparkSessions {
    private SparkSessions() {
    }

    public static SparkSession getOrCreate(SparkSettings settings) {
        SparkConf conf = new SparkConf();
        if (!conf.contains("spark.master")) {
            conf.setMaster(settings.master());
        }
        if (!conf.contains("spark.app.name")) {
            conf.setAppName(settings.appName());
        }
        // DL4J's training stats otherwise ask an NTP server on the internet.
        System.setProperty("org.deeplearning4j.spark.time.TimeSource",
                System.getProperty("org.deeplearning4j.spark.time.TimeSource",
                        "org.deeplearning4j.spark.time.SystemClockTimeSource"));
        conf.setIfMissing("spark.ui.showConsoleProgress", "false");
        // native set-up on every executor before its first task (see NativeSetupPlugin)
        String plugins = conf.get("spark.plugins", "");
        if (!plugins.contains(NativeSetupPlugin.class.getName())) {
            conf.set("spark.plugins", plugins.isBlank() ? NativeSetupPlugin.class.getName()
                    : plugins + "," + NativeSetupPlugin.class.getName());
        }
        return SparkSession.builder().config(conf).getOrCreate();
    }
}
