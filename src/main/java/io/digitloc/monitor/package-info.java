/**
 * Watching a training run: TensorBoard event files ({@link io.digitloc.monitor.TrainingBoard}, written
 * with {@link io.digitloc.monitor.TfRecord} framing around {@link io.digitloc.monitor.TfEvents} events;
 * {@link io.digitloc.monitor.EventFiles} reads them back) on any Hadoop filesystem. No Spark here.
 */
package io.digitloc.monitor;
