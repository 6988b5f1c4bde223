import proj4 from 'proj4';

// A 200 m x 100 m plot near Ziway on the 10 m grid of UTM 37N (EPSG:32637), and the W x H
// pixel grid around it whose top-left corner is ORIGIN.
const UTM = '+proj=utm +zone=37 +datum=WGS84 +units=m +no_defs';
const toLonLat = proj4(UTM, 'EPSG:4326');
export const X0 = 480_000;
export const Y0 = 870_000;
export const ORIGIN = { x: X0 - 100, y: Y0 + 200 };
export const W = 40;
export const H = 30;

/** A UTM 37N point as longitude-latitude. */
export const corner = (x: number, y: number) => toLonLat.forward<[number, number]>([x, y]);

/** The UTM 37N rectangle from (x0, y0) to (x1, y1) as a GeoJSON polygon. */
export const rectangle = (x0: number, y0: number, x1: number, y1: number) => ({
  type: 'Polygon' as const,
  coordinates: [[corner(x0, y0), corner(x1, y0), corner(x1, y1), corner(x0, y1), corner(x0, y0)]],
});
