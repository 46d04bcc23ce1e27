package io.digitloc.cli;

import io.digitloc.config.Settings;
import picocli.CommandLine.Option;

import java.io.File;
import java.util.LinkedHashMap;
import java.util.Map;

/** Options every subcommand takes: where settings come from and the generic overrides. */
public final class CommonOptions {

    @Option(names = "--config", paramLabel = "FILE",
            description = "HOCON file layered over the defaults (conf/pipeline.conf).")
    File config;

    @Option(names = {"-s", "--set"}, paramLabel = "KEY=VALUE",
            description = "Override any setting, e.g. --set data.canvas-size=100 (the 'digitloc.' prefix is optional). "
                    + "Repeatable; applied after --config and before the specific options below.")
    Map<String, String> set = new LinkedHashMap<>();

    @Option(names = "--master", paramLabel = "URL",
            description = "Spark master when not started by spark-submit (default from digitloc.spark.master: local[2]).")
    String master;

    @Option(names = "--seed", paramLabel = "N", description = "Seed for canvas placement and weight initialisation.")
    Long seed;

    /** Loads settings: defaults, then --config, then --set, then {@code specific} (the subcommand's own options). */
    Settings load(Map<String, Object> specific) {
        Map<String, Object> overrides = new LinkedHashMap<>();
        set.forEach((k, v) -> overrides.put(k.startsWith("digitloc.") ? k : "digitloc." + k, hocon(k, v)));
        put(overrides, "digitloc.spark.master", master);
        put(overrides, "digitloc.seed", seed);
        overrides.putAll(specific);
        return Settings.load(config, overrides);
    }

    /**
     * A --set value: lists and objects ([a, b], {...}) are read as HOCON; anything else stays a string,
     * which the settings convert to numbers, booleans or durations as needed (a path such as
     * hdfs://nn/x must not be parsed: in HOCON "//" starts a comment).
     */
    static Object hocon(String key, String value) {
        String v = value.trim();
        if (!v.startsWith("[") && !v.startsWith("{")) {
            return value;
        }
        try {
            return com.typesafe.config.ConfigFactory.parseString("v = " + v).getValue("v").unwrapped();
        } catch (com.typesafe.config.ConfigException e) {
            throw new io.digitloc.config.SettingsException("--set " + key + "=" + value + " is not a valid HOCON list "
                    + "or object: " + e.getMessage());
        }
    }

    static void put(Map<String, Object> map, String key, Object value) {
        if (value != null) {
            map.put(key, value instanceof Enum<?> e ? e.name().toLowerCase().replace('_', '-') : value);
        }
    }
}
