package io.digitloc.cli;

import io.digitloc.config.DataSettings;
import picocli.CommandLine.Option;

import java.util.Map;

/** {@code --if-exists} for the model directory (train, pipeline). */
public final class ModelIfExistsOption {
    @Option(names = "--if-exists", paramLabel = "POLICY",
            description = "When the model directory exists: FAIL or REPLACE (once the new model is finished) "
                    + "(default: ${sys:digitloc.default.train.if-exists}).")
    DataSettings.IfExists ifExists;

    void addTo(Map<String, Object> o) {
        CommonOptions.put(o, "digitloc.train.if-exists", ifExists);
    }
}
