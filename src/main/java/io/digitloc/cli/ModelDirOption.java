package io.digitloc.cli;

import picocli.CommandLine.Option;

import java.util.Map;

/** {@code --model-dir}: a model's directory, declared once for the commands that write or read one. */
public final class ModelDirOption {
    @Option(names = "--model-dir", paramLabel = "DIR",
            description = "The model's directory: model.zip, metadata.json, history, checkpoints/, evaluation "
                    + "(default: ${sys:digitloc.default.train.model-dir}).")
    String modelDir;

    void addTo(Map<String, Object> o) {
        CommonOptions.put(o, "digitloc.train.model-dir", modelDir);
    }
}
