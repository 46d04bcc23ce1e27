package io.digitloc.cli;

import io.digitloc.config.Setting;
import io.digitloc.config.Settings;

import java.util.ListResourceBundle;

/**
 * Option help for the options that set a setting: an option names its setting once, as its picocli
 * {@code descriptionKey} (e.g. {@code descriptionKey = "train.epochs"}), and its help is the setting's
 * description and default from conf/pipeline.conf. {@link CommonOptions#load} turns the same options
 * into overrides.
 */
final class SettingsHelp extends ListResourceBundle {
    @Override
    protected Object[][] getContents() {
        return Settings.declared().stream()
                .map(s -> new Object[] {s.path(), help(s)})
                .toArray(Object[][]::new);
    }

    static String help(Setting<?> s) {
        String summary = s.summary().replaceFirst("\\.$", "");
        return (summary + " (default: " + s.defaultText() + ").").replace("%", "%%");
    }
}
