import proj4 from 'proj4';

export interface UtmZone {
  zone: number;
  south: boolean;
  /** EPSG code: 326zz north, 327zz south (WGS 84 / UTM). */
  epsg: number;
  proj4: string;
}

/** The UTM zone of a longitude and latitude (standard 6-degree zones; no Norway/Svalbard rules). */
export function utmZoneOf(longitudeDeg: number, latitudeDeg: number): UtmZone {
  const zone = Math.min(60, Math.floor((longitudeDeg + 180) / 6) + 1);
  const south = latitudeDeg < 0;
  return {
    zone,
    south,
    epsg: (south ? 32700 : 32600) + zone,
    proj4: `+proj=utm +zone=${zone}${south ? ' +south' : ''} +datum=WGS84 +units=m +no_defs`,
  };
}

/** Longitude/latitude (WGS84, which CGCS2000 matches to centimetres) to UTM metres and back. */
export function utmProjector(zone: UtmZone) {
  const converter = proj4('EPSG:4326', zone.proj4);
  return {
    forward: (lonLat: [number, number]): [number, number] =>
      converter.forward<[number, number]>(lonLat),
    inverse: (xy: [number, number]): [number, number] => converter.inverse<[number, number]>(xy),
  };
}
