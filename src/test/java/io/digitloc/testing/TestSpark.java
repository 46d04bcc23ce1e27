package io.digitloc.testing;

import io.digitloc.platform.NativeSetup;
import org.apache.spark.sql.SparkSession;

/** One local[2] Spark session shared by every test in the JVM (starting one costs seconds). */
public final class TestSpark {
    private static SparkSession session;

    private TestSpark() {
    }

    public static synchronized SparkSession get() {
        if (session == null) {
            NativeSetup.configure();
            System.setProperty("org.deeplearning4j.spark.time.TimeSource",
                    "org.deeplearning4j.spark.time.SystemClockTimeSource");
            session = SparkSession.builder()
                    .master("local[2]")
                    .appName("digitloc-tests")
                    .config("spark.ui.enabled", "false")
                    .config("spark.sql.shuffle.partitions", "2")
                    .config("spark.ui.showConsoleProgress", "false")
                    .getOrCreate();
        }
        return session;
    }
}
