package io.digitloc.io;

import org.apache.hadoop.conf.Configuration;

import java.io.Serializable;
import java.util.HashMap;
import java.util.Map;

/**
 * A Hadoop {@link Configuration} that travels to executors, so they reach HDFS/S3 with the
 * driver's credentials and endpoints (Configuration itself is not serializable).
 */
public final class HadoopConf implements Serializable {
    private static final long serialVersionUID = 1L;
    private static final String SPARK_HADOOP = "spark.hadoop.";
    private final Map<String, String> entries;
    private transient Configuration conf;

    public HadoopConf(Configuration conf) {
        this.entries = new HashMap<>();
        for (Map.Entry<String, String> e : conf) {
            entries.put(e.getKey(), e.getValue());
        }
        this.conf = conf;
    }

    /**
     * A configuration with the defaults found on the classpath (core-site.xml etc.) and, as Spark's own
     * does, every {@code spark.hadoop.*} system property without its prefix: spark-submit's
     * {@code --conf spark.hadoop.fs.s3a.endpoint=...} and {@code -D} flags reach what the driver opens
     * before (or without) a Spark session, such as the registry's lock.
     */
    public static HadoopConf local() {
        Configuration conf = new Configuration();
        for (String key : System.getProperties().stringPropertyNames()) {
            if (key.startsWith(SPARK_HADOOP) && key.length() > SPARK_HADOOP.length()) {
                conf.set(key.substring(SPARK_HADOOP.length()), System.getProperty(key));
            }
        }
        return new HadoopConf(conf);
    }

    public Configuration get() {
        if (conf == null) {
            Configuration c = new Configuration(false);
            entries.forEach(c::set);
            conf = c;
        }
        return conf;
    }
}
