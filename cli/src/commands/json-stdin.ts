import { text } from 'node:stream/consumers';

/** Standard input as JSON, or an error saying it is not (the calculators' contract: et0, degree-days). */
export async function jsonFromStdin(): Promise<unknown> {
  try {
    return JSON.parse(await text(process.stdin)) as unknown;
  } catch (error) {
    throw new Error(
      `standard input is not JSON: ${error instanceof Error ? error.message : String(error)}`,
      { cause: error },
    );
  }
}
