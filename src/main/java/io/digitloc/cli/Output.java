package io.digitloc.cli;

import io.digitloc.train.TrainJob;

import java.util.Locale;
import java.util.Map;

/** What commands print on stdout when they succeed (progress goes to the log on stderr). */
final class Output {
    private Output() {
    }

    static void printTrained(TrainJob.Result r) {
        Map<String, Double> v = r.metadata().finalValidation();
        System.out.printf(Locale.ROOT, "train: %d epochs in %.0f s (%.0f img/s); validation accuracy %.2f%%, mean IoU %.3f, "
                        + "box MSE %.5f%nmodel: %s/model.zip%n", r.metadata().epochs(), r.metadata().totalSeconds(),
                r.metadata().meanImagesPerSecond(), 100 * v.get("accuracy"), v.get("mean_iou"), v.get("box_mse"),
                r.modelDir());
    }
}
