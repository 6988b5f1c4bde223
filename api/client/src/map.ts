import L from 'leaflet';
import 'leaflet/dist/leaflet.css';
import './styles/map.css';
import { pageData } from './page-data.js';

interface Area {
  fieldId: string;
  zoneId: string | null;
  name: string;
  boundary: { coordinates: [number, number][][] };
  ndvi: number | null;
  waterMm: number | null;
  nKgHa: number | null;
}
interface MapField {
  id: string;
  name: string;
  ndvi: number | null;
  waterMm: number | null;
  nKgHa: number | null;
  scene: { id: string; acquired: string } | null;
  bounds: [[number, number], [number, number]];
}
interface Device {
  id: string;
  kind: string;
  latitudeDeg: number;
  longitudeDeg: number;
  fixQuality: number;
  movedM: number | null;
}
interface Data {
  fields: MapField[];
  areas: Area[];
  devices: Device[];
  texts: Record<string, string>;
}
type Measure = 'ndvi' | 'water' | 'nitrogen';

/** Colour ramps (ColorBrewer: BrBG-like for NDVI, Blues for water, Purples for N), low to high. */
const RAMPS: Record<Measure, { stops: string[]; min: number; max: number; unit: string }> = {
  ndvi: {
    stops: ['#a6611a', '#dfc27d', '#f5f5f5', '#80cdc1', '#018571'],
    min: 0,
    max: 0.9,
    unit: '',
  },
  water: {
    stops: ['#eff3ff', '#bdd7e7', '#6baed6', '#3182bd', '#08519c'],
    min: 0,
    max: 40,
    unit: 'mm',
  },
  nitrogen: {
    stops: ['#f2f0f7', '#cbc9e2', '#9e9ac8', '#756bb1', '#54278f'],
    min: 0,
    max: 120,
    unit: 'kg N/ha',
  },
};
const FIX_COLOURS: Record<string, string> = {
  'map.fix-rtk-fixed': '#1a9850',
  'map.fix-rtk-float': '#fdae61',
  'map.fix-single': '#4575b4',
  'map.fix-none': '#777777',
};
const fixKey = (q: number) =>
  q === 4
    ? 'map.fix-rtk-fixed'
    : q === 5
      ? 'map.fix-rtk-float'
      : q > 0
        ? 'map.fix-single'
        : 'map.fix-none';

function colourOf(measure: Measure, value: number | null): string {
  if (value === null) return '#bbbbbb';
  const { stops, min, max } = RAMPS[measure];
  const at = Math.min(
    stops.length - 1,
    Math.max(0, Math.floor(((value - min) / (max - min)) * stops.length)),
  );
  return stops[at]!;
}

const valueOf = (area: Area, measure: Measure) =>
  measure === 'ndvi' ? area.ndvi : measure === 'water' ? area.waterMm : area.nKgHa;

const ring = (area: Area) => area.boundary.coordinates[0]!.map(([lon, lat]) => L.latLng(lat, lon));

/** A tooltip as text: Leaflet puts a string in as HTML, and names come from people. */
function textTip(text: string): HTMLElement {
  const span = document.createElement('span');
  span.textContent = text;
  return span;
}

/** A control drawn once: north is always up on this map (no rotation), so the arrow says so. */
function northArrow(label: string): L.Control {
  const control = new L.Control({ position: 'topright' });
  control.onAdd = () => {
    const div = L.DomUtil.create('div', 'north-arrow');
    div.setAttribute('role', 'img');
    div.setAttribute('aria-label', label);
    div.innerHTML =
      '<svg viewBox="0 0 24 36" width="24" height="36" aria-hidden="true"><path d="M12 2 L20 22 L12 17 L4 22 Z" fill="#222"/><text x="12" y="34" text-anchor="middle" font-size="11" font-weight="700" fill="#222">N</text></svg>';
    return div;
  };
  return control;
}

function drawLegend(data: Data, measure: Measure): void {
  const legend = document.getElementById('map-legend');
  if (legend === null) return;
  const { stops, min, max, unit } = RAMPS[measure];
  const step = (max - min) / stops.length;
  const title =
    data.texts[
      measure === 'ndvi' ? 'map.by-ndvi' : measure === 'water' ? 'map.by-water' : 'map.by-nitrogen'
    ];
  legend.replaceChildren();
  const heading = document.createElement('strong');
  heading.textContent = `${data.texts['map.legend']}: ${title}`;
  legend.append(heading);
  const list = document.createElement('ul');
  stops.forEach((colour, i) => {
    const item = document.createElement('li');
    const swatch = document.createElement('span');
    swatch.className = 'swatch';
    swatch.style.background = colour;
    const from = min + i * step;
    const to = from + step;
    const digits = measure === 'ndvi' ? 2 : 0;
    item.append(swatch, `${from.toFixed(digits)}–${to.toFixed(digits)}${unit ? ` ${unit}` : ''}`);
    list.append(item);
  });
  for (const key of ['map.fix-rtk-fixed', 'map.fix-rtk-float', 'map.fix-single']) {
    const item = document.createElement('li');
    const dot = document.createElement('span');
    dot.className = 'dot';
    dot.style.background = FIX_COLOURS[key]!;
    item.append(dot, data.texts[key] ?? key);
    list.append(item);
  }
  legend.append(list);
}

function start(): void {
  const data = pageData<Data>();
  const element = document.getElementById('map');
  if (element === null || data.fields.length === 0) return;
  // No tiles: the box has no internet. The scene and the polygons are the map.
  const map = L.map(element, { zoomSnap: 0.25, attributionControl: false });
  L.control.scale({ metric: true, imperial: false, position: 'bottomleft' }).addTo(map);
  northArrow(data.texts['map.north'] ?? 'N').addTo(map);
  const all = L.latLngBounds(data.fields.flatMap((f) => [f.bounds[0], f.bounds[1]]));
  map.fitBounds(all, { padding: [12, 12] });

  for (const field of data.fields) {
    if (field.scene === null) continue;
    const url = `/v1/fields/${encodeURIComponent(field.id)}/ndvi.png?scene=${encodeURIComponent(field.scene.id)}`;
    L.imageOverlay(url, field.bounds, { alt: `NDVI ${field.name}`, className: 'ndvi-image' }).addTo(
      map,
    );
  }

  const names = new Map(data.fields.map((f) => [f.id, f.name]));
  const polygons = data.areas.map((area) => {
    const polygon = L.polygon(ring(area), { weight: 1, color: '#333', fillOpacity: 0.55 });
    polygon.bindTooltip(textTip(`${names.get(area.fieldId) ?? area.fieldId} · ${area.name}`));
    polygon.on('click', () => {
      window.location.assign(`/fields/${encodeURIComponent(area.fieldId)}`);
    });
    polygon.addTo(map);
    return { area, polygon };
  });
  const devices = L.layerGroup().addTo(map);
  for (const device of data.devices) {
    const key = fixKey(device.fixQuality);
    const marker = L.circleMarker([device.latitudeDeg, device.longitudeDeg], {
      radius: 6,
      weight: device.movedM === null ? 1 : 4,
      color: device.movedM === null ? '#222' : '#d7191c',
      fillColor: FIX_COLOURS[key],
      fillOpacity: 1,
      className: device.movedM === null ? 'device' : 'device moved',
    });
    const moved =
      device.movedM === null ? '' : ` · ${data.texts['map.moved']} (${device.movedM} m)`;
    marker.bindTooltip(textTip(`${device.id} · ${data.texts[key] ?? key}${moved}`));
    marker.addTo(devices);
  }

  const paint = (measure: Measure) => {
    for (const { area, polygon } of polygons)
      polygon.setStyle({ fillColor: colourOf(measure, valueOf(area, measure)) });
    drawLegend(data, measure);
  };
  paint('ndvi');
  for (const radio of document.querySelectorAll<HTMLInputElement>('input[name="colour-by"]'))
    radio.addEventListener('change', () => paint(radio.value as Measure));
}

start();
