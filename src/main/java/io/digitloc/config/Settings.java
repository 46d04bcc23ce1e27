package io.digitloc.config;

import com.typesafe.config.ConfigUtil;
import com.typesafe.config.ConfigValue;
import java.util.Set;
import java.util.TreeSet;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigParseOptions;
import com.typesafe.config.ConfigRenderOptions;
import com.typesafe.config.ConfigValueFactory;

import java.io.File;
import java.io.Serializable;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Every setting of the pipeline, immutable and validated. Built from three layers, last wins:
 * the defaults ({@code conf/pipeline.conf}, also packed in the jar), an optional user file, and
 * overrides from the command line. Validation happens here, before any Spark session starts. Each key is
 * declared once, as a {@link Setting} beside the record component it fills ({@link #declared()} lists them).
 */
public record Settings(long seed, SparkSettings spark, DataSettings data, TrainSettings train,
                       ScaleOutSettings scaleOut, EvalSettings eval, RetrainSettings retrain, ScoreSettings score,
                       BenchmarkSettings benchmark, String rendered)
        implements Serializable {

    /** The defaults, read from the classpath copy of conf/pipeline.conf. */
    public static final String DEFAULTS_RESOURCE = "pipeline.conf";

    static final Setting<Long> SEED = Setting.count("seed", v -> true, "a whole number");

    /** The records whose {@link Setting} constants are the declarations, in the order of pipeline.conf. */
    private static final List<Class<?>> SECTIONS = List.of(Settings.class, SparkSettings.class, DataSettings.class,
            TrainSettings.class, OptimiserSettings.class, DistributionSettings.class, AugmentSettings.class,
            NetworkSettings.class, MonitorSettings.class, EarlyStoppingSettings.class, ScaleOutSettings.class, EvalSettings.class, RetrainSettings.class,
            ScoreSettings.class, BenchmarkSettings.class);

    public Settings {
        Objects.requireNonNull(spark);
        Objects.requireNonNull(data);
        Objects.requireNonNull(train);
        Objects.requireNonNull(scaleOut);
        Objects.requireNonNull(eval);
        Objects.requireNonNull(retrain);
        Objects.requireNonNull(score);
        Objects.requireNonNull(benchmark);
    }

    /** Every declared setting: the keys of conf/pipeline.conf, one each. */
    public static List<Setting<?>> declared() {
        List<Setting<?>> all = new ArrayList<>();
        for (Class<?> section : SECTIONS) {
            for (Field f : section.getDeclaredFields()) {
                if (Modifier.isStatic(f.getModifiers()) && f.getType() == Setting.class) {
                    try {
                        all.add((Setting<?>) f.get(null));
                    } catch (IllegalAccessException e) {
                        throw new IllegalStateException(e);
                    }
                }
            }
        }
        return all;
    }

    /** The declared setting at {@code path} (e.g. {@code train.epochs}), if any. */
    public static Optional<Setting<?>> declared(String path) {
        return declared().stream().filter(s -> s.path().equals(path)).findFirst();
    }

    /** The defaults alone. */
    public static Settings defaults() {
        return Defaults.SETTINGS;
    }

    /**
     * @param userFile  a HOCON file layered over the defaults, or null
     * @param overrides setting path (e.g. {@code digitloc.data.canvas-size}) to value, applied last
     */
    public static Settings load(File userFile, Map<String, ?> overrides) {
        Config config = Setting.Defaults.file();
        if (userFile != null) {
            if (!userFile.isFile()) {
                throw new SettingsException("config file " + userFile + " does not exist or is not a file");
            }
            try {
                config = ConfigFactory.parseFile(userFile, ConfigParseOptions.defaults().setAllowMissing(false))
                        .withFallback(config);
            } catch (ConfigException e) {
                throw new SettingsException("config file " + userFile + " is not valid HOCON: " + e.getMessage(), e);
            }
        }
        for (Map.Entry<String, ?> e : overrides.entrySet()) {
            if (e.getValue() != null) {
                config = config.withValue(e.getKey(), ConfigValueFactory.fromAnyRef(e.getValue()));
            }
        }
        return from(config.resolve());
    }

    static Settings from(Config c) {
        Config root = c.getConfig("digitloc");
        requireKnownKeys(root);
        String rendered = root.root().render(ConfigRenderOptions.concise().setFormatted(true));
        return new Settings(SEED.read(root), SparkSettings.from(root), DataSettings.from(root), TrainSettings.from(root),
                ScaleOutSettings.from(root), EvalSettings.from(root), RetrainSettings.from(root), ScoreSettings.from(root),
                BenchmarkSettings.from(root), rendered);
    }

    /**
     * The same settings with {@code overrides} (setting path, e.g. {@code digitloc.train.model-dir}, to
     * value) applied, validated and rendered anew, so {@link #rendered} (written to metadata and lineage)
     * says what the run really used.
     */
    public Settings with(Map<String, ?> overrides) {
        Config config = ConfigFactory.parseString(rendered).atKey("digitloc");
        for (Map.Entry<String, ?> e : overrides.entrySet()) {
            config = config.withValue(e.getKey(), ConfigValueFactory.fromAnyRef(e.getValue()));
        }
        return from(config.resolve());
    }

    /**
     * Each declared path setting ({@link Setting#place()}) and its value, those left {@code ""} (a default
     * the code derives) aside: what the driver qualifies before a cluster's tasks see them.
     */
    public Map<Setting<?>, String> paths() {
        Config root = ConfigFactory.parseString(rendered);
        Map<Setting<?>, String> paths = new java.util.LinkedHashMap<>();
        for (Setting<?> s : declared()) {
            String value = s.place() == Setting.Place.NONE ? "" : root.getString(s.path()).trim();
            if (!value.isEmpty()) {
                paths.put(s, value);
            }
        }
        return paths;
    }

    /**
     * Refuses a key under {@code digitloc} that no setting declares (a typo would otherwise be ignored and
     * the default used), naming the nearest declared key.
     */
    static void requireKnownKeys(Config root) {
        Set<String> known = new TreeSet<>();
        declared().forEach(d -> known.add(d.path()));
        for (Map.Entry<String, ConfigValue> e : root.entrySet()) {
            String key = String.join(".", ConfigUtil.splitPath(e.getKey()));
            if (!known.contains(key)) {
                String near = nearest(key, known);
                throw new SettingsException("unknown setting digitloc." + key
                        + (near == null ? "" : "; did you mean " + near + "?")
                        + " (" + e.getValue().origin().description() + ")");
            }
        }
    }

    /** The declared key closest to {@code key} by edit distance, if it is close enough to be a typo of it. */
    static String nearest(String key, Set<String> known) {
        String best = null;
        int bestDistance = Integer.MAX_VALUE;
        for (String k : known) {
            int d = editDistance(key, k);
            if (d < bestDistance) {
                best = k;
                bestDistance = d;
            }
        }
        return bestDistance <= Math.max(3, key.length() / 3) ? best : null;
    }

    private static int editDistance(String a, String b) {
        int[] prev = new int[b.length() + 1];
        int[] cur = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            prev[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            cur[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int sub = prev[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
                cur[j] = Math.min(sub, Math.min(prev[j] + 1, cur[j - 1] + 1));
            }
            int[] t = prev;
            prev = cur;
            cur = t;
        }
        return prev[b.length()];
    }

    /** The defaults, read once: immutable, so every caller may share them. */
    private static final class Defaults {
        static final Settings SETTINGS = load(null, Map.of());
    }
}
