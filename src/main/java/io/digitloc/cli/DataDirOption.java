package io.digitloc.cli;

import picocli.CommandLine.Option;

import java.util.Map;

/** {@code --data-dir}: the generated dataset, declared once for every command that reads or writes it. */
public final class DataDirOption {
    @Option(names = "--data-dir", paramLabel = "DIR",
            description = "Root of the Parquet dataset: DIR/train, DIR/validation, DIR/_manifest.json "
                    + "(default: ${sys:digitloc.default.data.dir}).")
    String dataDir;

    void addTo(Map<String, Object> o) {
        CommonOptions.put(o, "digitloc.data.dir", dataDir);
    }
}
