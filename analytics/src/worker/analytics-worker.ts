import { parentPort } from 'node:worker_threads';
import { isShambaError } from '@shamba/schemas';
import { runTask, type TaskName } from './tasks.js';
import { transferListOf } from './transfer.js';

/** The worker is a thin message shell around the pure tasks (STYLE.md). */
interface Request {
  id: number;
  task: TaskName;
  input: never;
}

parentPort?.on('message', (request: Request) => {
  runTask(request.task, request.input).then(
    // A result marked for transfer (an image's bytes) moves its buffers instead of copying them.
    (value) => parentPort!.postMessage({ id: request.id, ok: true, value }, transferListOf(value)),
    (error: unknown) => {
      const message = error instanceof Error ? error.message : String(error);
      const code = isShambaError(error) ? error.code : undefined;
      parentPort!.postMessage({ id: request.id, ok: false, message, code });
    },
  );
});
