package io.digitloc.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigParseOptions;
import com.typesafe.config.ConfigRenderOptions;
import com.typesafe.config.ConfigValueFactory;

import java.io.File;
import java.io.Serializable;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * Every setting of the pipeline, immutable and validated. Built from three layers, last wins:
 * the defaults ({@code conf/pipeline.conf}, also packed in the jar), an optional user file, and
 * overrides from the command line. Validation happens here, before any Spark session starts.
 */
public record Settings(long seed, SparkSettings spark, DataSettings data, TrainSettings train,
                       ScaleOutSettings scaleOut, EvalSettings eval, RetrainSettings retrain, String rendered)
        implements Serializable {

    /** The defaults, read from the classpath copy of conf/pipeline.conf. */
    public static final String DEFAULTS_RESOURCE = "pipeline.conf";

    public Settings {
        Objects.requireNonNull(spark);
        Objects.requireNonNull(data);
        Objects.requireNonNull(train);
        Objects.requireNonNull(scaleOut);
        Objects.requireNonNull(eval);
        Objects.requireNonNull(retrain);
    }

    /** The defaults alone. */
    public static Settings defaults() {
        return load(null, Map.of());
    }

    /**
     * @param userFile  a HOCON file layered over the defaults, or null
     * @param overrides setting path (e.g. {@code digitloc.data.canvas-size}) to value, applied last
     */
    public static Settings load(File userFile, Map<String, ?> overrides) {
        Config config = ConfigFactory.parseResources(Settings.class.getClassLoader(), DEFAULTS_RESOURCE,
                ConfigParseOptions.defaults().setAllowMissing(false));
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
        SparkSettings spark = new SparkSettings(
                get(root, "spark.master", Config::getString),
                get(root, "spark.app-name", Config::getString));
        DataSettings data = new DataSettings(
                get(root, "data.mnist-dir", Config::getString),
                get(root, "data.dir", Config::getString),
                get(root, "data.canvas-size", Config::getInt),
                get(root, "data.train-shards", Config::getInt),
                get(root, "data.validation-shards", Config::getInt),
                get(root, "data.train-limit", Config::getInt),
                get(root, "data.validation-limit", Config::getInt),
                enumValue(root, "data.if-exists", DataSettings.IfExists.class));
        TrainSettings train = TrainSettings.from(root);
        EvalSettings eval = EvalSettings.from(root);
        RetrainSettings retrain = RetrainSettings.from(root);
        String rendered = root.root().render(ConfigRenderOptions.concise().setFormatted(true));
        return new Settings(get(root, "seed", Config::getLong), spark, data, train, ScaleOutSettings.from(root), eval,
                retrain, rendered);
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

    /** Reads one setting, turning a missing or mistyped value into a message that names it. */
    static <T> T get(Config root, String path, ConfigGetter<T> getter) {
        try {
            return getter.get(root, path);
        } catch (ConfigException.Missing e) {
            throw new SettingsException("setting digitloc." + path + " is missing");
        } catch (ConfigException.WrongType e) {
            throw new SettingsException("setting digitloc." + path + " has the wrong type: " + e.getMessage());
        }
    }

    static <E extends Enum<E>> E enumValue(Config root, String path, Class<E> type) {
        String raw = get(root, path, Config::getString);
        String name = raw.trim().toUpperCase(Locale.ROOT).replace('-', '_');
        for (E constant : type.getEnumConstants()) {
            if (constant.name().equals(name)) {
                return constant;
            }
        }
        StringBuilder allowed = new StringBuilder();
        for (E constant : type.getEnumConstants()) {
            allowed.append(allowed.length() == 0 ? "" : ", ").append(constant.name().toLowerCase(Locale.ROOT).replace('_', '-'));
        }
        throw new SettingsException("setting digitloc." + path + " = '" + raw + "' must be one of: " + allowed);
    }

    /** Fails with a message naming the setting, its value and what was expected. */
    static void require(boolean ok, String setting, Object value, String expected) {
        if (!ok) {
            throw new SettingsException("setting " + setting + " = " + value + " is impossible: expected " + expected);
        }
    }

    @FunctionalInterface
    interface ConfigGetter<T> {
        T get(Config config, String path);
    }
}
