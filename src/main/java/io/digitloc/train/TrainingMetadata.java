package io.digitloc.train;

import io.digitloc.data.DatasetManifest;

import java.util.Map;

/**
 * {@code <model-dir>/metadata.json}: what a model is and where it came from. Written last, so its
 * presence marks a finished training run.
 */
public record TrainingMetadata(String codeVersion, Map<String, String> libraries, String createdAt,
                               String sparkMaster, int workers, long parameters, int canvasSize, int epochs,
                               long trainExamples, long validationExamples, Map<String, Double> initialValidation,
                               Map<String, Double> finalValidation,
                               double totalSeconds, double meanImagesPerSecond, String settings,
                               DatasetManifest data) {
}
