package io.digitloc.cli;

import io.digitloc.core.Metrics;
import io.digitloc.eval.EvaluateJob;
import io.digitloc.train.TrainJob;

import java.util.Locale;

/** What commands print on stdout when they succeed (progress goes to the log on stderr). */
final class Output {
    private Output() {
    }

    static void printTrained(TrainJob.Result r) {
        var v = r.metadata().finalValidation();
        var o = r.metadata().outcome();
        System.out.printf(Locale.ROOT, "train: %d epochs in %.0f s (%.0f img/s), model of epoch %d; validation accuracy "
                        + "%.2f%%, mean IoU %.3f, box MSE %.5f%nmodel: %s/model.zip%n", o.epochsRun(), o.totalSeconds(),
                o.meanImagesPerSecond(), o.bestEpoch(), 100 * v.accuracy(), v.meanIou(), v.boxMse(), r.modelDir());
    }

    static void printEvaluated(EvaluateJob.Result r) {
        Metrics m = r.metrics();
        StringBuilder at = new StringBuilder();
        m.iouAt().forEach((t, v) -> at.append(String.format(Locale.ROOT, ", IoU>=%s %.2f%%", t, 100 * v.share())));
        System.out.printf(Locale.ROOT, "evaluate: %d canvases: accuracy %.2f%%, mean IoU %.3f%s, box MSE %.2e%n"
                + "report: %s/report.html%n", m.count(), 100 * m.accuracy(), m.meanIou(), at, m.boxMse(), r.outDir());
    }
}
