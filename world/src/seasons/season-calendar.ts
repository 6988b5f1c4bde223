/**
 * The most recent planting on or before `atMs`, taking the scenario's planting date as an annual
 * calendar (the cooperative plants on that day every year), so a scenario stays in season
 * whenever it is run.
 */
export function seasonPlantingMs(plantingDate: string, atMs: number): number {
  const given = Date.parse(`${plantingDate}T00:00:00Z`);
  const d = new Date(given);
  let year = new Date(atMs).getUTCFullYear();
  let planting = Date.UTC(year, d.getUTCMonth(), d.getUTCDate());
  while (planting > atMs) planting = Date.UTC(--year, d.getUTCMonth(), d.getUTCDate());
  return planting;
}
