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
    private final Map<String, String> entries;
    private transient Configuration conf;

    public HadoopConf(Configuration conf) {
        this.entries = new HashMap<>();
        for (Map.Entry<String, String> e : conf) {
            entries.put(e.getKey(), e.getValue());
        }
        this.conf = conf;
    }

    /** A configuration with the defaults found on the classpath (core-site.xml etc.). */
    public static HadoopConf local() {
        return new HadoopConf(new Configuration());
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
