package io.digitloc.cli;

import picocli.CommandLine.Option;

import java.util.Map;

/** {@code --model-dir}: a model's directory, declared once for the commands that write or read one. */
public final class ModelDirOption {
    @Option(names = "--model-dir", paramLabel = "DIR", descriptionKey = "train.model-dir")
    String modelDir;

    /**
     * Does nothing: the option applies itself through its {@code descriptionKey} ({@link CommonOptions#load}).
     * Kept for commands written before that, until they drop the call.
     */
    @Deprecated(forRemoval = true)
    void addTo(Map<String, Object> overrides) {
    }
}
