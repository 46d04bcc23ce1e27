package io.digitloc.run;

import io.digitloc.core.EpochRecord;
import io.digitloc.core.QuickScore;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * The per-epoch validation figures of a network, typed (in JSON under the names history.json and the
 * reports use).
 *
 * @param iouShare share of boxes at IoU &ge; {@value QuickScore#IOU_THRESHOLD}; null in files written before
 *                 it was recorded
 */
public record ValidationFigures(@JsonProperty("loss") double loss, @JsonProperty("accuracy") double accuracy,
                                @JsonProperty("mean_iou") double meanIou, @JsonProperty("box_mse") double boxMse,
                                @JsonProperty("iou_share") Double iouShare) {

    public static ValidationFigures of(QuickScore s, double boxLossWeight) {
        return new ValidationFigures(s.loss(boxLossWeight), s.accuracy(), s.meanIou(), s.boxMse(), s.shareFound());
    }

    public static ValidationFigures of(EpochRecord r) {
        return new ValidationFigures(r.valLoss(), r.valAccuracy(), r.valMeanIou(), r.valBoxMse(),
                Double.isNaN(r.valIouShare()) ? null : r.valIouShare());
    }
}
