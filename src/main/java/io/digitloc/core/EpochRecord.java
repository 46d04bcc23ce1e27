package io.digitloc.core;

/**
 * One line of the training history.
 *
 * @param epoch           1-based epoch number
 * @param trainLoss       DL4J's score of the averaged model at the end of the epoch (loss of the last mini-batches)
 * @param valLoss         validation cross-entropy + box MSE
 * @param valAccuracy     validation classification accuracy
 * @param valMeanIou      validation mean IoU
 * @param valBoxMse       validation bounding-box MSE
 * @param valIouShare     validation share of boxes at IoU &ge; {@value QuickScore#IOU_THRESHOLD}
 *                        ({@link QuickScore#shareFound}); NaN in histories written before it was recorded
 * @param examples        training canvases seen this epoch
 * @param fitSeconds      wall time of the distributed fit
 * @param epochSeconds    wall time of the whole epoch (batch export, fit, validation, checkpoint)
 * @param imagesPerSecond training throughput of the fit
 */
public record EpochRecord(int epoch, double trainLoss, double valLoss, double valAccuracy, double valMeanIou,
                          double valBoxMse, double valIouShare, long examples, double fitSeconds, double epochSeconds,
                          double imagesPerSecond) {

    public static final String CSV_HEADER = "epoch,train_loss,val_loss,val_accuracy,val_mean_iou,val_box_mse,"
            + "val_iou_share,examples,fit_seconds,epoch_seconds,images_per_second";

    /** A record without the IoU share (NaN), for callers that do not compute it yet. */
    public EpochRecord(int epoch, double trainLoss, double valLoss, double valAccuracy, double valMeanIou,
                       double valBoxMse, long examples, double fitSeconds, double epochSeconds, double imagesPerSecond) {
        this(epoch, trainLoss, valLoss, valAccuracy, valMeanIou, valBoxMse, Double.NaN, examples, fitSeconds,
                epochSeconds, imagesPerSecond);
    }

    public String csv() {
        return String.format(java.util.Locale.ROOT, "%d,%.6f,%.6f,%.6f,%.6f,%.8f,%.6f,%d,%.3f,%.3f,%.1f", epoch,
                trainLoss, valLoss, valAccuracy, valMeanIou, valBoxMse, valIouShare, examples, fitSeconds, epochSeconds,
                imagesPerSecond);
    }
}
