/** Augmentations that keep the labels right: a digit re-placed, rotated and scaled on its canvas. */
package io.digitloc.augment;
