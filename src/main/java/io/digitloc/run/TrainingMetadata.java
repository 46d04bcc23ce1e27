package io.digitloc.run;

import com.fasterxml.jackson.databind.JsonNode;
import io.digitloc.core.RunLayout;
import io.digitloc.data.DatasetManifest;
import io.digitloc.io.HadoopConf;
import io.digitloc.io.HadoopFiles;
import io.digitloc.io.Json;
import org.apache.hadoop.fs.Path;

import java.util.Map;

/**
 * {@code <model-dir>/metadata.json}: what a model is and where it came from. Written last, so its
 * presence marks a finished training run.
 *
 * @param provenance        the code and libraries that trained it, and when
 * @param shape             the network and data it was trained with, and where
 * @param outcome           how the run went: epochs, best epoch, why it stopped, time
 * @param initialValidation the figures before the first step
 * @param finalValidation   the figures of the model kept (the best epoch's, with early stopping)
 * @param settings          every setting the run used (HOCON, rendered)
 * @param data              the dataset's manifest
 */
public record TrainingMetadata(Provenance provenance, Shape shape, Outcome outcome, ValidationFigures initialValidation,
                               ValidationFigures finalValidation, String settings, DatasetManifest data) {

    /** The code that trained the model. */
    public record Provenance(String codeVersion, Map<String, String> libraries, String createdAt) {
    }

    /** The network, the data sizes and the cluster of the run. */
    public record Shape(String sparkMaster, int workers, long parameters, int canvasSize, long trainExamples,
                        long validationExamples) {
    }

    /**
     * @param plannedEpochs the epochs the settings asked for
     * @param epochsRun     the epochs trained (fewer when early stopping ended the run)
     * @param bestEpoch     the epoch whose model was kept (the last one without early stopping)
     * @param stopReason    why the run ended, in words
     */
    public record Outcome(int plannedEpochs, int epochsRun, int bestEpoch, String stopReason, double totalSeconds,
                          double meanImagesPerSecond) {
    }

    /** Reads metadata.json, also in its earlier flat form (one level, figures as maps; the 2026-11-26 fixtures). */
    public static TrainingMetadata read(String json, String where) {
        JsonNode n = Json.read(json, JsonNode.class, where);
        if (n.has("provenance")) {
            return Json.MAPPER.convertValue(n, TrainingMetadata.class);
        }
        int epochs = n.path("epochs").asInt();
        return new TrainingMetadata(
                new Provenance(n.path("codeVersion").asText(), Json.MAPPER.convertValue(n.path("libraries"),
                        Json.MAPPER.getTypeFactory().constructMapType(Map.class, String.class, String.class)),
                        n.path("createdAt").asText()),
                new Shape(n.path("sparkMaster").asText(), n.path("workers").asInt(), n.path("parameters").asLong(),
                        n.path("canvasSize").asInt(), n.path("trainExamples").asLong(), n.path("validationExamples").asLong()),
                new Outcome(epochs, epochs, epochs, "all planned epochs trained", n.path("totalSeconds").asDouble(),
                        n.path("meanImagesPerSecond").asDouble()),
                Json.MAPPER.convertValue(n.path("initialValidation"), ValidationFigures.class),
                Json.MAPPER.convertValue(n.path("finalValidation"), ValidationFigures.class),
                n.path("settings").asText(), Json.MAPPER.convertValue(n.path("data"), DatasetManifest.class));
    }

    /**
     * The metadata of a complete model directory. A directory without it is refused: a training run killed
     * while publishing leaves one (on S3 the publishing rename copies file by file, and this file comes last).
     */
    public static TrainingMetadata requireComplete(Path modelDir, HadoopConf conf) {
        Path file = new Path(modelDir, RunLayout.METADATA);
        if (!HadoopFiles.exists(file, conf)) {
            throw new IllegalStateException(modelDir + " has no " + RunLayout.METADATA + ": not a complete model "
                    + "directory (its training run was interrupted while publishing it, or is still publishing it); "
                    + "train it again with --if-exists replace");
        }
        return read(HadoopFiles.readString(file, conf), file.toString());
    }
}
