/**
 * One calendar day, ms. Our local days are whole UTC days shifted by a fixed offset (the
 * cooperatives' time zones keep no DST), so a day is always this long.
 */
export const DAY_MS = 86_400_000;
