package io.digitloc.io;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

/** The code version recorded in manifests and model metadata (filled in by the Maven build). */
public final class BuildInfo {
    private static final Properties PROPS = load();

    private BuildInfo() {
    }

    private static Properties load() {
        Properties p = new Properties();
        try (InputStream in = BuildInfo.class.getResourceAsStream("/digitloc-build.properties")) {
            if (in != null) {
                p.load(in);
            }
        } catch (IOException ignored) {
            // fall back to "unknown"
        }
        return p;
    }

    public static String version() {
        return PROPS.getProperty("version", "unknown");
    }

    public static String get(String key) {
        return PROPS.getProperty(key, "unknown");
    }
}
