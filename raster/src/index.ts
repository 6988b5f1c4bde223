// A GeoTIFF's structure checked before any pixel is read; windows read with a bounded inflate.
export {
  DEFAULT_BUDGET,
  SUPPORTED_COMPRESSIONS,
  bytesSource,
  validateTiff,
  type ByteSource,
  type RasterBudget,
  type TiffImageInfo,
} from './tiff/tiff-guard.js';

// Scenes: a STAC item and its band files, local or remote, read around the fields.
export {
  readBand,
  readSceneItem,
  type BandRaster,
  type MapWindow,
  type ReadBandOptions,
  type SceneItem,
} from './scenes/scene-reader.js';
export { MAX_STAC_ITEM_BYTES, type SceneItemOptions } from './scenes/stac-item.js';
export { WINDOW_MARGIN_M, readSceneBands, windowAround } from './scenes/scene-bands.js';

// Remote scenes: which addresses may be fetched.
export { ipv6Bytes, isPublicAddress, type RemoteAccess } from './remote/address-policy.js';

// Map projections.
export { proj4For, projectorTo } from './crs.js';

// Field indices: which pixels a field covers, and the NDVI, SAVI and NDMI over them.
export { pixelCoverage, type PixelGrid } from './indices/pixel-coverage.js';
export {
  MIN_VALID_FRACTION,
  USABLE_SCL,
  distribution,
  fieldIndices,
  fieldPixels,
  indexMean,
  ndmi,
  ndvi,
  sample,
  savi,
  sceneClass,
  type Distribution,
  type FieldIndices,
  type SceneBands,
} from './indices/field-indices.js';
export { gapFill, type SeriesPoint } from './indices/index-series.js';

// NDVI maps as PNG.
export {
  MASKED_RGB,
  MAX_PNG_SIDE,
  NDVI_RAMP,
  rampColour,
  renderFieldNdviPng,
  renderNdviPng,
} from './png/ndvi-png.js';
