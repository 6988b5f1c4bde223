/** Uploads are written here, under the watch folder: a dot-folder, which the scan passes over. */
export const UPLOADS_DIR = '.uploads';
/** An admin's uploads (scenes for everyone): no cooperative id can be this (ids have no `_`). */
const SHARED_UPLOADS = '_shared';

/** The folder under UPLOADS_DIR that an owner's uploads go to (null: an admin's, shared). */
export function uploadsFolderOf(ownerCoopId: string | null): string {
  return ownerCoopId ?? SHARED_UPLOADS;
}

/** Whose uploads a folder under UPLOADS_DIR holds: the inverse of `uploadsFolderOf`. */
export function uploadsOwnerOf(folderName: string): string | null {
  return folderName === SHARED_UPLOADS ? null : folderName;
}
