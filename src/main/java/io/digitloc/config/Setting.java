package io.digitloc.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigParseOptions;
import com.typesafe.config.ConfigValue;

import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.function.Predicate;

/**
 * One setting, declared once (as Spark ML's {@code Param} or Tribuo's {@code @Config}): its path under
 * {@code digitloc}, its type and the values it accepts. Its default and its description live in one place,
 * conf/pipeline.conf (the value, and the comment just above the key), and are read from there. The
 * reading, the messages that name the setting, and the command-line options' help all come from here.
 *
 * @param <T> the Java type of the value ({@code null} is allowed only where the check allows it,
 *            e.g. {@code auto})
 */
public final class Setting<T> {
    /** Reads a value of the type from a config at a path; the config's own exceptions are turned into messages. */
    @FunctionalInterface
    interface Reader<T> {
        T read(Config config, String path);
    }

    /** Whether a setting names a place on a filesystem, and which JVMs open it. */
    public enum Place {
        /** Not a path. */
        NONE,
        /** A path only the driver opens (a report, a model it reads and broadcasts). */
        DRIVER,
        /** A path tasks on the executors open too (the digits, the dataset, the run directory). */
        EVERY_NODE
    }

    private final String path;
    private final Reader<T> reader;
    private final Predicate<? super T> valid;
    private final String expected;
    private final Place place;

    private Setting(String path, Reader<T> reader, Predicate<? super T> valid, String expected) {
        this(path, reader, valid, expected, Place.NONE);
    }

    private Setting(String path, Reader<T> reader, Predicate<? super T> valid, String expected, Place place) {
        this.path = path;
        this.reader = reader;
        this.valid = valid;
        this.expected = expected;
        this.place = place;
    }

    static Setting<Integer> integer(String path, Predicate<Integer> valid, String expected) {
        return new Setting<>(path, Config::getInt, valid, expected);
    }

    static Setting<Long> count(String path, Predicate<Long> valid, String expected) {
        return new Setting<>(path, Config::getLong, valid, expected);
    }

    static Setting<Double> number(String path, Predicate<Double> valid, String expected) {
        return new Setting<>(path, Config::getDouble, valid, expected);
    }

    static Setting<Boolean> flag(String path) {
        return new Setting<>(path, Config::getBoolean, v -> true, "true or false");
    }

    static Setting<String> text(String path, Predicate<String> valid, String expected) {
        return new Setting<>(path, Config::getString, valid, expected);
    }

    /** A non-blank path on any Hadoop filesystem, which executors' tasks open too. */
    static Setting<String> directory(String path) {
        return new Setting<>(path, Config::getString, v -> v != null && !v.isBlank(), "a directory path",
                Place.EVERY_NODE);
    }

    /** As {@link #directory}, or {@code ""} for a default the code derives. */
    static Setting<String> directoryOrDefault(String path, String expected) {
        return new Setting<>(path, Config::getString, v -> v != null, expected, Place.EVERY_NODE);
    }

    /** A path only the driver opens, or {@code ""} for a default the code derives. */
    static Setting<String> driverPath(String path, String expected) {
        return new Setting<>(path, Config::getString, v -> v != null, expected, Place.DRIVER);
    }

    static Setting<Duration> duration(String path, Predicate<Duration> valid, String expected) {
        return new Setting<>(path, Config::getDuration, valid, expected);
    }

    static Setting<List<Integer>> integers(String path, Predicate<List<Integer>> valid, String expected) {
        return new Setting<>(path, Config::getIntList, valid, expected);
    }

    static Setting<List<Double>> numbers(String path, Predicate<List<Double>> valid, String expected) {
        return new Setting<>(path, Config::getDoubleList, valid, expected);
    }

    static Setting<List<String>> texts(String path, Predicate<List<String>> valid, String expected) {
        return new Setting<>(path, Config::getStringList, valid, expected);
    }

    /** One of an enum's constants, written in lower case with '-' for '_' ({@code if-exists = replace}). */
    static <E extends Enum<E>> Setting<E> choice(String path, Class<E> type) {
        String names = names(type);
        int last = names.lastIndexOf(", ");
        String expected = last < 0 ? names : names.substring(0, last) + " or " + names.substring(last + 2);
        return new Setting<E>(path, (c, p) -> constant(c, p, type, names), v -> v != null, expected);
    }

    /** {@code auto} (read as null: chosen by the code) or a number. */
    static Setting<Double> autoOrNumber(String path, Predicate<Double> valid, String expected) {
        return new Setting<>(path, Setting::autoOrNumber, valid, expected);
    }

    /** The path under {@code digitloc}, e.g. {@code train.epochs}: what {@code --set} and the user's file name. */
    public String path() {
        return path;
    }

    /** Whether the value is a path, and who opens it. */
    public Place place() {
        return place;
    }

    /** The full key, e.g. {@code digitloc.train.epochs}: what messages name. */
    public String key() {
        return "digitloc." + path;
    }

    /** What a valid value is, in words. */
    public String expected() {
        return expected;
    }

    /** The comment above the key in conf/pipeline.conf, on one line. */
    public String description() {
        return String.join(" ", Defaults.value(this).origin().comments().stream().map(String::trim).toList()).trim();
    }

    /** The first sentence of {@link #description()}: what option help shows. */
    public String summary() {
        String d = description();
        java.util.regex.Matcher end = java.util.regex.Pattern.compile("\\.(\\s+[A-Z(\"]|$)").matcher(d);
        return end.find() ? d.substring(0, end.start() + 1) : d;
    }

    /** The default from conf/pipeline.conf as the user would write it ({@code ""} for an empty string). */
    public String defaultText() {
        Object v = Defaults.value(this).unwrapped();
        String text = v instanceof List<?> l ? String.join(",", l.stream().map(String::valueOf).toList()) : String.valueOf(v);
        return text.isEmpty() ? "\"\"" : text;
    }

    /** Reads the value under {@code root} (the {@code digitloc} object): missing or mistyped values are named. */
    T read(Config root) {
        try {
            return reader.read(root, path);
        } catch (ConfigException.Missing e) {
            throw new SettingsException("setting " + key() + " is missing");
        } catch (ConfigException.WrongType e) {
            throw new SettingsException("setting " + key() + " has the wrong type: " + e.getMessage());
        }
    }

    /** Returns {@code value} if this setting accepts it, else fails with a message naming the setting. */
    public T check(T value) {
        require(valid.test(value), value, expected);
        return value;
    }

    /** A check that involves other settings: fails, naming this one, unless {@code ok}. */
    public void require(boolean ok, Object value, String what) {
        if (!ok) {
            throw new SettingsException("setting " + key() + " = " + value + " is impossible: expected " + what);
        }
    }

    @Override
    public String toString() {
        return key();
    }

    private static <E extends Enum<E>> E constant(Config c, String path, Class<E> type, String names) {
        String raw = c.getString(path);
        String name = raw.trim().toUpperCase(Locale.ROOT).replace('-', '_');
        for (E constant : type.getEnumConstants()) {
            if (constant.name().equals(name)) {
                return constant;
            }
        }
        throw new SettingsException("setting digitloc." + path + " = '" + raw + "' must be one of: " + names);
    }

    private static <E extends Enum<E>> String names(Class<E> type) {
        return String.join(", ", java.util.Arrays.stream(type.getEnumConstants())
                .map(e -> e.name().toLowerCase(Locale.ROOT).replace('_', '-')).toList());
    }

    private static Double autoOrNumber(Config c, String path) {
        String raw = c.getString(path).trim();
        if (raw.equalsIgnoreCase("auto")) {
            return null;
        }
        try {
            return Double.valueOf(raw);
        } catch (NumberFormatException e) {
            throw new SettingsException("setting digitloc." + path + " = '" + raw + "' must be auto or a number");
        }
    }

    /** conf/pipeline.conf as packed in the jar, parsed once: the defaults and, in its comments, the descriptions. */
    static final class Defaults {
        private static final Config FILE = ConfigFactory.parseResources(Setting.class.getClassLoader(),
                Settings.DEFAULTS_RESOURCE, ConfigParseOptions.defaults().setAllowMissing(false));

        private Defaults() {
        }

        static Config file() {
            return FILE;
        }

        static ConfigValue value(Setting<?> s) {
            try {
                return FILE.getValue(s.key());
            } catch (ConfigException.Missing e) {
                throw new IllegalStateException(s.key() + " is declared but not in " + Settings.DEFAULTS_RESOURCE, e);
            }
        }
    }
}
