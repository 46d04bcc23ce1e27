package io.digitloc.cli;

import io.digitloc.config.Settings;
import io.digitloc.spark.ClusterPaths;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.File;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Options every subcommand takes: where settings come from and the generic overrides. An option of any
 * subcommand that sets a setting says which by its {@code descriptionKey} (the setting's path); its help
 * comes from the setting ({@link SettingsHelp}) and {@link #load} applies it.
 */
public final class CommonOptions {

    @Spec(Spec.Target.MIXEE)
    CommandSpec command;

    @Option(names = "--config", paramLabel = "FILE",
            description = "HOCON file layered over the defaults (conf/pipeline.conf).")
    File config;

    @Option(names = {"-s", "--set"}, paramLabel = "KEY=VALUE",
            description = "Override any setting, e.g. --set data.canvas-size=100 (the 'digitloc.' prefix is optional). "
                    + "Repeatable; applied after --config and before the specific options below.")
    Map<String, String> set = new LinkedHashMap<>();

    @Option(names = "--master", paramLabel = "URL", descriptionKey = "spark.master")
    String master;

    @Option(names = "--seed", paramLabel = "N", descriptionKey = "seed")
    Long seed;

    /** Loads settings: defaults, then --config, then --set, then the subcommand's own options. */
    Settings load() {
        return load(Map.of());
    }

    /** As {@link #load()}, with {@code extra} (setting key to value) applied last. */
    Settings load(Map<String, Object> extra) {
        Settings settings = loadUnprobed(extra);
        ClusterPaths.requireReachable(settings);
        return settings;
    }

    /**
     * As {@link #load(Map)}, without reaching the remote paths: for a command whose own refusals must come before
     * any request to a store; it calls {@link ClusterPaths#requireReachable} after them.
     */
    Settings loadUnprobed(Map<String, Object> extra) {
        Map<String, Object> overrides = new LinkedHashMap<>();
        set.forEach((k, v) -> overrides.put(k.startsWith("digitloc.") ? k : "digitloc." + k, hocon(k, v)));
        for (OptionSpec option : command.options()) {
            if (setting(option) != null) {
                put(overrides, "digitloc." + setting(option), option.getValue());
            }
        }
        overrides.putAll(extra);
        return ClusterPaths.qualify(Settings.load(config, overrides));
    }

    /** The path of the setting {@code option} sets, or null: its descriptionKey when that is a declared setting. */
    static String setting(OptionSpec option) {
        String key = option.descriptionKey();
        return key != null && Settings.declared(key).isPresent() ? key : null;
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
