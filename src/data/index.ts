export { type Dataset, subset, classCounts, checkDataset, imageSize } from "./dataset";
export { loadDigits, DIGITS_CREDIT } from "./digits";
export { makeShapes, SHAPE_CLASSES, type ShapeName, type ShapesOptions } from "./shapes";
export { parseIdx, idxToDataset, loadIdx, gunzip, maybeGunzip, isGzip, FASHION_MNIST_CLASSES, type IdxArray, type IdxOptions } from "./idx";
export { parseCsvDataset, type CsvOptions } from "./csv";
export { resizeImages, convertChannels, fitToInput, explainMismatch, inputWords, type ImageShape } from "./fit";
