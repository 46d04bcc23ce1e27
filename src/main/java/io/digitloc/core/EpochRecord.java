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
 * @param examples        training canvases seen this epoch
 * @param fitSeconds      wall time of the distributed fit
 * @param epochSeconds    wall time of the whole epoch (batch export, fit, validation, checkpoint)
 * @param imagesPerSecond training throughput of the fit
 */
public record EpochRecord(int epoch, double trainLoss, double valLoss, double valAccuracy, double valMeanIou,
                          double valBoxMse, long examples, double fitSeconds, double epochSeconds,
                          double imagesPerSecond) {

    public static final String CSV_HEADER = "epoch,train_loss,val_loss,val_accuracy,val_mean_iou,val_box_mse,examples,"
            + "fit_seconds,epoch_seconds,images_per_second";

    public String csv() {
        return String.format(java.util.Locale.ROOT, "%d,%.6f,%.6f,%.6f,%.6f,%.8f,%d,%.3f,%.3f,%.1f", epoch, trainLoss,
                valLoss, valAccuracy, valMeanIou, valBoxMse, examples, fitSeconds, epochSeconds, imagesPerSecond);
    }
}
